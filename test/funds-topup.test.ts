// Top-ups through the card processor simulator, auto-recharge (exactly one per crossing, backoff on
// timeouts, stop on a decline), and support's reversal of a top-up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/pg';
import { createTestRedis, type TestRedis } from './support/redis';
import { createTestFunds, fundAccount } from '../rating/funds/harness';
import { ledgerSum } from '../rating/funds/ledger';
import { countAttempts } from '../rating/funds/payment-methods';
import { SIMULATOR_CARDS, CardProcessorSimulator } from '../rating/funds/payment-simulator';
import type { FundsService } from '../rating/funds/service';

const EUR = 1_000_000n;
let db: TestDatabase;
let r: TestRedis;
let funds: FundsService;
let simulator: CardProcessorSimulator;

beforeAll(async () => {
  db = await createTestDatabase();
  r = await createTestRedis();
  ({ funds, simulator } = createTestFunds(db.pool, r.redis, r.prefix));
});
afterAll(async () => {
  await r.cleanup();
  await db.drop();
});

async function account(id: string, card: (typeof SIMULATOR_CARDS)[keyof typeof SIMULATOR_CARDS]) {
  await funds.createAccount({ id, name: id });
  await funds.addPaymentMethod({ accountId: id, ...card });
}

async function agree(id: string): Promise<bigint> {
  await funds.flush();
  const pg = (await funds.getAccount(id))!.balanceMicros;
  expect((await ledgerSum(db.pool, id)).sumMicros).toBe(pg);
  expect((await funds.balance(id)).balanceMicros).toBe(pg);
  return pg;
}

/** Ages an account's auto-recharge crossing mark past its retry pause (common.lua: RECHARGE_RETRY_MS). */
async function ageRechargeMark(id: string): Promise<void> {
  const [s] = funds.ctx.store.keys.forAccount(id).all;
  await r.redis.hset(s, 'rpat', String(Date.now() - 301_000));
}

describe('top-ups', () => {
  it('credits a predefined amount charged to the card on file', async () => {
    await account('topper', SIMULATOR_CARDS.approve);
    const { entry, created } = await funds.topUp({ accountId: 'topper', amountMicros: 50n * EUR, requestId: 't-1', actor: 'portal:alice', currency: 'EUR' });
    expect(created).toBe(true);
    expect(entry).toMatchObject({ kind: 'topup', amountMicros: 50n * EUR, balanceAfterMicros: 50n * EUR, actor: 'portal:alice' });
    expect(entry.metadata).toMatchObject({ card: 'visa 4242', provider: 'card-processor-simulator' });
    expect(await agree('topper')).toBe(50n * EUR);
  });

  it('refuses a declined card, insufficient funds and a timeout, and credits nothing', async () => {
    const cases = [['declined', SIMULATOR_CARDS.decline, 'PAYMENT_DECLINED'], ['poor', SIMULATOR_CARDS.insufficientFunds, 'PAYMENT_DECLINED'],
      ['slow', SIMULATOR_CARDS.timeout, 'PAYMENT_UNAVAILABLE']] as const;
    for (const [id, card, code] of cases) {
      await account(id, card);
      await expect(funds.topUp({ accountId: id, amountMicros: 10n * EUR, requestId: `t-${id}`, actor: 'a' })).rejects.toMatchObject({ code });
      expect(await agree(id)).toBe(0n);
      expect(Object.values(await countAttempts(db.pool, id))).toEqual([1]);
    }
  });
});

