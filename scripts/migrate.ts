// npm run migrate: creates the database if needed and applies pending migrations.
import { loadConfig } from '../src/config';
import { createPool, ensureDatabase } from '../rating/db/pool';
import { migrate } from '../rating/db/migrate';

const config = loadConfig();
await ensureDatabase(config.databaseUrl);
const pool = createPool(config.databaseUrl, 1);
try {
  const applied = await migrate(pool, (line) => console.log(line));
  console.log(applied.length ? `applied ${applied.length} migration(s)` : 'database is up to date');
} finally {
  await pool.end();
}
