// A migrated database for one command: created and migrated first (as the owner role; the command then
// works as the application role, rating/db/open.ts) so that every command works on a fresh machine; the
// pool is closed afterwards whatever happens.
import type { Config } from '../config';
import type { Pool } from '../../rating/db/pool';
import { openDatabase } from '../../rating/db/open';

export async function withDatabase<T>(config: Config, work: (pool: Pool) => Promise<T>, connections = 2): Promise<T> {
  const { pool } = await openDatabase(config, { poolSize: connections });
  try {
    return await work(pool);
  } finally {
    await pool.end();
  }
}
