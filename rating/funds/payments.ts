// The card processor seen by Solde. A real processor adapter implements PaymentProvider; the simulator in
// payment-simulator.ts is the one shipped, so the whole flow runs on a developer's machine.
import type { Micros } from '../money';

export type ChargeOutcome = 'approved' | 'declined' | 'insufficient_funds' | 'unavailable';

export interface ChargeRequest {
  /** Idempotency key: the processor charges a request id at most once and answers repeats the same way. */
  readonly requestId: string;
  /** The card on file's token (never a card number). */
  readonly token: string;
  readonly amountMicros: Micros;
  readonly currency: string;
  readonly description: string;
}

export interface ChargeResult {
  readonly outcome: ChargeOutcome;
  /** The processor's reference of an approved charge. */
  readonly reference?: string;
  readonly detail?: string;
}

export interface PaymentProvider {
  readonly name: string;
  /** Never throws for a decline or a timeout: those are outcomes ('unavailable' = try again later). */
  charge(request: ChargeRequest): Promise<ChargeResult>;
}
