// Top-ups through the Stripe adapter: the real stripe-node client pointed at the local fake Stripe
// (test/support/fake-stripe.ts) with its host/port/protocol options, real Postgres and Redis. Credit only
// on succeeded; a decline shows its reason; authentication_required ends needs_authentication and is
// finished on the hosted page; a 500 or a timeout stays pending and is settled later, never twice; one
// request id reaches Stripe once however many requests carry it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/pg';
import { createTestRedis, type TestRedis } from './support/redis';
import Stripe from 'stripe';
import { FakeStripe, FAKE_CARDS, SECRET_KEY, WEBHOOK_SECRET } from './support/fake-stripe';
import { StripeWebhooks } from '../rating/funds/stripe/webhooks';
import { createFundsWith } from '../rating/funds/harness';
import { StripeProvider } from '../rating/funds/stripe/stripe-provider';
import { getPayment } from '../rating/funds/card-payments';
import { ledgerSum } from '../rating/funds/ledger';
import { fromMinorUnits, toMinorUnits } from '../rating/funds/payments';
import { createLogger } from '../core/log';
import type { FundsService } from '../rating/funds';

const EUR = 1_000_000n;
let db: TestDatabase;
let r: TestRedis;
let fake: FakeStripe;
let funds: FundsService;

function stripeFunds(timeoutMs = 5_000): FundsService {
  return createFundsWith(db.pool, r.redis, r.prefix, new StripeProvider(fake.clientOptions(timeoutMs), db.pool, createLogger('silent')));
}

async function account(id: string, card: string = FAKE_CARDS.visa): Promise<void> {
  await funds.createAccount({ id, name: `${id} SARL` });
  await funds.addPaymentMethod({ accountId: id, token: card, last4: '4242', brand: 'visa' });
}

/** Postgres balance; also checks that the ledger sums to it and Redis shows the same. */
async function balance(id: string): Promise<bigint> {
  const pg = (await funds.getAccount(id))!.balanceMicros;
  expect((await ledgerSum(db.pool, id)).sumMicros).toBe(pg);
  expect((await funds.balance(id)).balanceMicros).toBe(pg);
  return pg;
}

/** Makes a pending payment look old enough for the settler. */
async function age(key: string): Promise<void> {
  await db.pool.query(`UPDATE card_payments SET updated_at = now() - interval '1 minute' WHERE payment_key = $1`, [key]);
}

beforeAll(async () => {
  db = await createTestDatabase();
  r = await createTestRedis();
  fake = await new FakeStripe().start();
  funds = stripeFunds();
});
afterAll(async () => {
  await funds.stop();
  await fake.close();
  await r.cleanup();
  await db.drop();
});

describe('amounts to Stripe minor units', () => {
  it('converts exactly, and refuses what a card cannot be charged', () => {
    expect(toMinorUnits(20n * EUR, 'EUR')).toBe(2000);
    expect(toMinorUnits(12_340_000n, 'eur')).toBe(1234);
    expect(toMinorUnits(500n * EUR, 'JPY')).toBe(500);
    expect(fromMinorUnits(1234, 'EUR')).toBe(12_340_000n);
    expect(() => toMinorUnits(10_005_000n, 'EUR')).toThrow(/minor units/);
    expect(() => toMinorUnits(1_500_000n, 'JPY')).toThrow(/minor units/);
    expect(() => toMinorUnits(0n, 'EUR')).toThrow();
  });
});