describe('auto-recharge', () => {
  it('starts exactly one recharge when many calls cross the threshold at once, across two processes', async () => {
    await account('auto', SIMULATOR_CARDS.approve);
    await funds.topUp({ accountId: 'auto', amountMicros: 20n * EUR, requestId: 'auto-seed', actor: 'a' });
    await funds.setAutoRecharge('auto', { enabled: true, thresholdMicros: 10n * EUR, amountMicros: 50n * EUR });
    const second = createTestFunds(db.pool, r.redis, r.prefix, simulator).funds;
    // 40 calls hold 0.5 EUR each: available goes from 20 to 0, crossing 10 EUR once.
    await Promise.all(Array.from({ length: 40 }, (_, i) =>
      (i % 2 ? second : funds).reserve({ accountId: 'auto', callId: `x-${i}`, amountMicros: 500_000n, validitySeconds: 60 })));
    await Promise.all([funds.flush(), second.flush()]);
    const recharges = (await funds.ledger('auto')).entries.filter((e) => e.kind === 'auto_recharge');
    expect(recharges).toHaveLength(1);
    expect(recharges[0]!.amountMicros).toBe(50n * EUR);
    expect([...simulator.charges.keys()].filter((k) => k.startsWith('auto-recharge:auto:'))).toHaveLength(1);
    expect(await agree('auto')).toBe(70n * EUR);
    expect((await funds.balance('auto')).availableMicros).toBe(50n * EUR);
    // Still above the threshold: more operations start nothing.
    await funds.reserve({ accountId: 'auto', callId: 'y', amountMicros: EUR, validitySeconds: 60 });
    await funds.flush();
    expect((await funds.ledger('auto')).entries.filter((e) => e.kind === 'auto_recharge')).toHaveLength(1);
  });

  it('retries with backoff while the processor times out, then recharges once', async () => {
    await account('flaky', SIMULATOR_CARDS.flaky);
    await funds.setAutoRecharge('flaky', { enabled: true, thresholdMicros: 5n * EUR, amountMicros: 10n * EUR });
    // Empty account: the first reservation is refused and crosses the threshold.
    expect((await funds.reserve({ accountId: 'flaky', callId: 'f1', amountMicros: EUR, validitySeconds: 60 })).status).toBe('insufficient');
    await funds.flush();
    expect(await countAttempts(db.pool, 'flaky')).toEqual({ unavailable: 2, approved: 1 });
    expect(await agree('flaky')).toBe(10n * EUR);
    expect((await funds.reserve({ accountId: 'flaky', callId: 'f2', amountMicros: EUR, validitySeconds: 60 })).status).toBe('ok');
  });

  it('pauses after the processor stayed unavailable, then tries the same request again once the pause is over', async () => {
    await account('down', SIMULATOR_CARDS.timeout);
    await funds.setAutoRecharge('down', { enabled: true, thresholdMicros: 5n * EUR, amountMicros: 10n * EUR });
    let n = 0;
    const refused = async () => expect((await funds.reserve({ accountId: 'down', callId: `c${n++}`, amountMicros: EUR, validitySeconds: 60 })).status).toBe('insufficient');
    await refused();
    await funds.flush();
    expect(await countAttempts(db.pool, 'down')).toEqual({ unavailable: 4 });
    // Still under the threshold, within the pause: no operation starts another round.
    for (let i = 0; i < 3; i += 1) await refused();
    await funds.flush();
    expect(await countAttempts(db.pool, 'down')).toEqual({ unavailable: 4 });
    // The pause is over (the mark aged as 5 minutes would age it): the next operation starts one more round.
    await ageRechargeMark('down');
    await refused();
    await refused();
    await funds.flush();
    expect(await countAttempts(db.pool, 'down')).toEqual({ unavailable: 8 });
    const requests = await db.pool.query("SELECT DISTINCT request_id FROM payment_attempts WHERE account_id = 'down'");
    expect(requests.rows).toEqual([{ request_id: 'auto-recharge:down:0' }]);
    expect(await agree('down')).toBe(0n);
  });

  it('takes over a crossing mark nobody lifted (its recharger died) once the mark is older than the pause', async () => {
    await account('orphan', SIMULATOR_CARDS.approve);
    await fundAccount(funds, 'orphan', 6n * EUR, 'orphan-seed'); // above the threshold: switching on starts nothing
    await funds.setAutoRecharge('orphan', { enabled: true, thresholdMicros: 5n * EUR, amountMicros: 10n * EUR });
    const [s] = funds.ctx.store.keys.forAccount('orphan').all;
    await r.redis.hset(s, 'rpend', '0', 'rpat', String(Date.now())); // marked by a process that then died
    expect((await funds.reserve({ accountId: 'orphan', callId: 'o1', amountMicros: 2n * EUR, validitySeconds: 60 })).status).toBe('ok');
    await funds.flush();
    expect(await countAttempts(db.pool, 'orphan')).toEqual({});
    await ageRechargeMark('orphan');
    expect((await funds.reserve({ accountId: 'orphan', callId: 'o2', amountMicros: EUR, validitySeconds: 60 })).status).toBe('ok');
    await funds.flush();
    expect(await countAttempts(db.pool, 'orphan')).toEqual({ approved: 1 });
    expect(await agree('orphan')).toBe(16n * EUR);
    expect(await r.redis.hmget(s, 'rpend', 'rpat')).toEqual([null, null]);
  });

  it('stops after a decline and records why', async () => {
    await account('refused', SIMULATOR_CARDS.decline);
    await funds.setAutoRecharge('refused', { enabled: true, thresholdMicros: 5n * EUR, amountMicros: 10n * EUR });
    for (let i = 0; i < 5; i += 1) await funds.reserve({ accountId: 'refused', callId: `d${i}`, amountMicros: EUR, validitySeconds: 60 });
    await funds.flush();
    const a = (await funds.getAccount('refused'))!;
    expect(a.autoRecharge.enabled).toBe(false);
    expect(a.autoRecharge.stoppedReason).toMatch(/0002.*declined/);
    expect(await countAttempts(db.pool, 'refused')).toEqual({ declined: 1 });
    expect(await agree('refused')).toBe(0n);
  });
});

