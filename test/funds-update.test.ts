// Metering a call: update's debit + next grant in one step, what 'insufficient' leaves the call, the order
// of seqs, and what a finished call answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/pg';
import { createTestRedis, type TestRedis } from './support/redis';
import { createTestFunds, fundAccount } from '../rating/funds/harness';
import { ledgerSum } from '../rating/funds/ledger';
import { countAttempts } from '../rating/funds/payment-methods';
import { SIMULATOR_CARDS } from '../rating/funds/payment-simulator';
import type { FundsService } from '../rating/funds/service';

const EUR = 1_000_000n;
let db: TestDatabase;
let r: TestRedis;
let funds: FundsService;

beforeAll(async () => {
  db = await createTestDatabase();
  r = await createTestRedis();
  funds = createTestFunds(db.pool, r.redis, r.prefix).funds;
  await funds.createAccount({ id: 'meter', name: 'Meter' });
  await fundAccount(funds, 'meter', 3n * EUR, 'setup:meter');
});
afterAll(async () => {
  await r.cleanup();
  await db.drop();
});

const call = { accountId: 'meter', callId: 'm1' };
const minute = { validitySeconds: 60 };

describe('update', () => {
  it('debits and, when the next grant does not fit, keeps what was left of the previous hold', async () => {
    expect(await funds.reserve({ ...call, amountMicros: 2n * EUR, ...minute })).toMatchObject({ status: 'ok', heldMicros: 2n * EUR, availableMicros: EUR });
    // Used 1.5 of the 2 held; 2 more do not fit in what the account has left (1.5): the call keeps 0.5.
    const u = await funds.update({ ...call, seq: 1, usedTotalMicros: 1_500_000n, nextMicros: 2n * EUR, ...minute });
    expect(u).toMatchObject({ status: 'insufficient', heldMicros: 500_000n, availableMicros: EUR });
    expect(await funds.update({ ...call, seq: 1, usedTotalMicros: 1_500_000n, nextMicros: 2n * EUR, ...minute })).toEqual(u);
    // A smaller next grant fits.
    expect(await funds.update({ ...call, seq: 2, usedTotalMicros: 1_800_000n, nextMicros: EUR, ...minute }))
      .toMatchObject({ status: 'ok', heldMicros: EUR, availableMicros: 200_000n });
    expect(await funds.update({ ...call, seq: 1, usedTotalMicros: 1_900_000n, nextMicros: EUR, ...minute })).toMatchObject({ status: 'stale' });
    expect(await funds.update({ ...call, seq: 3, usedTotalMicros: 1_000_000n, nextMicros: EUR, ...minute })).toMatchObject({ status: 'invalid' });
    expect(await funds.settle({ ...call, finalMicros: EUR })).toMatchObject({ status: 'invalid' }); // below what was debited
    expect(await funds.settle({ ...call, finalMicros: 2_100_000n, details: { destination: 'Tunisia', durationSeconds: 130 } }))
      .toMatchObject({ status: 'ok', heldMicros: 0n, availableMicros: 900_000n });
    expect(await funds.update({ ...call, seq: 4, usedTotalMicros: 2_200_000n, nextMicros: EUR, ...minute })).toMatchObject({ status: 'exists' });
    await funds.flush();
    expect((await funds.getAccount('meter'))!.balanceMicros).toBe(900_000n);
    expect((await ledgerSum(db.pool, 'meter')).sumMicros).toBe(900_000n);
    const debits = (await funds.ledger('meter')).entries.filter((e) => e.kind === 'call_debit').map((e) => e.amountMicros);
    expect(debits).toEqual([-300_000n, -300_000n, -1_500_000n]);
  });

  it('a call that was never reserved (state rebuilt mid-call) is still charged exactly', async () => {
    expect(await funds.settle({ accountId: 'meter', callId: 'orphan', finalMicros: 400_000n })).toMatchObject({ status: 'ok', availableMicros: 500_000n });
    expect(await funds.release({ accountId: 'meter', callId: 'never' })).toMatchObject({ status: 'not_found' });
    await funds.flush();
    expect((await funds.getAccount('meter'))!.balanceMicros).toBe(500_000n);
  });
});

describe('auto-recharge against a processor that keeps timing out', () => {
  it('gives up after the bounded attempts, credits nothing, keeps auto-recharge on and pauses before the next round', async () => {
    await funds.createAccount({ id: 'timeouts', name: 'Timeouts' });
    await funds.addPaymentMethod({ accountId: 'timeouts', ...SIMULATOR_CARDS.timeout });
    await funds.setAutoRecharge('timeouts', { enabled: true, thresholdMicros: 5n * EUR, amountMicros: 10n * EUR });
    expect((await funds.reserve({ accountId: 'timeouts', callId: 't1', amountMicros: EUR, ...minute })).status).toBe('insufficient');
    await funds.flush();
    expect(await countAttempts(db.pool, 'timeouts')).toEqual({ unavailable: 4 });
    expect((await funds.getAccount('timeouts'))!.autoRecharge).toMatchObject({ enabled: true, stoppedReason: null });
    // The next round waits for the pause (funds-topup.test.ts follows it through): nothing more now.
    expect((await funds.reserve({ accountId: 'timeouts', callId: 't2', amountMicros: EUR, ...minute })).status).toBe('insufficient');
    await funds.flush();
    expect(await countAttempts(db.pool, 'timeouts')).toEqual({ unavailable: 4 });
    expect((await ledgerSum(db.pool, 'timeouts')).count).toBe(0n);
  });
});
