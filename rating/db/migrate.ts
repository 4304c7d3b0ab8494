import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Pool } from './pool';
import { grantApplicationRole } from './roles';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
// Any constant: serialises migrations of concurrent starters on the same database.
const MIGRATION_LOCK = 746_532_001;

export interface MigrateOptions {
  /** The application role to create (if missing) and grant (roles.ts); none: the pool's role serves too. */
  readonly applicationRole?: string;
}

/**
 * Applies every rating/db/migrations/NNN_name.sql not applied yet, in name order, each in its own
 * transaction, as the pool's role (the owner), then grants the application role. Returns the names
 * applied now. Safe to run from several processes at once. Forward only (a money ledger is never
 * migrated down); why not a migrator package: docs/DECISIONS.md.
 */
export async function migrate(pool: Pool, onProgress: (line: string) => void = () => undefined, options: MigrateOptions = {}): Promise<string[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f)).sort();
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await client.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name));
    // A database migrated by a newer release: running older code on it could write what the newer
    // schema forbids, so refuse before touching anything.
    const unknown = [...done].filter((name) => !files.includes(name)).sort();
    if (unknown.length > 0) {
      throw new Error(`the database has migrations this release does not know (${unknown.join(', ')}): ` +
        'it was migrated by a newer Solde; run that release, or restore a backup taken before it');
    }
    for (const file of files) {
      if (done.has(file)) continue;
      onProgress(`migrating ${file}`);
      const sql = await readFile(MIGRATIONS_DIR + file, 'utf8');
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${file} failed: ${(error as Error).message}`);
      }
      applied.push(file);
    }
    // Under the lock: two GRANTs on the same table at once fail with "tuple concurrently updated".
    if (options.applicationRole !== undefined) await grantApplicationRole(client, options.applicationRole);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
  return applied;
}
