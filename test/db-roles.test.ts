// Database roles against real Postgres: migrations run as the owner, the service connects as the
// application role, which does its work (top-ups write the ledger) but cannot TRUNCATE, UPDATE or DELETE
// the ledger, nor change the schema. Each refusal is Postgres' own "permission denied" (42501), not the
// ledger trigger's exception: the privilege is missing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../rating/db/open';
import type { Pool } from '../rating/db/pool';
import { createTestFunds, fundAccount } from '../rating/funds/harness';
import { createTestDatabase, dropRole, testRoleName, urlAs, type TestDatabase } from './support/pg';
import { createTestRedis, type TestRedis } from './support/redis';

const role = testRoleName();
let db: TestDatabase;
let redis: TestRedis;
let app: Pool;

beforeAll(async () => {
  db = await createTestDatabase(false);
  redis = await createTestRedis();
  ({ pool: app } = await openDatabase({ databaseUrl: urlAs(db.url, role), migrationDatabaseUrl: db.url }, { poolSize: 2 }));
  const { funds } = createTestFunds(app, redis.redis, redis.prefix);
  await funds.createAccount({ id: 'acme', name: 'Acme SARL', language: 'fr' });
  await fundAccount(funds, 'acme', 5_000_000n, 'acme:roles-test');
  await funds.stop();
});

afterAll(async () => {
  await app?.end();
  await redis?.cleanup();
  await db?.drop();
  await dropRole(role);
});

async function refusal(sql: string): Promise<string | undefined> {
  try {
    await app.query(sql);
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('the application role', () => {
  it('is who the service connects as, owns nothing and is no superuser', async () => {
    const { rows } = await app.query<{ who: string; superuser: boolean; owned: string }>(
      `SELECT current_user AS who, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
              (SELECT count(*) FROM pg_tables WHERE tableowner = current_user)::text AS owned`);
    expect(rows[0]).toEqual({ who: role, superuser: false, owned: '0' });
  });

  it('writes and reads the ledger through the funds engine', async () => {
    const { rows } = await app.query<{ n: string }>("SELECT count(*)::text AS n FROM ledger_entries WHERE account_id = 'acme'");
    expect(rows[0]!.n).toBe('1');
  });

  it.each([
    ['TRUNCATE the ledger', 'TRUNCATE ledger_entries'],
    ['TRUNCATE the ledger with CASCADE', 'TRUNCATE ledger_entries CASCADE'],
    ['UPDATE the ledger', "UPDATE ledger_entries SET reason = 'edited'"],
    ['DELETE from the ledger', 'DELETE FROM ledger_entries'],
    ['TRUNCATE another table', 'TRUNCATE accounts CASCADE'],
    ['disable the append-only trigger', 'ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_append_only'],
    ['drop the append-only trigger', 'DROP TRIGGER ledger_entries_append_only ON ledger_entries'],
    ['drop the ledger', 'DROP TABLE ledger_entries'],
    ['add a column', 'ALTER TABLE accounts ADD COLUMN note text'],
    ['create a table', 'CREATE TABLE sneaky (id int)'],
    ['create a schema', 'CREATE SCHEMA sneaky'],
    ['create an index', 'CREATE INDEX sneaky ON accounts (name)'],
    ['record a migration', "INSERT INTO schema_migrations (name) VALUES ('999_fake.sql')"],
  ])('may not %s', async (_what, sql) => {
    expect(await refusal(sql)).toBe('42501');
  });

  it('leaves the ledger as it was after every refusal', async () => {
    const { rows } = await app.query<{ n: string; reason: string | null }>("SELECT count(*)::text AS n, max(reason) AS reason FROM ledger_entries");
    expect(rows[0]).toEqual({ n: '1', reason: 'set-up' });
  });

  it('is granted again, unchanged, by a second start (idempotent)', async () => {
    const again = await openDatabase({ databaseUrl: urlAs(db.url, role), migrationDatabaseUrl: db.url }, { poolSize: 1 });
    try {
      expect(again.applied).toEqual([]);
      expect(again.separateRoles).toBe(true);
      expect(await refusal('TRUNCATE ledger_entries')).toBe('42501');
      await again.pool.query('SELECT count(*) FROM accounts');
    } finally {
      await again.pool.end();
    }
  });
});
