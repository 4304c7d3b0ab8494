// The command that issues the first operator key: through the real script (child process) and in process.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/pg';
import { ApiKeyStore } from '../src/http/auth/api-keys';
import { createKeyCommand } from '../src/http/auth/create-key-command';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

describe('scripts/create-api-key.ts', () => {
  it('prints a working operator key once, on stdout', async () => {
    const { stdout, stderr } = await promisify(execFile)(process.execPath,
      ['--import', 'tsx', 'scripts/create-api-key.ts', '--role', 'operator', '--label', 'first operator'],
      { env: { ...process.env, SOLDE_DATABASE_URL: db.url } });
    const key = stdout.trim();
    expect(stderr).toContain('created operator key');
    expect(stderr).not.toContain(key);
    expect((await new ApiKeyStore(db.pool).verify(key))?.role).toBe('operator');
  });

  it('refuses bad usage with exit code 2 and an unknown account with 1, creating nothing', async () => {
    const before = (await db.pool.query('SELECT count(*)::int AS n FROM api_keys')).rows[0].n;
    for (const argv of [[], ['--role', 'root', '--label', 'x'], ['--role', 'account-admin', '--label', 'x'], ['--role', 'support', '--label', 'x', '--account', 'acme'], ['--bogus']]) {
      const c = capture();
      expect(await createKeyCommand(db.pool, argv, c.io)).toBe(2);
      expect(c.out).toEqual([]);
    }
    const c = capture();
    expect(await createKeyCommand(db.pool, ['--role', 'account-admin', '--label', 'x', '--account', 'nobody'], c.io)).toBe(1);
    expect(c.err.join('\n')).toContain('create it first');
    expect((await db.pool.query('SELECT count(*)::int AS n FROM api_keys')).rows[0].n).toBe(before);
  });
});
