import type { CallFunds, Hold, Tariff } from '../../rating/contracts';
import type { Micros } from '../../rating/money';
import { costOf, holdFor, paidUntil, renewalLeadSeconds } from './billing';

// Metering of one answered paid call (docs/DESIGN.md "A call" 4). From the answer, the money committed to the
// call (debited + held) pays for it until `paidUntilSeconds`. A renewal runs every interval, and always at
// least `lead` seconds before the paid time ends: it debits what was used and holds enough for one more
// interval plus the lead. When the next grant cannot be had, the caller is warned at once and the call is
// cut exactly when the paid time ends. Settlement never bills beyond the paid time.

export interface MeterDeps {
  readonly funds: CallFunds;
  readonly tariff: Tariff;
  readonly accountId: string;
  readonly callKey: string;
  readonly intervalSeconds: number;
  readonly validitySeconds: number;
  /** Seconds since the answer, fractional. */
  readonly elapsedSeconds: () => number;
  readonly after: (delayMs: number, action: () => void | Promise<void>) => () => void;
  /** The renewal failed for lack of money: warn the caller. */
  readonly onLowFunds: (secondsLeft: number) => void;
  /** The paid time is over: end the call. */
  readonly onPaidTimeOver: (reason: 'funds-exhausted' | 'funds-unavailable') => void;
  readonly onError: (error: unknown) => void;
}

const MAX_RENEWALS = 100_000; // a day of one-second intervals: bounds a runaway schedule
const UNAVAILABLE_RETRY_SECONDS = 1;

export class Meter {
  private committedMicros: Micros;
  private paidSeconds: number;
  private seq = 0;
  private lastRenewalSeconds = 0;
  private exhausted = false;
  private cutReason: 'funds-exhausted' | 'funds-unavailable' = 'funds-exhausted';
  private cancelRenewal: () => void = () => undefined;
  private cancelCut: () => void = () => undefined;
  private stopped = false;
  private readonly lead: number;

  constructor(private readonly deps: MeterDeps, firstGrantMicros: Micros) {
    this.committedMicros = firstGrantMicros;
    this.paidSeconds = paidUntil(deps.tariff, firstGrantMicros);
    this.lead = renewalLeadSeconds(deps.intervalSeconds);
  }

  get paidUntilSeconds(): number {
    return this.paidSeconds;
  }

  get renewals(): number {
    return this.seq;
  }

  start(): void {
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.cancelRenewal();
    this.cancelCut();
  }

  /** What the call costs if it ends now, never more than the money committed to it. */
  finalCost(talkSeconds: number): Micros {
    if (talkSeconds > this.paidSeconds) throw new Error(`talk ${talkSeconds}s beyond paid time ${this.paidSeconds}s`);
    const amount = costOf(this.deps.tariff, talkSeconds);
    if (amount > this.committedMicros) throw new Error(`final cost ${amount} above committed ${this.committedMicros}`);
    return amount;
  }

  /** Sets the cut at the end of the paid time and the next renewal (by default: the regular one). */
  private schedule(renewAtSeconds?: number): void {
    const now = this.deps.elapsedSeconds();
    this.cancelCut();
    this.cancelCut = this.deps.after((this.paidSeconds - now) * 1000, () => this.deps.onPaidTimeOver(this.cutReason));
    this.cancelRenewal();
    if (this.exhausted || this.seq >= MAX_RENEWALS) return;
    const regular = Math.min(this.lastRenewalSeconds + this.deps.intervalSeconds, this.paidSeconds - this.lead);
    const at = Math.max(now, renewAtSeconds ?? regular);
    if (at >= this.paidSeconds) return;
    this.cancelRenewal = this.deps.after((at - now) * 1000, () => this.renew());
  }

  private async renew(): Promise<void> {
    if (this.stopped) return;
    const at = this.deps.elapsedSeconds();
    const usedMicros = costOf(this.deps.tariff, at);
    const nextMicros = holdFor(this.deps.tariff, at, at + this.deps.intervalSeconds + this.lead);
    const hold = await this.update(usedMicros, nextMicros, Math.floor(at));
    if (this.stopped) return;
    this.lastRenewalSeconds = at;
    if (hold.status === 'ok') {
      this.commit(usedMicros + nextMicros, 'funds-exhausted');
    } else if (hold.status === 'insufficient') {
      await this.takeWhatIsLeft(usedMicros, hold);
    } else {
      // Redis unreachable or a refused update: keep the paid time already committed, try again shortly,
      // and if nothing works the call ends when that time is over.
      this.cutReason = 'funds-unavailable';
      this.schedule(at + UNAVAILABLE_RETRY_SECONDS);
    }
  }

  /** The next grant was refused: the debit happened and the call kept part of its hold; take the rest. */
  private async takeWhatIsLeft(usedMicros: Micros, hold: Hold): Promise<void> {
    let committed = usedMicros + (hold.heldMicros ?? 0n);
    const more = hold.availableMicros ?? 0n;
    if (more > 0n) {
      const all = (hold.heldMicros ?? 0n) + more;
      const second = await this.update(usedMicros, all, Math.floor(this.lastRenewalSeconds));
      if (this.stopped) return;
      if (second.status === 'ok') committed = usedMicros + all;
      else if (second.status === 'insufficient') committed = usedMicros + (second.heldMicros ?? 0n);
    }
    this.exhausted = true;
    this.commit(committed, 'funds-exhausted');
    // Whole seconds, rounded down, but at least 1: a refusal that comes late (a loaded machine, the real
    // server's latency) can leave under a second, and "0 seconds left" is no message (the announcer refuses it).
    const secondsLeft = Math.max(1, Math.floor(this.paidSeconds - this.deps.elapsedSeconds()));
    this.deps.onLowFunds(secondsLeft);
  }

  private commit(committedMicros: Micros, cutReason: 'funds-exhausted' | 'funds-unavailable'): void {
    this.committedMicros = committedMicros;
    // Never less than what was already paid for: time on the increment grid that was debited stays paid.
    this.paidSeconds = Math.max(paidUntil(this.deps.tariff, committedMicros), Math.ceil(this.lastRenewalSeconds));
    this.cutReason = cutReason;
    this.schedule();
  }

  /** `talkSeconds`: how long the call has lasted, shown beside the ledger's debit. */
  private async update(usedTotalMicros: Micros, nextMicros: Micros, talkSeconds: number): Promise<Hold> {
    this.seq += 1;
    try {
      return await this.deps.funds.update({
        accountId: this.deps.accountId, callId: this.deps.callKey, seq: this.seq, usedTotalMicros, nextMicros,
        validitySeconds: this.deps.validitySeconds,
        details: { destination: this.deps.tariff.destination, durationSeconds: talkSeconds },
      });
    } catch (error) {
      this.deps.onError(error);
      return { status: 'unavailable' };
    }
  }
}