describe('reversal of a top-up by support', () => {
  it('is recorded with reason and actor, once', async () => {
    await account('rev', SIMULATOR_CARDS.approve);
    const { entry } = await funds.topUp({ accountId: 'rev', amountMicros: 20n * EUR, requestId: 'rev-t1', actor: 'a' });
    const reversed = await funds.reverse({ entryId: entry.id, reason: 'charged by mistake', actor: 'support:carol', requestId: 'rev-r1' });
    expect(reversed.entry).toMatchObject({ kind: 'reversal', amountMicros: -20n * EUR, reason: 'charged by mistake', actor: 'support:carol' });
    await expect(funds.reverse({ entryId: entry.id, reason: 'again', actor: 'support:carol', requestId: 'rev-r2' })).rejects.toMatchObject({ code: 'ALREADY_REVERSED' });
    await expect(funds.reverse({ entryId: reversed.entry.id, reason: 'reverse a reversal', actor: 'x', requestId: 'rev-r3' })).rejects.toMatchObject({ code: 'NOT_REVERSIBLE' });
    expect(await agree('rev')).toBe(0n);
  });

  it('is refused while calls hold the money, and when it was spent', async () => {
    await account('spent', SIMULATOR_CARDS.approve);
    const { entry } = await funds.topUp({ accountId: 'spent', amountMicros: 10n * EUR, requestId: 'sp-t1', actor: 'a' });
    await funds.reserve({ accountId: 'spent', callId: 'h1', amountMicros: EUR, validitySeconds: 60 });
    await expect(funds.reverse({ entryId: entry.id, reason: 'held', actor: 'support', requestId: 'sp-r1' })).rejects.toMatchObject({ code: 'FUNDS_IN_USE' });
    await funds.settle({ accountId: 'spent', callId: 'h1', finalMicros: 1n });
    await funds.flush();
    await expect(funds.reverse({ entryId: entry.id, reason: 'spent', actor: 'support', requestId: 'sp-r2' })).rejects.toMatchObject({ code: 'FUNDS_IN_USE' });
    expect(await agree('spent')).toBe(10n * EUR - 1n);
    expect((await funds.balance('spent')).heldMicros).toBe(0n);
  });
});
