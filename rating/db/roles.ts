// Database roles. Migrations run as the OWNER role (it owns every table, so only it can change the
// schema); the running service connects as the APPLICATION role, which may read and write rows but never
// TRUNCATE, ALTER or DROP anything, and on the ledger may only SELECT and INSERT: the append-only ledger
// is enforced by privileges, not only by its trigger (a trigger does not stop TRUNCATE, nor an owner).
// The grants are re-applied after every migration run, so a table added by a later migration is covered.
import type { PoolClient } from './pool';

/** Tables the application role reads but never writes. */
const READ_ONLY_TABLES = ['schema_migrations'] as const;
/** Tables the application role may only append to. */
const APPEND_ONLY_TABLES = ['ledger_entries'] as const;

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertRoleName(role: string): void {
  if (!ROLE_NAME.test(role)) throw new Error(`database role name must match ${ROLE_NAME}: ${JSON.stringify(role)}`);
}

/**
 * Creates the application role when it does not exist yet (LOGIN, no password: where passwords are
 * needed, the operator creates the role beforehand with one; README "Database roles") and grants it
 * exactly what the service needs. Runs as the owner, inside the migration lock.
 */
export async function grantApplicationRole(client: PoolClient, role: string): Promise<void> {
  assertRoleName(role);
  const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  if (exists.rowCount === 0) await createRole(client, role);
  const { rows } = await client.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
  const tables = rows.map((row) => row.tablename);
  const statements = [
    // Before PostgreSQL 15 every role may create tables in public; nobody but the owner may here.
    'REVOKE CREATE ON SCHEMA public FROM PUBLIC',
    `GRANT CONNECT ON DATABASE "${await databaseName(client)}" TO "${role}"`,
    `GRANT USAGE ON SCHEMA public TO "${role}"`,
    ...tables.map((table) => `REVOKE ALL ON TABLE "${table}" FROM "${role}"`),
    ...tables.map((table) => `GRANT ${privilegesOn(table)} ON TABLE "${table}" TO "${role}"`),
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "${role}"`,
  ];
  // One transaction: a running instance never sees the moment between REVOKE ALL and GRANT.
  await client.query('BEGIN');
  try {
    for (const statement of statements) await client.query(statement);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

function privilegesOn(table: string): string {
  if ((READ_ONLY_TABLES as readonly string[]).includes(table)) return 'SELECT';
  if ((APPEND_ONLY_TABLES as readonly string[]).includes(table)) return 'SELECT, INSERT';
  return 'SELECT, INSERT, UPDATE, DELETE';
}

async function createRole(client: PoolClient, role: string): Promise<void> {
  try {
    await client.query(`CREATE ROLE "${role}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE`);
  } catch (error) {
    const code = (error as { code?: string }).code;
    // Another database of the same server created it at the same moment: fine.
    if (code === '42710' || code === '23505') return;
    if (code === '42501') {
      throw new Error(`the owner role may not create the application role "${role}": create it once as a superuser `
        + `(CREATE ROLE ${role} LOGIN PASSWORD '...'; see README "Database roles") and start again`);
    }
    throw error;
  }
}

async function databaseName(client: PoolClient): Promise<string> {
  const { rows } = await client.query<{ name: string }>('SELECT current_database() AS name');
  return rows[0]!.name;
}
