// Opening the system of record the way every entry point does (the service, the CLI, the scripts): the
// database is created if missing and migrated as the OWNER role, the APPLICATION role is created (if
// missing) and granted (roles.ts), and the pool returned connects as the application role.
import { userInfo } from 'node:os';
import { migrate } from './migrate';
import { createPool, ensureDatabase, type Pool } from './pool';

export interface DatabaseUrls {
  /** The application role's URL: what the service runs as. */
  readonly databaseUrl: string;
  /** The owner role's URL, same server and database: migrations only. */
  readonly migrationDatabaseUrl: string;
}

export interface OpenedDatabase {
  readonly pool: Pool;
  /** Migrations applied now. */
  readonly applied: readonly string[];
  /** False when both URLs name one role: then nothing stops that role from changing the ledger. */
  readonly separateRoles: boolean;
}

export async function openDatabase(
  urls: DatabaseUrls, options: { readonly poolSize?: number; readonly onProgress?: (line: string) => void } = {},
): Promise<OpenedDatabase> {
  const applicationRole = roleOf(urls.databaseUrl);
  const separateRoles = applicationRole !== roleOf(urls.migrationDatabaseUrl);
  await ensureDatabase(urls.migrationDatabaseUrl);
  const owner = createPool(urls.migrationDatabaseUrl, 1);
  let applied: string[];
  try {
    applied = await migrate(owner, options.onProgress, separateRoles ? { applicationRole } : {});
  } finally {
    await owner.end();
  }
  return { pool: createPool(urls.databaseUrl, options.poolSize), applied, separateRoles };
}

/** The role a postgres URL logs in as (libpq's default when the URL names none). */
export function roleOf(databaseUrl: string): string {
  const user = decodeURIComponent(new URL(databaseUrl).username);
  return user || process.env.PGUSER || userInfo().username;
}
