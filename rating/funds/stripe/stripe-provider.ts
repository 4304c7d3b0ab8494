// The Stripe adapter of the payment port, on the official stripe-node client. A top-up or an auto-recharge
// is a PaymentIntent confirmed off-session with the card on file (a saved PaymentMethod), with Solde's
// payment key as Stripe's Idempotency-Key and in metadata (solde_key), where webhooks find it again.
// Credited only on `succeeded`. The card is changed, and an authentication is finished, on Stripe-hosted
// Checkout pages; no card number ever reaches Solde.
import Stripe from 'stripe';
import type { Pool } from '../../db/pool';
import type { Logger } from '../../../core/log';
import { SoldeError } from '../../../core/errors';
import type { Micros } from '../../money';
import { toMinorUnits, type ChargeRequest, type ChargeResult, type CheckoutResult, type CheckoutStart, type CheckoutUrls, type PaymentProvider } from '../payments';
import { StripeCustomers, STRIPE_PROCESSOR } from './customers';

export interface StripeOptions {
  readonly secretKey: string;
  /** stripe-node's own options: a local fake or stripe-mock in tests (host, port, protocol). */
  readonly host?: string;
  readonly port?: number;
  readonly protocol?: 'http' | 'https';
  /** A request taking longer leaves the payment pending (asked again later, same key). */
  readonly timeoutMs?: number;
}

/** stripe-node retries with the same key by itself when maxNetworkRetries > 0; Solde's lease does that instead. */
const NETWORK_RETRIES = 0;

export class StripeProvider implements PaymentProvider {
  readonly name = STRIPE_PROCESSOR;
  readonly configured = true;
  readonly simulated = false;
  readonly stripe: Stripe;
  private readonly customers: StripeCustomers;

  constructor(o: StripeOptions, pool: Pool, private readonly log: Logger) {
    this.stripe = new Stripe(o.secretKey, {
      host: o.host, port: o.port, protocol: o.protocol, timeout: o.timeoutMs ?? 20_000, maxNetworkRetries: NETWORK_RETRIES,
      appInfo: { name: 'Solde' },
    });
    this.customers = new StripeCustomers(this.stripe, pool);
  }

  async charge(r: ChargeRequest): Promise<ChargeResult> {
    const amount = toMinorUnits(r.amountMicros, r.currency);
    try {
      const customer = await this.customers.customerOf(r.accountId);
      const intent = await this.stripe.paymentIntents.create({
        amount, currency: r.currency.toLowerCase(), customer, payment_method: r.token, off_session: true, confirm: true,
        description: r.description, metadata: { solde_key: r.requestId, solde_account: r.accountId },
      }, { idempotencyKey: r.requestId });
      return intentResult(intent);
    } catch (error) {
      return this.failure(error);
    }
  }

  async startCardChange(a: { accountId: string; accountName: string; currency: string } & CheckoutUrls): Promise<CheckoutStart> {
    const customer = await this.customers.customerOf(a.accountId, a.accountName);
    const session = await this.stripe.checkout.sessions.create({
      mode: 'setup', customer, currency: a.currency.toLowerCase(), allowed_payment_method_types: ['card'],
      success_url: a.successUrl, cancel_url: a.cancelUrl,
      metadata: { solde_account: a.accountId }, setup_intent_data: { metadata: { solde_account: a.accountId } },
    });
    return { sessionId: session.id, url: session.url! };
  }

  async startAuthentication(a: { accountId: string; paymentKey: string; amountMicros: Micros; currency: string } & CheckoutUrls): Promise<CheckoutStart> {
    const customer = await this.customers.customerOf(a.accountId);
    const metadata = { solde_key: a.paymentKey, solde_account: a.accountId };
    const session = await this.stripe.checkout.sessions.create({
      mode: 'payment', customer, success_url: a.successUrl, cancel_url: a.cancelUrl, metadata,
      line_items: [{ quantity: 1, price_data: { currency: a.currency.toLowerCase(), unit_amount: toMinorUnits(a.amountMicros, a.currency), product_data: { name: 'Solde prepaid balance' } } }],
      // The card the holder confirms with becomes usable off-session for the next top-ups.
      payment_intent_data: { metadata, setup_future_usage: 'off_session' },
    });
    return { sessionId: session.id, url: session.url! };
  }

  async checkoutResult(sessionId: string): Promise<CheckoutResult> {
    const session = await this.stripe.checkout.sessions.retrieve(sessionId, { expand: ['setup_intent.payment_method'] });
    return sessionResult(session);
  }

  private failure(error: unknown): ChargeResult {
    if (!(error instanceof Stripe.errors.StripeError)) throw error;
    const intent = error.payment_intent;
    if (error.type === 'StripeCardError') {
      if (error.code === 'authentication_required') return { outcome: 'needs_authentication', reference: intent?.id, detail: error.message };
      const reason = error.decline_code ?? error.code ?? 'card_declined';
      return { outcome: reason === 'insufficient_funds' ? 'insufficient_funds' : 'declined', reference: intent?.id, detail: `${reason}: ${error.message}` };
    }
    // No answer, or Stripe failed: the charge may or may not have happened; the same key asks again.
    if (error.type === 'StripeConnectionError' || error.type === 'StripeAPIError' || error.type === 'StripeRateLimitError' || (error.statusCode ?? 0) >= 500) {
      return { outcome: 'unavailable', detail: `stripe: ${error.message}` };
    }
    // A bad key or a refused request is a setup or programming error: logged loudly, and nothing credited.
    this.log.error({ type: error.type, code: error.code, requestId: error.requestId }, `stripe refused the request: ${error.message}`);
    if (error.type === 'StripeAuthenticationError' || error.type === 'StripePermissionError') return { outcome: 'unavailable', detail: 'stripe: the API key was refused' };
    throw new SoldeError('PAYMENT_DECLINED', `stripe: ${error.message}`);
  }
}

export function intentResult(intent: Stripe.PaymentIntent): ChargeResult {
  switch (intent.status) {
    case 'succeeded': return { outcome: 'approved', reference: intent.id };
    case 'requires_action': return { outcome: 'needs_authentication', reference: intent.id, detail: 'the bank asks the card holder to authenticate' };
    case 'processing': return { outcome: 'unavailable', reference: intent.id, detail: 'stripe: processing' };
    default: return { outcome: 'declined', reference: intent.id, detail: intent.last_payment_error?.message ?? intent.status };
  }
}

export function sessionResult(session: Stripe.Checkout.Session): CheckoutResult {
  const accountId = session.metadata?.solde_account;
  if (!accountId) throw new SoldeError('UNKNOWN_PAYMENT', `checkout ${session.id} is not one of Solde's`);
  if (session.status !== 'complete') return { kind: 'open', accountId };
  if (session.mode === 'setup') {
    const intent = session.setup_intent;
    const method = typeof intent === 'object' && intent !== null ? intent.payment_method : null;
    if (!method || typeof method === 'string' || !method.card) throw new SoldeError('UNKNOWN_PAYMENT', `checkout ${session.id} saved no card`);
    return { kind: 'setup', accountId, card: { token: method.id, last4: method.card.last4, brand: method.card.brand } };
  }
  const paymentKey = session.metadata?.solde_key;
  if (session.payment_status !== 'paid' || !paymentKey) return { kind: 'open', accountId };
  const intent = session.payment_intent;
  return { kind: 'payment', accountId, paymentKey, reference: typeof intent === 'string' ? intent : intent?.id ?? session.id };
}
