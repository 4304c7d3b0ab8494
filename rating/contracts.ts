// The shapes that cross module boundaries: classification -> rating -> funds -> session control.
// Session control (sip/) only sees these; it never touches balances directly (CGRateS' split).
import type { Micros } from './money';

export const CALL_CLASSES = ['EMERGENCY', 'TOLL_FREE', 'INCLUDED', 'PREMIUM', 'INTERNATIONAL', 'INVALID'] as const;
export type CallClass = (typeof CALL_CLASSES)[number];

export interface Classification {
  readonly class: CallClass;
  /** What was dialled, as received. */
  readonly dialled: string;
  /** E.164 with '+', or the national short number ("3949", "118712") where no E.164 form exists. */
  readonly e164: string | null;
  /** ISO 3166 alpha-2 of the destination, null when unknown. */
  readonly country: string | null;
  /** libphonenumber's number type (FIXED_LINE, MOBILE, PREMIUM_RATE, ...) or Solde's (SHORT_CODE, ...). */
  readonly numberType: string | null;
  /**
   * Digits the tariff index is looked up with: the E.164 digits without '+', or for a French short number
   * (3949, 118712) "330" + the number. No E.164 number starts with 330 (a French national significant
   * number never starts with 0), so short-number rows ("330118" directory enquiries) never shadow real
   * numbers. Null when the class is never rated (INVALID).
   */
  readonly ratingKey: string | null;
  /** Which rule decided, e.g. "fr-emergency", "fr-premium-089", "included-fixed:DE", "invalid:too-short". */
  readonly rule: string;
}

export interface Tariff {
  /** E.164 digits without '+'. Longest prefix wins. */
  readonly prefix: string;
  readonly country: string;
  readonly destination: string;
  readonly perMinuteMicros: Micros;
  readonly connectFeeMicros: Micros;
  readonly initialIncrementSeconds: number;
  readonly subsequentIncrementSeconds: number;
  readonly minimumChargeMicros: Micros;
}

/** Status codes of funds operations: expected outcomes, never exceptions. */
export type FundsStatus = 'ok' | 'insufficient' | 'exists' | 'expired' | 'not_found' | 'stale' | 'unavailable' | 'invalid';

export interface Hold {
  readonly status: FundsStatus;
  /** Available balance after the operation (balance minus live holds), when known. */
  readonly availableMicros?: Micros;
  readonly heldMicros?: Micros;
}

/** What the ledger shows beside a call debit. */
export interface CallDebitDetails {
  /** The tariff's destination name, e.g. "Morocco mobile". */
  readonly destination?: string;
  /** The number called, E.164 (or the French short number). */
  readonly number?: string;
  /** Billed talk time. */
  readonly durationSeconds?: number;
}

/** The money committed to one call (rating/funds/committed.ts). */
export interface Committed {
  readonly status: 'ok' | 'not_found' | 'unavailable' | 'invalid';
  readonly committedMicros: Micros;
  /** The call's state in the funds engine: live, settled, released or expired. */
  readonly callState?: string;
}

/** What session control needs from the funds engine for one call. */
export interface CallFunds {
  /** Reserve the first grant. Idempotent by callId. */
  reserve(req: { accountId: string; callId: string; amountMicros: Micros; validitySeconds: number }): Promise<Hold>;
  /**
   * Debit what the call has used so far (cumulative, seq-numbered: idempotent by callId+seq) and reserve
   * the next grant in one step. 'insufficient' means the debit happened but the next grant could not be held.
   */
  update(req: { accountId: string; callId: string; seq: number; usedTotalMicros: Micros; nextMicros: Micros; validitySeconds: number; details?: CallDebitDetails }): Promise<Hold>;
  /**
   * Final debit of the exact cost, release of the rest. Idempotent by callId. `details` is kept beside the
   * ledger entry so the portal's history shows what the call was.
   */
  settle(req: { accountId: string; callId: string; finalMicros: Micros; details?: CallDebitDetails }): Promise<Hold>;
  /** Release the hold without a debit (call never connected). */
  release(req: { accountId: string; callId: string }): Promise<Hold>;
  /** Debited so far + current hold: what a call whose owner died is settled at (sip/cluster/adopter.ts). */
  committed(req: { accountId: string; callId: string }): Promise<Committed>;
  balance(accountId: string): Promise<{ status: FundsStatus; balanceMicros: Micros; heldMicros: Micros; availableMicros: Micros }>;
}
