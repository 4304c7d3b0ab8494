import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPool, type Pool } from '../../rating/db/pool';
import { migrate } from '../../rating/db/migrate';

const ADMIN_URL = process.env.SOLDE_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  readonly url: string;
  readonly pool: Pool;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own for one test file: parallel files never see each other's rows. */
export async function createTestDatabase(migrated = true): Promise<TestDatabase> {
  const name = `solde_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const pool = createPool(url.toString(), 20);
  if (migrated) await migrate(pool);
  return {
    url: url.toString(),
    pool,
    async drop() {
      await pool.end();
      const cleanup = new pg.Client({ connectionString: ADMIN_URL });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

/** A role name of its own for one test file (roles are per server, not per database). */
export function testRoleName(): string {
  return `solde_test_app_${randomBytes(6).toString('hex')}`;
}

/** The same database URL, logging in as another role (trust authentication: no password). */
export function urlAs(databaseUrl: string, role: string): string {
  const url = new URL(databaseUrl);
  url.username = role;
  url.password = '';
  return url.toString();
}

/** Drops a role this test file created, after its database is dropped (nothing of it is left then). */
export async function dropRole(role: string): Promise<void> {
  if (!/^solde_test_app_[0-9a-f]{12}$/.test(role)) throw new Error(`not a test role: ${role}`);
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
  } finally {
    await admin.end();
  }
}
