// POST /api/v1/webhooks/stripe on the real HTTP server, events signed with Stripe's real scheme
// (stripe.webhooks.generateTestHeaderString) by the fake Stripe: a forged, stale or missing signature is a
// 400 that changes nothing; each event id is applied once; late successes credit once; refunds and
// disputes reverse (a negative balance then refuses paid calls, and a reversal under the threshold fires
// auto-recharge once); checkout.session.completed puts the new card on file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './http-harness';
import { FakeStripe, FAKE_CARDS, WEBHOOK_SECRET } from './support/fake-stripe';
import { StripeProvider } from '../rating/funds/stripe/stripe-provider';
import { StripeWebhooks } from '../rating/funds/stripe/webhooks';
import { getPayment } from '../rating/funds/card-payments';
import { currentPaymentMethod } from '../rating/funds/payment-methods';
import { ledgerSum } from '../rating/funds/ledger';
import { createLogger } from '../core/log';

const EUR = 1_000_000n;
let h: Harness;
let fake: FakeStripe;
let provider: StripeProvider;

beforeAll(async () => {
  fake = await new FakeStripe().start();
  h = await createHarness({
    provider: (pool) => (provider = new StripeProvider(fake.clientOptions(300), pool, createLogger('silent'))),
    stripeWebhooks: (funds) => new StripeWebhooks(provider.stripe, WEBHOOK_SECRET, funds, createLogger('silent')),
  });
}, 30_000);
afterAll(async () => {
  await h.close();
  await fake.close();
});

async function tenant(id: string, card: string = FAKE_CARDS.visa): Promise<void> {
  await h.funds.createAccount({ id, name: `${id} SARL` });
  await h.funds.addPaymentMethod({ accountId: id, token: card, last4: '4242', brand: 'visa' });
}

function post(payload: string, signature?: string) {
  return h.app.inject({
    method: 'POST', url: '/api/v1/webhooks/stripe', payload,
    headers: { 'content-type': 'application/json; charset=utf-8', ...(signature ? { 'stripe-signature': signature } : {}) },
  });
}

async function deliver(type: string, object: unknown) {
  const e = fake.signedEvent(type, object);
  const res = await post(e.payload, e.signature);
  if (res.statusCode !== 200) console.log(h.logLines.filter((l) => l.includes("\"level\":50")).join("\n"));
  expect(res.statusCode, res.body).toBe(200);
  return { ...e, applied: res.json().applied as boolean };
}

async function balance(id: string): Promise<bigint> {
  await h.funds.flush();
  const pg = (await h.funds.getAccount(id))!.balanceMicros;
  expect((await ledgerSum(h.db.pool, id)).sumMicros).toBe(pg);
  return pg;
}

/** A top-up whose answer timed out at Stripe: pending in Solde, succeeded at Stripe. */
async function pendingTopUp(id: string, amountMicros: bigint): Promise<Record<string, unknown>> {
  await tenant(id);
  fake.delayNext(800);
  await expect(h.funds.topUp({ accountId: id, amountMicros, requestId: `${id}-1`, actor: 'a' })).rejects.toMatchObject({ code: 'PAYMENT_UNAVAILABLE' });
  return fake.intentByKey(`topup:${id}-1`)!;
}

