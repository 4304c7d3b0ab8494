// npm run migrate: creates the database if needed, applies pending migrations as the owner role
// (SOLDE_MIGRATION_DATABASE_URL) and grants the application role (SOLDE_DATABASE_URL).
import { loadConfig } from '../src/config';
import { openDatabase } from '../rating/db/open';

const config = loadConfig();
const { pool, applied } = await openDatabase(config, { poolSize: 1, onProgress: (line) => console.log(line) });
await pool.end();
console.log(applied.length ? `applied ${applied.length} migration(s)` : 'database is up to date');
