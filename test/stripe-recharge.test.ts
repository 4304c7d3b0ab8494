// Auto-recharge through the Stripe adapter (stripe-node against the local fake): exactly one charge per
// crossing — also when auto-recharge is switched on while the balance is already under the threshold, and
// under concurrent calls — and with Stripe down a bounded number of attempts, then nothing until the
// crossing mark's pause is over, however many calls come meanwhile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/pg';
import { createTestRedis, type TestRedis } from './support/redis';
import { FakeStripe, FAKE_CARDS } from './support/fake-stripe';
import { createFundsWith, fundAccount } from '../rating/funds/harness';
import { StripeProvider } from '../rating/funds/stripe/stripe-provider';
import { createLogger } from '../core/log';
import type { FundsService } from '../rating/funds';

const EUR = 1_000_000n;
let db: TestDatabase;
let r: TestRedis;
let fake: FakeStripe;
let funds: FundsService;

const rechargesOf = (id: string) => fake.requests.filter((q) => q.path === '/v1/payment_intents' && q.idempotencyKey?.startsWith(`auto-recharge:${id}:`));

async function account(id: string, fundedMicros: bigint): Promise<void> {
  await funds.createAccount({ id, name: id });
  await funds.addPaymentMethod({ accountId: id, token: FAKE_CARDS.visa, last4: '4242', brand: 'visa' });
  if (fundedMicros > 0n) await fundAccount(funds, id, fundedMicros, `seed:${id}`);
}

beforeAll(async () => {
  db = await createTestDatabase();
  r = await createTestRedis();
  fake = await new FakeStripe().start();
  funds = createFundsWith(db.pool, r.redis, r.prefix, new StripeProvider(fake.clientOptions(), db.pool, createLogger('silent')));
});
afterAll(async () => {
  await funds.stop();
  await fake.close();
  await r.cleanup();
  await db.drop();
});

describe('auto-recharge with Stripe', { timeout: 30_000 }, () => {
  it('switched on while already under the threshold: recharges once, at once', async () => {
    await account('low', 3n * EUR);
    await funds.setAutoRecharge('low', { enabled: true, thresholdMicros: 5n * EUR, amountMicros: 20n * EUR });
    await funds.setAutoRecharge('low', { enabled: true, thresholdMicros: 5n * EUR, amountMicros: 20n * EUR }); // saved twice
    await funds.flush();
    expect(rechargesOf('low')).toHaveLength(1);
    expect(rechargesOf('low')[0]!.params).toMatchObject({ amount: '2000', off_session: 'true', confirm: 'true' });
    expect((await funds.balance('low')).availableMicros).toBe(23n * EUR);
  });

  it('one crossing under 20 concurrent calls is one charge', async () => {
    await account('busy', 6n * EUR);
    await funds.setAutoRecharge('busy', { enabled: true, thresholdMicros: 5n * EUR, amountMicros: 10n * EUR });
    await Promise.all(Array.from({ length: 20 }, (_, i) => funds.reserve({ accountId: 'busy', callId: `c${i}`, amountMicros: 100_000n, validitySeconds: 60 })));
    await funds.flush();
    expect(rechargesOf('busy')).toHaveLength(1);
    expect((await funds.getAccount('busy'))!.balanceMicros).toBe(16n * EUR);
  });

  it('with Stripe down: bounded attempts, then no charge on every call until the pause is over', async () => {
    await account('down', 6n * EUR);
    await funds.setAutoRecharge('down', { enabled: true, thresholdMicros: 5n * EUR, amountMicros: 10n * EUR });
    // As many 500s as attempts: one more ask would succeed, and show in the balance.
    for (let i = 0; i < funds.ctx.recharge.maxAttempts; i += 1) fake.failNext();
    expect((await funds.reserve({ accountId: 'down', callId: 'd0', amountMicros: 2n * EUR, validitySeconds: 60 })).status).toBe('ok');
    await funds.flush();
    const attempts = rechargesOf('down').length;
    expect(attempts).toBe(funds.ctx.recharge.maxAttempts);
    for (let i = 1; i <= 10; i += 1) await funds.reserve({ accountId: 'down', callId: `d${i}`, amountMicros: 10_000n, validitySeconds: 60 });
    await funds.flush();
    expect(rechargesOf('down')).toHaveLength(attempts);
    expect((await funds.getAccount('down'))!.balanceMicros).toBe(6n * EUR);
    const { rows } = await db.pool.query(`SELECT status FROM card_payments WHERE account_id = 'down'`);
    expect(rows).toEqual([{ status: 'pending' }]);
  });

  it('a support reversal taking the balance under the threshold recharges once; its own hold does not count', async () => {
    const reversed = async (id: string, seedMicros: bigint) => {
      await account(id, seedMicros);
      const { entry } = await funds.topUp({ accountId: id, amountMicros: 10n * EUR, requestId: `${id}-1`, actor: 'a' });
      await funds.setAutoRecharge(id, { enabled: true, thresholdMicros: 10n * EUR, amountMicros: 20n * EUR });
      await funds.reverse({ entryId: entry.id, reason: 'refund asked by phone', actor: 'support', requestId: `${id}-rv` });
      await funds.flush();
      return { recharges: rechargesOf(id).length, balanceMicros: (await funds.getAccount(id))!.balanceMicros };
    };
    // 25 -> 15: never under 10, though the reversal held its 10 while it was written.
    expect(await reversed('rev-above', 15n * EUR)).toEqual({ recharges: 0, balanceMicros: 15n * EUR });
    // 15 -> 5: under 10, one recharge of 20.
    expect(await reversed('rev-under', 5n * EUR)).toEqual({ recharges: 1, balanceMicros: 25n * EUR });
  });

  it('a declined recharge stops auto-recharge with the reason', async () => {
    await account('refused', 6n * EUR);
    await funds.addPaymentMethod({ accountId: 'refused', token: FAKE_CARDS.declined, last4: '0002', brand: 'visa' });
    await funds.setAutoRecharge('refused', { enabled: true, thresholdMicros: 10n * EUR, amountMicros: 10n * EUR });
    await funds.flush();
    const a = (await funds.getAccount('refused'))!;
    expect(a.autoRecharge).toMatchObject({ enabled: false, stoppedReason: expect.stringContaining('generic_decline') });
    expect(a.balanceMicros).toBe(6n * EUR);
  });
});