describe('Stripe top-ups', { timeout: 30_000 }, () => {
  it('charges off-session with the request id as Idempotency-Key and credits on succeeded', async () => {
    await account('paid');
    const { entry, created } = await funds.topUp({ accountId: 'paid', amountMicros: 20n * EUR, requestId: 'paid-1', actor: 'alice' });
    expect(created).toBe(true);
    expect(entry).toMatchObject({ kind: 'topup', amountMicros: 20n * EUR, metadata: { provider: 'stripe', card: 'visa 4242' } });
    expect(entry.metadata.simulated).toBeUndefined();
    const [call] = fake.callsWithKey('topup:paid-1');
    expect(call!.params).toMatchObject({ amount: '2000', currency: 'eur', off_session: 'true', confirm: 'true', payment_method: FAKE_CARDS.visa,
      metadata: { solde_key: 'topup:paid-1', solde_account: 'paid' } });
    expect(String(call!.params.customer)).toMatch(/^cus_/);
    expect(await balance('paid')).toBe(20n * EUR);
    // One Customer per account: the second top-up reuses it.
    await funds.topUp({ accountId: 'paid', amountMicros: 10n * EUR, requestId: 'paid-2', actor: 'alice' });
    expect(fake.requests.filter((q) => q.path === '/v1/customers')).toHaveLength(1);
    expect(fake.callsWithKey('topup:paid-2')[0]!.params.customer).toBe(call!.params.customer);
  });

  it.each([
    ['generic', FAKE_CARDS.declined, /generic_decline/],
    ['broke', FAKE_CARDS.insufficientFunds, /insufficient_funds/],
  ])('a card_error 402 (%s) shows its decline reason and credits nothing, also when repeated', async (id, card, reason) => {
    await account(id, card);
    const req = { accountId: id, amountMicros: 10n * EUR, requestId: `${id}-1`, actor: 'alice' };
    await expect(funds.topUp(req)).rejects.toMatchObject({ code: 'PAYMENT_DECLINED', message: expect.stringMatching(reason) });
    await expect(funds.topUp(req)).rejects.toMatchObject({ code: 'PAYMENT_DECLINED' });
    expect(fake.callsWithKey(`topup:${id}-1`)).toHaveLength(1);
    expect((await getPayment(db.pool, `topup:${id}-1`))!.status).toBe('declined');
    expect(await balance(id)).toBe(0n);
  });

  it('authentication_required ends needs_authentication; paying on the hosted page credits it once', async () => {
    await account('sca', FAKE_CARDS.authenticationRequired);
    const req = { accountId: 'sca', amountMicros: 50n * EUR, requestId: 'sca-1', actor: 'alice' };
    await expect(funds.topUp(req)).rejects.toMatchObject({ code: 'PAYMENT_NEEDS_AUTHENTICATION' });
    expect(await funds.topUpStatus('sca', 'sca-1')).toMatchObject({ status: 'needs_authentication' });
    expect(await balance('sca')).toBe(0n);
    const urls = { successUrl: 'http://solde.test/portal/?checkout={CHECKOUT_SESSION_ID}', cancelUrl: 'http://solde.test/portal/' };
    const start = await funds.startAuthentication('sca', 'sca-1', urls);
    const session = fake.sessions.get(start.sessionId)!;
    expect(session).toMatchObject({ mode: 'payment', metadata: { solde_key: 'topup:sca-1' }, payment_intent_data: { setup_future_usage: 'off_session' } });
    expect(await funds.finishCheckout('sca', start.sessionId)).toEqual({ kind: 'open' });
    const back = await fetch(start.url.replace('/pay/', '/pay/').concat('/complete'), { redirect: 'manual' });
    expect(back.headers.get('location')).toBe(`http://solde.test/portal/?checkout=${start.sessionId}`);
    expect(await funds.finishCheckout('sca', start.sessionId)).toMatchObject({ kind: 'payment', status: 'succeeded' });
    expect(await funds.finishCheckout('sca', start.sessionId)).toMatchObject({ kind: 'payment', status: 'succeeded' });
    await expect(funds.finishCheckout('paid', start.sessionId)).rejects.toMatchObject({ code: 'UNKNOWN_PAYMENT' });
    expect(await balance('sca')).toBe(50n * EUR);
    expect((await funds.topUp(req)).created).toBe(false);
  });

  it('requires_action (a 200 answer) is needs_authentication as well', async () => {
    await account('action', FAKE_CARDS.requiresAction);
    await expect(funds.topUp({ accountId: 'action', amountMicros: 10n * EUR, requestId: 'action-1', actor: 'a' })).rejects.toMatchObject({ code: 'PAYMENT_NEEDS_AUTHENTICATION' });
    expect(await balance('action')).toBe(0n);
  });

  it('a 500 leaves the top-up pending; asked again with the same key, it is credited once', async () => {
    await account('flaky');
    fake.failNext();
    const req = { accountId: 'flaky', amountMicros: 20n * EUR, requestId: 'flaky-1', actor: 'a' };
    await expect(funds.topUp(req)).rejects.toMatchObject({ code: 'PAYMENT_UNAVAILABLE' });
    expect((await getPayment(db.pool, 'topup:flaky-1'))!.status).toBe('pending');
    expect(await balance('flaky')).toBe(0n);
    expect(await funds.payments.settlePending()).toBe(0); // too recent: the user's own retry may come first
    await age('topup:flaky-1');
    expect(await funds.payments.settlePending()).toBe(1);
    expect(await balance('flaky')).toBe(20n * EUR);
    expect((await funds.topUp(req)).created).toBe(false);
    expect(fake.callsWithKey('topup:flaky-1')).toHaveLength(2);
    expect([...fake.paymentIntents.values()].filter((pi) => (pi.metadata as { solde_key?: string }).solde_key === 'topup:flaky-1')).toHaveLength(1);
  });

  it('a timeout leaves it pending; the repeat gets Stripe\'s idempotent replay and credits once', async () => {
    const impatient = stripeFunds(300);
    await account('slow');
    fake.delayNext(1_000);
    const req = { accountId: 'slow', amountMicros: 10n * EUR, requestId: 'slow-1', actor: 'a' };
    await expect(impatient.topUp(req)).rejects.toMatchObject({ code: 'PAYMENT_UNAVAILABLE' });
    expect((await getPayment(db.pool, 'topup:slow-1'))!.status).toBe('pending');
    expect(fake.intentByKey('topup:slow-1')).toMatchObject({ status: 'succeeded' }); // Stripe did charge
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const again = await impatient.topUp(req);
    expect(again.created).toBe(true);
    expect(await balance('slow')).toBe(10n * EUR);
    expect(fake.intentByKey('topup:slow-1')!.id).toBe(again.entry.metadata.paymentReference);
    expect(fake.callsWithKey('topup:slow-1')).toHaveLength(2);
    expect([...fake.paymentIntents.values()].filter((pi) => (pi.metadata as { solde_key?: string }).solde_key === 'topup:slow-1')).toHaveLength(1);
    await impatient.stop();
  });

  it('a success that a webhook brings while the answer is lost is what the request answers, credited once', async () => {
    await account('lost');
    const release = fake.loseNextAnswer();
    const pending = funds.topUp({ accountId: 'lost', amountMicros: 10n * EUR, requestId: 'lost-1', actor: 'a' });
    await expect.poll(() => fake.intentByKey('topup:lost-1')).toBeDefined();
    const webhooks = new StripeWebhooks(new Stripe(SECRET_KEY), WEBHOOK_SECRET, funds, createLogger('silent'));
    const event = fake.signedEvent('payment_intent.succeeded', fake.intentByKey('topup:lost-1'));
    expect(await webhooks.receive(Buffer.from(event.payload), event.signature)).toMatchObject({ applied: true });
    release(); // Stripe's answer to the request itself is a 500
    const { entry, created } = await pending;
    expect(created).toBe(false);
    expect(entry.metadata.paymentReference).toBe(fake.intentByKey('topup:lost-1')!.id);
    expect(await balance('lost')).toBe(10n * EUR);
    expect((await ledgerSum(db.pool, 'lost')).count).toBe(1n);
  });

  it('50 concurrent requests with one request id, in two processes, reach Stripe once and credit once', async () => {
    await account('race');
    const other = stripeFunds();
    const req = { accountId: 'race', amountMicros: 20n * EUR, requestId: 'race-1', actor: 'a' };
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => (i % 2 ? other : funds).topUp(req)));
    expect(fake.callsWithKey('topup:race-1')).toHaveLength(1);
    const ok = results.filter((x) => x.status === 'fulfilled');
    expect(ok.length).toBeGreaterThan(0);
    // A request of the other process that came while the first asked is told it is pending, nothing more.
    for (const x of results) if (x.status === 'rejected') expect(x.reason).toMatchObject({ code: 'PAYMENT_UNAVAILABLE' });
    expect(new Set(ok.map((x) => (x as PromiseFulfilledResult<{ entry: { id: string } }>).value.entry.id)).size).toBe(1);
    expect(await balance('race')).toBe(20n * EUR);
    expect((await ledgerSum(db.pool, 'race')).count).toBe(1n);
    await other.stop();
  });
});
