// A migrated database for one command: created and migrated first so that every command works on a
// fresh machine; the pool is closed afterwards whatever happens.
import type { Config } from '../config';
import { createPool, ensureDatabase, type Pool } from '../../rating/db/pool';
import { migrate } from '../../rating/db/migrate';

export async function withDatabase<T>(config: Config, work: (pool: Pool) => Promise<T>, connections = 2): Promise<T> {
  await ensureDatabase(config.databaseUrl);
  const pool = createPool(config.databaseUrl, connections);
  try {
    await migrate(pool);
    return await work(pool);
  } finally {
    await pool.end();
  }
}
