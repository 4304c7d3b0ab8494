// SIMULATOR of a card processor: no money moves anywhere. It stands in for a real processor so that top-ups
// and auto-recharge run end to end here. Test cards (the token's last four digits decide the outcome):
//   tok_sim_4242  approve             tok_sim_0002  decline (card declined)
//   tok_sim_9995  insufficient funds  tok_sim_0408  timeout: answers 'unavailable' (transient: retry)
//   tok_sim_0119  unavailable for the first 2 attempts of a request id, then approves (tests backoff)
// Any other token approves. Like a real processor it is idempotent by request id: a repeat returns the
// first answer, and an approved request is charged once (`charges` counts real charges).
import type { ChargeRequest, ChargeResult, PaymentProvider } from './payments';

export const SIMULATOR_CARDS = {
  approve: { token: 'tok_sim_4242', last4: '4242', brand: 'visa' },
  decline: { token: 'tok_sim_0002', last4: '0002', brand: 'visa' },
  insufficientFunds: { token: 'tok_sim_9995', last4: '9995', brand: 'visa' },
  timeout: { token: 'tok_sim_0408', last4: '0408', brand: 'mastercard' },
  flaky: { token: 'tok_sim_0119', last4: '0119', brand: 'mastercard' },
} as const;

const ANSWERS_LIMIT = 100_000;

export class CardProcessorSimulator implements PaymentProvider {
  readonly name = 'card-processor-simulator';
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
      case SIMULATOR_CARDS.timeout.token: return { outcome: 'unavailable', detail: 'processor timeout (simulator test card 0408)' };
      case SIMULATOR_CARDS.flaky.token:
        return attempt <= 2 ? { outcome: 'unavailable', detail: `processor timeout, attempt ${attempt} (simulator test card 0119)` } : { outcome: 'approved', reference };
      default: return { outcome: 'approved', reference };
    }
  }
}
