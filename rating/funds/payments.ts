// The payment port: the card processor seen by Solde. Two adapters implement it, chosen by
// SOLDE_CARD_PROCESSOR (payment-provider.ts): Stripe (stripe/stripe-provider.ts) and the SIMULATOR
// (payment-simulator.ts). Unset, NoCardProcessor refuses every charge: no money without a processor.
import { SoldeError } from '../../core/errors';
import type { Micros } from '../money';

/** unavailable = no answer yet (timeout, 5xx): the payment stays pending and is asked again, same key. */
export type ChargeOutcome = 'approved' | 'declined' | 'insufficient_funds' | 'unavailable' | 'needs_authentication';

export interface ChargeRequest {
  /** Idempotency key: the processor charges a request id at most once and answers repeats the same way. */
  readonly requestId: string;
  readonly accountId: string;
  /** The card on file's token (a processor PaymentMethod id, never a card number). */
  readonly token: string;
  readonly amountMicros: Micros;
  readonly currency: string;
  readonly description: string;
}

export interface ChargeResult {
  readonly outcome: ChargeOutcome;
  /** The processor's reference of the charge (a PaymentIntent id), when it made one. */
  readonly reference?: string;
  readonly detail?: string;
}

/** A processor-hosted page the browser is sent to (card change, or finishing an authentication). */
export interface CheckoutStart {
  readonly sessionId: string;
  readonly url: string;
}

export type CheckoutResult =
  | { readonly kind: 'setup'; readonly accountId: string; readonly card: { token: string; last4: string; brand: string } }
  | { readonly kind: 'payment'; readonly accountId: string; readonly paymentKey: string; readonly reference: string }
  /** Not finished (abandoned, or still open): nothing to do. */
  | { readonly kind: 'open'; readonly accountId: string };

export interface CheckoutUrls {
  /** Where the processor sends the browser back; `{CHECKOUT_SESSION_ID}` is replaced by the session id. */
  readonly successUrl: string;
  readonly cancelUrl: string;
}

export interface PaymentProvider {
  readonly name: string;
  /** False only for NoCardProcessor: every top-up and auto-recharge is refused (PAYMENTS_NOT_CONFIGURED). */
  readonly configured: boolean;
  /** The simulator: its ledger entries say that no money moved. */
  readonly simulated: boolean;
  /** Never throws for a decline or a timeout: those are outcomes. */
  charge(request: ChargeRequest): Promise<ChargeResult>;
  /** A hosted page (setup mode) where the card holder saves a new card; see checkoutResult. */
  startCardChange(a: { accountId: string; accountName: string; currency: string } & CheckoutUrls): Promise<CheckoutStart>;
  /** A hosted page where the card holder pays a top-up that needed authentication, on-session. */
  startAuthentication(a: { accountId: string; paymentKey: string; amountMicros: Micros; currency: string } & CheckoutUrls): Promise<CheckoutStart>;
  checkoutResult(sessionId: string): Promise<CheckoutResult>;
}

export const SESSION_ID = /^[A-Za-z0-9_]{1,200}$/;

/** SOLDE_CARD_PROCESSOR unset: Solde runs, calls and the portal work, and no card is ever charged. */
export class NoCardProcessor implements PaymentProvider {
  readonly name = 'none';
  readonly configured = false;
  readonly simulated = false;
  charge(): Promise<ChargeResult> {
    return Promise.reject(new SoldeError('PAYMENTS_NOT_CONFIGURED'));
  }
  startCardChange(): Promise<CheckoutStart> {
    return Promise.reject(new SoldeError('PAYMENTS_NOT_CONFIGURED'));
  }
  startAuthentication(): Promise<CheckoutStart> {
    return Promise.reject(new SoldeError('PAYMENTS_NOT_CONFIGURED'));
  }
  checkoutResult(): Promise<CheckoutResult> {
    return Promise.reject(new SoldeError('PAYMENTS_NOT_CONFIGURED'));
  }
}

/** Exponent of a currency's minor unit (ISO 4217): the ones Stripe treats as zero-decimal, else 2. */
const ZERO_DECIMAL = new Set(['BIF', 'CLP', 'DJF', 'GNF', 'JPY', 'KMF', 'KRW', 'MGA', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF']);

function microsPerMinorUnit(currency: string): bigint {
  return ZERO_DECIMAL.has(currency.toUpperCase()) ? 1_000_000n : 10_000n;
}

/** Micro-units to the processor's integer minor units (cents); an amount not exactly representable is refused. */
export function toMinorUnits(amountMicros: Micros, currency: string): number {
  const per = microsPerMinorUnit(currency);
  if (amountMicros <= 0n || amountMicros % per !== 0n) throw new SoldeError('BAD_AMOUNT', `${amountMicros} micro-units is not a whole number of ${currency} minor units`);
  const minor = amountMicros / per;
  if (minor > 99_999_999n) throw new SoldeError('BAD_AMOUNT', 'above the largest amount a card processor charges (99 999 999 minor units)');
  return Number(minor);
}

export function fromMinorUnits(minor: number, currency: string): Micros {
  if (!Number.isSafeInteger(minor) || minor < 0) throw new RangeError(`minor units must be a whole number, got ${minor}`);
  return BigInt(minor) * microsPerMinorUnit(currency);
}