describe('Stripe webhooks', { timeout: 30_000 }, () => {
  it('refuses a forged, stale or missing signature with 400 and changes nothing', async () => {
    const intent = await pendingTopUp('forged', 20n * EUR);
    const forged = fake.signedEvent('payment_intent.succeeded', intent, { secret: 'whsec_someoneElse' });
    const stale = fake.signedEvent('payment_intent.succeeded', intent, { timestamp: Math.floor(Date.now() / 1000) - 600 });
    for (const [payload, signature] of [[forged.payload, forged.signature], [stale.payload, stale.signature], [stale.payload, undefined],
      [forged.payload.replace('"livemode":false', '"livemode":true'), fake.signedEvent('x', {}).signature]] as const) {
      const res = await post(payload, signature);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('BAD_WEBHOOK_SIGNATURE');
    }
    expect((await getPayment(h.db.pool, 'topup:forged-1'))!.status).toBe('pending');
    expect(await balance('forged')).toBe(0n);
    expect((await h.db.pool.query('SELECT 1 FROM processor_events')).rowCount).toBe(0);
  });

  it('payment_intent.succeeded settles a pending top-up once; the same event again changes nothing', async () => {
    const intent = await pendingTopUp('late', 20n * EUR);
    const first = await deliver('payment_intent.succeeded', intent);
    expect(first.applied).toBe(true);
    expect(await balance('late')).toBe(20n * EUR);
    const again = await post(first.payload, first.signature);
    expect(again.json()).toEqual({ received: true, applied: false });
    await deliver('payment_intent.succeeded', intent); // a second event id for the same payment: still one entry
    expect(await balance('late')).toBe(20n * EUR);
    expect((await ledgerSum(h.db.pool, 'late')).count).toBe(1n);
    // The settler asking Stripe again now gets its replay: still once.
    await h.db.pool.query(`UPDATE card_payments SET updated_at = now() - interval '1 minute'`);
    await h.funds.payments.settlePending();
    expect(await balance('late')).toBe(20n * EUR);
  });

  it('payment_intent.payment_failed declines a pending top-up with its reason; a later failure never undoes a success', async () => {
    const intent = await pendingTopUp('failed', 10n * EUR);
    await deliver('payment_intent.payment_failed', { ...intent, status: 'requires_payment_method',
      last_payment_error: { type: 'card_error', code: 'card_declined', decline_code: 'expired_card', message: 'Your card has expired.' } });
    expect(await getPayment(h.db.pool, 'topup:failed-1')).toMatchObject({ status: 'declined', detail: expect.stringContaining('expired_card') });
    expect(await balance('failed')).toBe(0n);
    await deliver('payment_intent.payment_failed', { ...fake.intentByKey('topup:late-1'), last_payment_error: { code: 'card_declined', message: 'x' } });
    expect((await getPayment(h.db.pool, 'topup:late-1'))!.status).toBe('succeeded');
  });

  it('charge.refunded reverses what was refunded, partial then full, once per refund state', async () => {
    await tenant('refund');
    await h.funds.topUp({ accountId: 'refund', amountMicros: 20n * EUR, requestId: 'refund-1', actor: 'a' });
    const intent = fake.intentByKey('topup:refund-1')!;
    const partial = await deliver('charge.refunded', fake.charge(intent, 500));
    expect(await balance('refund')).toBe(15n * EUR);
    await post(partial.payload, partial.signature);
    await deliver('charge.refunded', fake.charge(intent, 500)); // another event, same refund state
    expect(await balance('refund')).toBe(15n * EUR);
    await deliver('charge.refunded', fake.charge(intent, 2000));
    expect(await balance('refund')).toBe(0n);
    const { entries } = await h.funds.ledger('refund');
    expect(entries.filter((e) => e.kind === 'reversal').map((e) => e.amountMicros)).toEqual([-15n * EUR, -5n * EUR]);
    // Support cannot reverse it a second time.
    const topup = entries.find((e) => e.kind === 'topup')!;
    await expect(h.funds.reverse({ entryId: topup.id, reason: 'again', actor: 'support', requestId: 'rv-1' })).rejects.toMatchObject({ code: 'ALREADY_REVERSED' });
  });

  it('charge.dispute.created after the money was spent leaves a negative balance, which refuses paid calls', async () => {
    await tenant('dispute');
    await h.funds.topUp({ accountId: 'dispute', amountMicros: 10n * EUR, requestId: 'dispute-1', actor: 'a' });
    await h.funds.reserve({ accountId: 'dispute', callId: 'c1', amountMicros: 4n * EUR, validitySeconds: 60 });
    await h.funds.settle({ accountId: 'dispute', callId: 'c1', finalMicros: 4n * EUR });
    const intent = fake.intentByKey('topup:dispute-1')!;
    await deliver('charge.dispute.created', fake.dispute(intent, 1000));
    expect(await balance('dispute')).toBe(-4n * EUR);
    expect((await h.funds.balance('dispute')).availableMicros).toBe(-4n * EUR);
    expect((await h.funds.reserve({ accountId: 'dispute', callId: 'c2', amountMicros: 1n, validitySeconds: 60 })).status).toBe('insufficient');
  });

  it('a refund that takes the balance under the threshold fires auto-recharge once', async () => {
    await tenant('dip');
    await h.funds.topUp({ accountId: 'dip', amountMicros: 20n * EUR, requestId: 'dip-1', actor: 'a' });
    await h.funds.topUp({ accountId: 'dip', amountMicros: 10n * EUR, requestId: 'dip-2', actor: 'a' });
    await h.funds.setAutoRecharge('dip', { enabled: true, thresholdMicros: 20n * EUR, amountMicros: 50n * EUR });
    await deliver('charge.refunded', fake.charge(fake.intentByKey('topup:dip-1')!, 2000));
    await h.funds.flush();
    expect(await balance('dip')).toBe(60n * EUR);
    const recharges = [...fake.paymentIntents.values()].filter((pi) => String((pi.metadata as { solde_key?: string }).solde_key).startsWith('auto-recharge:dip:'));
    expect(recharges).toHaveLength(1);
  });

  it('checkout.session.completed (setup) puts the saved card on file', async () => {
    await tenant('newcard');
    const start = await h.funds.startCardChange('newcard', { successUrl: 'http://x/?checkout={CHECKOUT_SESSION_ID}', cancelUrl: 'http://x/' });
    const session = fake.sessions.get(start.sessionId)!;
    expect(session).toMatchObject({ mode: 'setup', currency: 'eur', metadata: { solde_account: 'newcard' } });
    fake.complete(session);
    await deliver('checkout.session.completed', { ...session, setup_intent: (session.setup_intent as { id: string }).id });
    expect(await currentPaymentMethod(h.db.pool, 'newcard')).toMatchObject({ last4: '4444', brand: 'mastercard', token: expect.stringMatching(/^pm_/) });
    // The browser's return finishes the same checkout: nothing changes.
    const admin = await h.headersFor('account-admin', 'newcard');
    const back = await h.app.inject({ method: 'POST', url: `/api/v1/accounts/newcard/checkout/${start.sessionId}`, headers: admin });
    expect(back.json()).toEqual({ kind: 'setup', card: { brand: 'mastercard', last4: '4444' } });
    expect((await h.db.pool.query(`SELECT 1 FROM payment_methods WHERE account_id = 'newcard'`)).rowCount).toBe(2);
  });
});
