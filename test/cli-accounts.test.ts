// The operator's account commands against real Postgres and Redis: create, card, top-up, balance, ledger,
// reversal, auto-recharge, and reconcile repairing a Redis that lost or corrupted an account's state.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli';
import { createTestDatabase, type TestDatabase } from './support/pg';
import { createTestRedis, type TestRedis } from './support/redis';

let db: TestDatabase;
let r: TestRedis;

const run = runCli;

async function json(...argv: string[]) {
  const result = await run(...argv, '--json');
  expect(result.code, result.err).toBe(0);
  return JSON.parse(result.out);
}

beforeAll(async () => {
  db = await createTestDatabase();
  r = await createTestRedis();
  process.env.SOLDE_DATABASE_URL = db.url;
  process.env.SOLDE_REDIS_PREFIX = r.prefix;
  process.env.SOLDE_CARD_PROCESSOR = 'simulator'; // these top-ups use the simulator's test cards
});
afterAll(async () => {
  await r.cleanup();
  await db.drop();
});

describe('solde account commands', () => {
  it('create, card, top-up, balance, ledger', async () => {
    expect(await json('account', 'create', 'cli-co', '--name', 'CLI Co', '--language', 'en')).toMatchObject({ id: 'cli-co', language: 'en', currency: 'EUR', balance: '0' });
    expect((await run('account', 'card', 'cli-co', 'tok_sim_4242', '4242', 'visa')).code).toBe(0);
    const t = await json('topup', 'cli-co', '20', '--request-id', 'cli-req-1');
    expect(t).toMatchObject({ created: true, entry: { kind: 'topup', amount: '20', amount_micros: '20000000', balance_after: '20' } });
    expect(await json('topup', 'cli-co', '20', '--request-id', 'cli-req-1')).toMatchObject({ created: false, entry: { id: t.entry.id } });
    expect(await json('balance', 'cli-co')).toEqual({
      account: 'cli-co', currency: 'EUR', balance: '20', balance_micros: '20000000', held: '0', held_micros: '0', available: '20', available_micros: '20000000',
    });
    const human = await run('balance', 'cli-co');
    expect(human.out).toBe('cli-co: balance €20.00, held by calls €0.00, available €20.00');
    const page = await json('ledger', 'cli-co');
    expect(page.entries).toHaveLength(1);
    expect(page.entries[0]).toMatchObject({ kind: 'topup', amount: '20', actor: expect.stringMatching(/^cli:/) });
  });

  it('refuses bad input with a clear message and exit code', async () => {
    const bad = await run('topup', 'cli-co', '15');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/Only the predefined amounts.*10, 20, 50, 100/);
    expect((await run('topup', 'cli-co', '-20')).code).toBe(1);
    expect((await run('topup', 'cli-co', 'ten')).code).toBe(2);
    expect((await run('balance', 'nobody')).err).toMatch(/no account "nobody"/);
    expect((await run('topup')).code).toBe(2);
    expect((await run('reverse', '1')).err).toMatch(/--reason/);
  });

  it('reverse and auto-recharge', async () => {
    const page = await json('ledger', 'cli-co');
    const rev = await json('reverse', page.entries[0].id, '--reason', 'test reversal', '--actor', 'support:dan');
    expect(rev.entry).toMatchObject({ kind: 'reversal', amount: '-20', actor: 'support:dan', reason: 'test reversal' });
    const again = await run('reverse', page.entries[0].id, '--reason', 'twice', '--request-id', 'other');
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already reversed/);
    // Switched on while the balance (0) is under the threshold: one recharge of 50 at once.
    expect(await json('auto-recharge', 'cli-co', 'on', '--threshold', '10', '--amount', '50')).toMatchObject({ enabled: true, threshold: '10', amount: '50' });
    expect(await json('balance', 'cli-co')).toMatchObject({ balance: '50' });
    expect((await run('auto-recharge', 'cli-co')).out).toMatch(/auto-recharge on: adds €50.00 when available falls under €10.00/);
    expect(await json('auto-recharge', 'cli-co', 'off')).toMatchObject({ enabled: false });
  });

  it('reconcile repairs a Redis that lost or corrupted state, and prints what differed', async () => {
    expect(await json('reconcile')).toEqual({ differences: [] });
    await r.redis.hset(`${r.prefix}{acct:cli-co}:s`, 'bal', '999');
    await json('account', 'create', 'cli-two', '--name', 'Two');
    await r.redis.del(`${r.prefix}{acct:cli-two}:s`);
    const result = await run('reconcile');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/cli-co: balance: redis balance 999 at seq 3; postgres balance 50000000 at seq 3; repaired/);
    expect(result.out).toMatch(/cli-two: missing: .*repaired/);
    expect(await json('reconcile')).toEqual({ differences: [] });
    expect(await json('balance', 'cli-co')).toMatchObject({ balance: '50' });
  });
});
