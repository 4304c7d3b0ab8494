import type { Tariff } from '../../rating/contracts';
import type { Micros } from '../../rating/money';
import { cost, firstGrant, maxDuration, MAX_CALL_SECONDS, type Grant } from '../../rating/tariffs/cost';

// The arithmetic of metering a paid call, on top of the tariff's pricing (rating/tariffs/cost.ts).
// Times are seconds since the B leg answered. "Paid until" is how long the money committed to the call
// (debited + held) lets it last on the tariff's increment grid.

/**
 * The first reservation. docs/DESIGN.md: connect fee + the first increment or one minute, whichever is longer.
 * With a meter interval shorter than a minute (tests, aggressive operators) the minute becomes the
 * interval, so that a call's first renewal comes within one interval.
 */
export function firstGrantFor(tariff: Tariff, meterIntervalSeconds: number): Grant {
  if (meterIntervalSeconds >= 60) return firstGrant(tariff);
  const seconds = Math.max(tariff.initialIncrementSeconds, meterIntervalSeconds);
  const grant = { seconds, amountMicros: cost(tariff, seconds) };
  return { seconds: Math.max(seconds, maxDuration(tariff, grant.amountMicros)), amountMicros: grant.amountMicros };
}

/**
 * How long before the paid time ends a renewal is attempted: half an interval, at most 30 s. A renewal that
 * fails leaves at least this long to warn the caller before the cut.
 */
export function renewalLeadSeconds(meterIntervalSeconds: number): number {
  return Math.min(30, Math.max(1, Math.ceil(meterIntervalSeconds / 2)));
}

/** The whole seconds a call lasted, started seconds counted, capped at what was paid for. */
export function talkSeconds(talkMs: number, paidUntilSeconds: number): number {
  if (!(talkMs >= 0)) throw new RangeError(`talkMs must be >= 0, got ${talkMs}`);
  return Math.min(Math.ceil(talkMs / 1000), paidUntilSeconds);
}

export function costOf(tariff: Tariff, seconds: number): Micros {
  return cost(tariff, seconds);
}

/** Seconds of talk the committed money pays for, on the increment grid. */
export function paidUntil(tariff: Tariff, committedMicros: Micros): number {
  return committedMicros <= 0n ? 0 : maxDuration(tariff, committedMicros);
}

/** What to hold beyond the debit at `atSeconds` so the call is paid until `untilSeconds`. */
export function holdFor(tariff: Tariff, atSeconds: number, untilSeconds: number): Micros {
  if (untilSeconds < atSeconds) throw new RangeError(`holdFor: until ${untilSeconds} < at ${atSeconds}`);
  return cost(tariff, Math.min(untilSeconds, MAX_CALL_SECONDS)) - cost(tariff, atSeconds);
}

/**
 * The longest extension beyond `atSeconds`, in whole seconds, that `budgetMicros` more pays for: binary
 * search on the (non-decreasing) cost, about 17 probes for a day.
 */
export function affordableExtension(tariff: Tariff, atSeconds: number, budgetMicros: Micros): number {
  if (budgetMicros < 0n) return 0;
  const base = cost(tariff, atSeconds);
  let low = 0;
  let high = Math.max(0, MAX_CALL_SECONDS - Math.ceil(atSeconds));
  for (let probe = 0; probe < 40 && low < high; probe += 1) {
    const middle = Math.ceil((low + high) / 2);
    if (cost(tariff, atSeconds + middle) - base <= budgetMicros) low = middle;
    else high = middle - 1;
  }
  return low;
}
