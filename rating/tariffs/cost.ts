// Pure pricing of a call under one tariff. Rules (see README.md beside this file):
//   - a call that was never answered (0 s) costs 0;
//   - an answered call of d > 0 s is billed `initial` seconds if d <= initial, else initial plus whole
//     `subsequent` increments covering the rest (a started increment is billed whole, a started second too);
//   - cost = max(minimum charge, connect fee + ceil(perMinute * billed / 60)): one rounding, up, in micros.
import type { Tariff } from '../contracts';
import { assertMicros, priceOfSeconds, type Micros } from '../money';

/** No grant or duration is ever computed beyond one day: bounds maxDuration of a free tariff. */
export const MAX_CALL_SECONDS = 86_400;

/** Seconds billed for an answered call of `durationSeconds` (> 0), on the tariff's increment grid. */
export function billedSeconds(tariff: Tariff, durationSeconds: number): number {
  assertDuration(durationSeconds);
  const seconds = Math.ceil(durationSeconds);
  if (seconds === 0) return 0;
  const initial = tariff.initialIncrementSeconds;
  if (seconds <= initial) return initial;
  const step = tariff.subsequentIncrementSeconds;
  return initial + Math.ceil((seconds - initial) / step) * step;
}

export function cost(tariff: Tariff, durationSeconds: number): Micros {
  const billed = billedSeconds(tariff, durationSeconds);
  if (billed === 0) return 0n;
  const charge = tariff.connectFeeMicros + priceOfSeconds(tariff.perMinuteMicros, billed);
  return charge > tariff.minimumChargeMicros ? charge : tariff.minimumChargeMicros;
}

/** The cost of granting `seconds` of talk time: the same as the cost of a call that long. */
export function grantMicros(tariff: Tariff, seconds: number): Micros {
  if (!(seconds > 0)) throw new RangeError(`grantMicros: seconds must be > 0, got ${seconds}`);
  return cost(tariff, seconds);
}

/**
 * The longest duration, in whole increments (initial, then subsequent ones), whose cost is <= available:
 * 0 when even the first increment is not affordable. Capped at MAX_CALL_SECONDS (a free tariff).
 */
export function maxDuration(tariff: Tariff, availableMicros: Micros): number {
  assertMicros(availableMicros, 'availableMicros');
  const initial = tariff.initialIncrementSeconds;
  if (availableMicros <= 0n || cost(tariff, initial) > availableMicros) return 0;
  // The minimum charge is affordable (it is at most cost(initial)), so only connect + price binds:
  // ceil(p*b/60) <= r  <=>  p*b <= 60*r  <=>  b <= floor(60*r/p).
  const remainder = availableMicros - tariff.connectFeeMicros;
  const perMinute = tariff.perMinuteMicros;
  const maxBilled = perMinute === 0n ? BigInt(MAX_CALL_SECONDS) : (60n * remainder) / perMinute;
  const step = BigInt(tariff.subsequentIncrementSeconds);
  const steps = (maxBilled - BigInt(initial)) / step;
  const capSteps = BigInt(Math.floor((MAX_CALL_SECONDS - initial) / tariff.subsequentIncrementSeconds));
  const seconds = initial + Number(steps < capSteps ? steps : capSteps) * tariff.subsequentIncrementSeconds;
  return Math.max(initial, Math.min(seconds, MAX_CALL_SECONDS));
}

export interface Grant {
  readonly seconds: number;
  readonly amountMicros: Micros;
}

/**
 * The first reservation of a call: connect fee + the first increment or one minute, whichever is longer,
 * rounded up to the tariff's increment grid (and never below the minimum charge).
 */
export function firstGrant(tariff: Tariff): Grant {
  const seconds = billedSeconds(tariff, Math.max(tariff.initialIncrementSeconds, 60));
  return { seconds, amountMicros: cost(tariff, seconds) };
}

/**
 * Each following reservation: `intervalSeconds` rounded up to whole subsequent increments, priced without
 * connect fee. It is always >= what those seconds add to the call's cost, because
 * ceil(x + y) <= ceil(x) + ceil(y): the cumulative debit never outruns the holds.
 */
export function nextGrant(tariff: Tariff, intervalSeconds: number): Grant {
  if (!Number.isSafeInteger(intervalSeconds) || intervalSeconds < 1 || intervalSeconds > MAX_CALL_SECONDS) {
    throw new RangeError(`nextGrant: intervalSeconds must be whole seconds from 1 to ${MAX_CALL_SECONDS}, got ${intervalSeconds}`);
  }
  const step = tariff.subsequentIncrementSeconds;
  const seconds = Math.ceil(intervalSeconds / step) * step;
  return { seconds, amountMicros: priceOfSeconds(tariff.perMinuteMicros, seconds) };
}

function assertDuration(durationSeconds: number): void {
  if (!Number.isFinite(durationSeconds) || durationSeconds < 0 || durationSeconds > 10 * MAX_CALL_SECONDS) {
    throw new RangeError(`durationSeconds must be a finite number from 0 to ${10 * MAX_CALL_SECONDS}, got ${durationSeconds}`);
  }
}
