// Bad input is refused with a clear status or error code and changes nothing: not the balance, not the
// holds, not the ledger.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/pg';
import { createTestRedis, type TestRedis } from './support/redis';
import { createTestFunds, fundAccount } from '../rating/funds/harness';
import { ledgerSum } from '../rating/funds/ledger';
import { SIMULATOR_CARDS } from '../rating/funds/payment-simulator';
import type { FundsService } from '../rating/funds/service';
import { withFundsScripts } from '../rating/funds/scripts';

const EUR = 1_000_000n;
let db: TestDatabase;
let r: TestRedis;
let funds: FundsService;

beforeAll(async () => {
  db = await createTestDatabase();
  r = await createTestRedis();
  funds = createTestFunds(db.pool, r.redis, r.prefix).funds;
  await funds.createAccount({ id: 'strict', name: 'Strict SA' });
  await funds.addPaymentMethod({ accountId: 'strict', ...SIMULATOR_CARDS.approve });
  await fundAccount(funds, 'strict', 50n * EUR, 'setup:strict');
  await funds.reserve({ accountId: 'strict', callId: 'live', amountMicros: 3n * EUR, validitySeconds: 60 });
});
afterAll(async () => {
  await r.cleanup();
  await db.drop();
});

async function state() {
  await funds.flush();
  return {
    view: await funds.balance('strict'),
    ledger: await ledgerSum(db.pool, 'strict'),
    redis: await r.redis.hgetall(`${r.prefix}{acct:strict}:s`),
  };
}

// Amounts that are not a positive whole number of micro-units within the limits.
const BAD_AMOUNTS: unknown[] = [-1n, 0n, -5n * EUR, 1.5, 10, '10', 10n ** 16n, 2n ** 63n, null, undefined];

describe('bad input changes nothing', () => {
  it('call operations answer invalid / not_found', async () => {
    const before = await state();
    for (const amount of BAD_AMOUNTS) {
      const req = { accountId: 'strict', callId: 'bad', amountMicros: amount as bigint, validitySeconds: 60 };
      if (amount === 0n) continue; // zero is checked below: a reservation of nothing is invalid too
      expect((await funds.reserve(req)).status, String(amount)).toBe('invalid');
      expect((await funds.settle({ accountId: 'strict', callId: 'live', finalMicros: amount as bigint })).status, String(amount)).toBe('invalid');
      expect((await funds.update({ accountId: 'strict', callId: 'live', seq: 1, usedTotalMicros: amount as bigint, nextMicros: EUR, validitySeconds: 60 })).status).toBe('invalid');
    }
    expect((await funds.reserve({ accountId: 'strict', callId: 'bad', amountMicros: 0n, validitySeconds: 60 })).status).toBe('invalid');
    for (const validity of [0, -1, 1.5, 1e9, Number.NaN]) {
      expect((await funds.reserve({ accountId: 'strict', callId: 'bad', amountMicros: EUR, validitySeconds: validity })).status).toBe('invalid');
    }
    for (const seq of [0, -1, 1.5]) {
      expect((await funds.update({ accountId: 'strict', callId: 'live', seq, usedTotalMicros: EUR, nextMicros: EUR, validitySeconds: 60 })).status).toBe('invalid');
    }
    for (const callId of ['', 'has space', 'x'.repeat(300), 'tab\there']) {
      expect((await funds.reserve({ accountId: 'strict', callId, amountMicros: EUR, validitySeconds: 60 })).status).toBe('invalid');
    }
    for (const accountId of ['nobody', 'Bad Id', '', '../x']) {
      const status = (await funds.reserve({ accountId, callId: 'x', amountMicros: EUR, validitySeconds: 60 })).status;
      expect(['not_found', 'invalid'], accountId).toContain(status);
    }
    expect((await funds.reserve({ accountId: 'nobody', callId: 'x', amountMicros: EUR, validitySeconds: 60 })).status).toBe('not_found');
    expect((await funds.release({ accountId: 'strict', callId: 'never-seen' })).status).toBe('not_found');
    expect((await funds.balance('nobody')).status).toBe('not_found');
    expect(await state()).toEqual(before);
  });

  it('the Lua scripts themselves refuse non-integers, negatives and absurd amounts', async () => {
    const before = await state();
    const lua = withFundsScripts(r.redis);
    const keys = funds.ctx.store.keys.forAccount('strict').all;
    for (const text of ['-1', '1.5', '1e6', ' 1', '0x10', '10000000000000001', '']) {
      const [status] = await lua.funds_reserve(...keys, 'lua', text, '60000');
      expect(status, text).toBe('invalid');
      const [settled] = await lua.funds_settle(...keys, 'live', text, 'call:live:final', '{}');
      expect(settled, text).toBe('invalid');
    }
    expect(await state()).toEqual(before);
  });

  it('top-ups: unknown account, foreign currency, amounts outside the list, no card', async () => {
    const before = await state();
    const base = { accountId: 'strict', amountMicros: 20n * EUR, requestId: 'r1', actor: 'alice' };
    await expect(funds.topUp({ ...base, accountId: 'nobody' })).rejects.toMatchObject({ code: 'UNKNOWN_ACCOUNT' });
    await expect(funds.topUp({ ...base, currency: 'USD' })).rejects.toMatchObject({ code: 'CURRENCY_MISMATCH' });
    for (const amount of [-20n * EUR, 0n, 15n * EUR, 20n * EUR + 1n, 10n ** 18n]) {
      await expect(funds.topUp({ ...base, amountMicros: amount })).rejects.toMatchObject({ code: expect.stringMatching(/BAD_AMOUNT|NOT_PREDEFINED_AMOUNT/) });
    }
    await expect(funds.topUp({ ...base, amountMicros: 20.5 as unknown as bigint })).rejects.toMatchObject({ code: 'BAD_AMOUNT' });
    await expect(funds.topUp({ ...base, requestId: 'has space' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(funds.topUp({ ...base, actor: '' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await funds.createAccount({ id: 'nocard', name: 'No card' });
    await expect(funds.topUp({ ...base, accountId: 'nocard' })).rejects.toMatchObject({ code: 'NO_PAYMENT_METHOD' });
    await expect(funds.reverse({ entryId: '999999', reason: 'test', actor: 'bob', requestId: 'x' })).rejects.toMatchObject({ code: 'UNKNOWN_ENTRY' });
    await expect(funds.createAccount({ id: 'Bad Id', name: 'x' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(funds.createAccount({ id: 'strict', name: 'again' })).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
    await expect(funds.setAutoRecharge('strict', { enabled: true, thresholdMicros: 7n * EUR, amountMicros: 20n * EUR })).rejects.toMatchObject({ code: 'NOT_PREDEFINED_AMOUNT' });
    await expect(funds.setAutoRecharge('strict', { enabled: true, thresholdMicros: -5n, amountMicros: 20n * EUR })).rejects.toMatchObject({ code: expect.stringMatching(/BAD_AMOUNT|NOT_PREDEFINED_AMOUNT/) });
    expect(await state()).toEqual(before);
  });
});
