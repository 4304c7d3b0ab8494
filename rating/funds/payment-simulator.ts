// SIMULATOR of a card processor: no money moves anywhere. It stands in for a real processor so that top-ups
// and auto-recharge run end to end here. Test cards (the token's last four digits decide the outcome):
//   tok_sim_4242  approve             tok_sim_0002  decline (card declined)
//   tok_sim_9995  insufficient funds  tok_sim_0408  timeout: answers 'unavailable' (transient: retry)
//   tok_sim_0119  unavailable for the first 2 attempts of a request id, then approves (tests backoff)
//   tok_sim_3155  the bank asks for authentication (needs_authentication; finish it on the checkout page)
// Any other token approves. Like a real processor it is idempotent by request id: a repeat returns the
// first answer, and an approved request is charged once (`charges` counts real charges).
import { randomUUID } from 'node:crypto';
import { SoldeError } from '../../core/errors';
import type { ChargeRequest, ChargeResult, CheckoutResult, CheckoutStart, CheckoutUrls, PaymentProvider } from './payments';

export const SIMULATOR_CARDS = {
  approve: { token: 'tok_sim_4242', last4: '4242', brand: 'visa' },
  decline: { token: 'tok_sim_0002', last4: '0002', brand: 'visa' },
  insufficientFunds: { token: 'tok_sim_9995', last4: '9995', brand: 'visa' },
  timeout: { token: 'tok_sim_0408', last4: '0408', brand: 'mastercard' },
  flaky: { token: 'tok_sim_0119', last4: '0119', brand: 'mastercard' },
  authenticate: { token: 'tok_sim_3155', last4: '3155', brand: 'visa' },
} as const;

export type SimulatorCard = keyof typeof SIMULATOR_CARDS;

interface SimulatedSession {
  readonly accountId: string;
  readonly mode: 'setup' | 'payment';
  readonly paymentKey?: string;
  readonly amountMicros?: bigint;
  readonly currency: string;
  readonly successUrl: string;
  readonly cancelUrl: string;
  result?: CheckoutResult;
}

const SESSIONS_LIMIT = 10_000;

const ANSWERS_LIMIT = 100_000;

export class CardProcessorSimulator implements PaymentProvider {
  readonly name = 'card-processor-simulator';
  readonly configured = true;
  readonly simulated = true;
  /** Checkout pages of this process (the simulator's stand-in for a processor-hosted page). */
  private readonly sessions = new Map<string, SimulatedSession>();
  /** Approved charges actually made, by request id (for tests and the CLI). */
  readonly charges = new Map<string, ChargeRequest>();
  private readonly answers = new Map<string, ChargeResult>();
  private readonly attempts = new Map<string, number>();

  constructor(private readonly latencyMs = 0) {}

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const first = this.answers.get(request.requestId);
    if (first) return first;
    const attempt = (this.attempts.get(request.requestId) ?? 0) + 1;
    this.attempts.set(request.requestId, attempt);
    const result = this.decide(request, attempt);
    if (result.outcome === 'unavailable') return result; // nothing happened: the request may be retried
    if (this.answers.size >= ANSWERS_LIMIT) this.answers.clear();
    this.answers.set(request.requestId, result);
    if (result.outcome === 'approved') this.charges.set(request.requestId, request);
    return result;
  }

  private decide(request: ChargeRequest, attempt: number): ChargeResult {
    const reference = `sim_${this.charges.size + 1}_${request.requestId.slice(-24)}`;
    switch (request.token) {
      case SIMULATOR_CARDS.decline.token: return { outcome: 'declined', detail: 'card declined (simulator test card 0002)' };
      case SIMULATOR_CARDS.insufficientFunds.token: return { outcome: 'insufficient_funds', detail: 'insufficient funds (simulator test card 9995)' };
      case SIMULATOR_CARDS.authenticate.token: return { outcome: 'needs_authentication', reference, detail: 'the bank asks for authentication (simulator test card 3155)' };
      case SIMULATOR_CARDS.timeout.token: return { outcome: 'unavailable', detail: 'processor timeout (simulator test card 0408)' };
      case SIMULATOR_CARDS.flaky.token:
        return attempt <= 2 ? { outcome: 'unavailable', detail: `processor timeout, attempt ${attempt} (simulator test card 0119)` } : { outcome: 'approved', reference };
      default: return { outcome: 'approved', reference };
    }
  }

  // --- the checkout page, served by src/http/routes/simulator-checkout.ts at /api/v1/simulator/checkout/:id ---
  startCardChange(a: { accountId: string; currency: string } & CheckoutUrls): Promise<CheckoutStart> {
    return Promise.resolve(this.open({ accountId: a.accountId, mode: 'setup', currency: a.currency, successUrl: a.successUrl, cancelUrl: a.cancelUrl }));
  }

  startAuthentication(a: { accountId: string; paymentKey: string; amountMicros: bigint; currency: string } & CheckoutUrls): Promise<CheckoutStart> {
    return Promise.resolve(this.open({ ...a, mode: 'payment' }));
  }

  checkoutResult(sessionId: string): Promise<CheckoutResult> {
    const s = this.sessions.get(sessionId);
    if (!s) return Promise.reject(new SoldeError('UNKNOWN_PAYMENT', `no simulated checkout ${sessionId} in this process`));
    return Promise.resolve(s.result ?? { kind: 'open', accountId: s.accountId });
  }

  /** What the simulated checkout page shows. */
  session(sessionId: string): Readonly<SimulatedSession> | undefined {
    return this.sessions.get(sessionId);
  }

  /** The page's button: saves the chosen test card (setup) or pays (payment); returns where to go back. */
  complete(sessionId: string, card: SimulatorCard | undefined): string | undefined {
    const s = this.sessions.get(sessionId);
    if (!s) return undefined;
    if (s.mode === 'setup') {
      if (!card) return s.cancelUrl;
      const { token, last4, brand } = SIMULATOR_CARDS[card];
      s.result = { kind: 'setup', accountId: s.accountId, card: { token, last4, brand } };
    } else {
      s.result = { kind: 'payment', accountId: s.accountId, paymentKey: s.paymentKey!, reference: `sim_checkout_${sessionId.slice(-12)}` };
    }
    return s.successUrl.replace('{CHECKOUT_SESSION_ID}', sessionId);
  }

  private open(s: SimulatedSession): CheckoutStart {
    if (this.sessions.size >= SESSIONS_LIMIT) this.sessions.delete(this.sessions.keys().next().value!);
    const sessionId = `cs_sim_${randomUUID().replaceAll('-', '')}`;
    this.sessions.set(sessionId, s);
    return { sessionId, url: `${new URL(s.successUrl).origin}/api/v1/simulator/checkout/${sessionId}` };
  }
}
