// Schema migrations on a real Postgres: several instances starting at once apply each file exactly once,
// a second run applies nothing, and a database migrated by a newer release is refused untouched.
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../rating/db/migrate';
import { createPool, type Pool } from '../rating/db/pool';
import { createTestDatabase, type TestDatabase } from './support/pg';

const FILES = readdirSync('rating/db/migrations').filter((name) => name.endsWith('.sql')).sort();

let db: TestDatabase;
const pools: Pool[] = [];
beforeAll(async () => { db = await createTestDatabase(false); });
afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.end()));
  await db?.drop();
});

describe('migrate', () => {
  it('applies every file once when three instances start together, then nothing', async () => {
    // Separate pools, as separate processes would have.
    pools.push(...[1, 2, 3].map(() => createPool(db.url, 2)));
    const applied = await Promise.all(pools.map((pool) => migrate(pool)));
    expect(applied.flat().sort()).toEqual(FILES);
    const { rows } = await db.pool.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
    expect(rows.map((row) => row.name)).toEqual(FILES);
    expect(await migrate(db.pool)).toEqual([]);
  });

  it('refuses a database that a newer release migrated, and changes nothing', async () => {
    await db.pool.query("INSERT INTO schema_migrations (name) VALUES ('999_from_the_future.sql')");
    const tables = async () => (await db.pool.query("SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'")).rows[0].n;
    const before = await tables();
    await expect(migrate(db.pool)).rejects.toThrow(/999_from_the_future\.sql.*newer Solde/);
    expect(await tables()).toBe(before);
  });
});
