import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../rating/funds/accounts';
import { main, type CliIO } from '../src/cli/main';
import { writeCallRecord } from '../sip/cdr/call-records';
import { createTestDatabase, type TestDatabase } from './support/pg';

// `solde pbx ...` and `solde calls ...`, run in process against a database of this file's own.

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.SOLDE_DATABASE_URL = db.url;
  await createAccount(db.pool, { id: 'acme', name: 'Acme' }, 'EUR');
});
afterAll(async () => db?.drop());

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (line) => out.push(line), err: (line) => err.push(line) };
  const code = await main(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('solde pbx', () => {
  it('trusts a network, lists it, refuses overlaps, unknown accounts and non-addresses, removes it', async () => {
    expect((await run('pbx', 'add', 'acme', '192.0.2.0/28', '--label', 'main site')).code).toBe(0);
    const listed = await run('pbx', 'list', 'acme', '--json');
    const sources = JSON.parse(listed.out).sources as Array<{ id: string; address: string; label: string }>;
    expect(sources).toMatchObject([{ account_id: 'acme', address: '192.0.2.0/28', label: 'main site' }]);

    const overlap = await run('pbx', 'add', 'acme', '192.0.2.5');
    expect(overlap).toMatchObject({ code: 1 });
    expect(overlap.err).toContain('overlaps');
    const ghost = await run('pbx', 'add', 'ghost', '10.0.0.1');
    expect(ghost).toMatchObject({ code: 1 });
    expect(ghost.err).toContain('no account');
    expect((await run('pbx', 'add', 'acme', 'pbx.example.com')).code).toBe(2);
    expect((await run('pbx', 'add', 'acme', '10.0.0.0/33')).code).toBe(2);

    expect((await run('pbx', 'remove', sources[0]!.id)).code).toBe(0);
    expect((await run('pbx', 'remove', sources[0]!.id)).code).toBe(1);
    expect(JSON.parse((await run('pbx', 'list', '--json')).out).sources).toEqual([]);
  });
});

describe('solde calls', () => {
  it("lists an account's latest call records with exact costs", async () => {
    expect(JSON.parse((await run('calls', 'acme', '--json')).out).calls).toEqual([]);
    const started = new Date('2026-11-25T10:00:00Z');
    await writeCallRecord(db.pool, {
      callId: 'c1;t1', accountId: 'acme', extension: '101', class: 'INTERNATIONAL', dialled: '00212612345678',
      e164: '+212612345678', country: 'MA', rule: 'international', tariffPrefix: '212', perMinuteMicros: 600_000n,
      startedAt: started, answeredAt: new Date(started.getTime() + 5_000), endedAt: new Date(started.getTime() + 65_000),
      billedSeconds: 60, costMicros: 600_000n, endingReason: 'caller-bye', sipStatus: 200, settleStatus: 'ok',
    });
    const listed = await run('calls', 'acme', '--json');
    expect(JSON.parse(listed.out).calls).toMatchObject([{ call_id: 'c1;t1', billed_seconds: 60, cost: '0.6', cost_micros: '600000', talk_ms: '60000' }]);
    const text = await run('calls', 'acme');
    expect(text.out).toContain('101 -> +212612345678  INTERNATIONAL  60s  0.6  caller-bye (200)');
    expect((await run('calls', 'acme', '--limit', '0')).code).toBe(2);
  });
});
