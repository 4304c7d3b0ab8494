// Pricing rules, written from the rules in rating/tariffs/README.md (expected values worked out by hand).
import { describe, expect, it } from 'vitest';
import type { Tariff } from '../rating/contracts';
import { cost, firstGrant, grantMicros, maxDuration, MAX_CALL_SECONDS, nextGrant } from '../rating/tariffs';

function tariff(fields: Partial<Tariff>): Tariff {
  return {
    prefix: '33', country: 'FR', destination: 'France', perMinuteMicros: 0n, connectFeeMicros: 0n,
    initialIncrementSeconds: 60, subsequentIncrementSeconds: 60, minimumChargeMicros: 0n, ...fields,
  };
}

// 0.12/min, 0.05 connect fee, billed per minute.
const perMinute = tariff({ perMinuteMicros: 120_000n, connectFeeMicros: 50_000n });
// 0.0125/min, first 30 s then 6 s steps, minimum charge 0.01.
const thirtySix = tariff({ perMinuteMicros: 12_500n, initialIncrementSeconds: 30, subsequentIncrementSeconds: 6, minimumChargeMicros: 10_000n });
// 0.0999/min per second, 0.15 connect fee.
const perSecond = tariff({ perMinuteMicros: 99_900n, connectFeeMicros: 150_000n, initialIncrementSeconds: 1, subsequentIncrementSeconds: 1 });

describe('cost', () => {
  it.each([
    ['60/60', perMinute, 0, 0n],
    ['60/60', perMinute, 1, 170_000n],
    ['60/60', perMinute, 60, 170_000n],
    ['60/60', perMinute, 61, 290_000n],
    ['60/60', perMinute, 125, 410_000n],
    ['30/6 min', thirtySix, 1, 10_000n],
    ['30/6 min', thirtySix, 30, 10_000n],
    ['30/6 min', thirtySix, 31, 10_000n],
    ['30/6', thirtySix, 50, 11_250n],
    ['30/6', thirtySix, 61, 13_750n],
    ['1/1', perSecond, 1, 151_665n],
    ['1/1', perSecond, 7, 161_655n],
    ['1/1', perSecond, 59, 248_235n],
    ['1/1', perSecond, 60, 249_900n],
    ['1/1 started second', perSecond, 0.2, 151_665n],
    ['1/1 rounds up to the micro', tariff({ perMinuteMicros: 1n, initialIncrementSeconds: 1, subsequentIncrementSeconds: 1 }), 1, 1n],
  ])('%s: %s s costs %s micros', (_name, t, seconds, expected) => {
    expect(cost(t, seconds)).toBe(expected);
  });

  it('refuses a negative or non-finite duration as a programmer error', () => {
    expect(() => cost(perMinute, -1)).toThrow(RangeError);
    expect(() => cost(perMinute, Number.NaN)).toThrow(RangeError);
    expect(() => cost(perMinute, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it('grantMicros is the cost of a grant that long and refuses an empty grant', () => {
    expect(grantMicros(perMinute, 120)).toBe(290_000n);
    expect(() => grantMicros(perMinute, 0)).toThrow(RangeError);
  });
});

describe('maxDuration', () => {
  it.each([
    ['60/60', perMinute, 169_999n, 0],
    ['60/60', perMinute, 170_000n, 60],
    ['60/60', perMinute, 289_999n, 60],
    ['60/60', perMinute, 290_000n, 120],
    ['60/60', perMinute, 1_000_000n, 420],
    ['30/6 below minimum', thirtySix, 9_999n, 0],
    ['30/6 at minimum', thirtySix, 10_000n, 48],
    ['30/6', thirtySix, 11_250n, 54],
    ['1/1 below first second', perSecond, 150_000n, 0],
    ['1/1 exactly one minute', perSecond, 249_900n, 60],
    ['1/1 one micro short of 61 s', perSecond, 251_564n, 60],
    ['1/1 61 s', perSecond, 251_565n, 61],
    ['nothing available', perMinute, 0n, 0],
    ['negative available', perMinute, -5n, 0],
    ['free tariff is capped', tariff({}), 1n, MAX_CALL_SECONDS],
  ])('%s: %s micros pay for %s s', (_name, t, available, expected) => {
    expect(maxDuration(t, available)).toBe(expected);
  });

  it('pays for at most what is available, and one more increment would not be (property)', () => {
    let seed = 12345;
    const random = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    const increments = [[60, 60], [30, 6], [1, 1], [90, 30], [45, 20]] as const;
    for (let trial = 0; trial < 3_000; trial += 1) {
      const [initial, subsequent] = increments[random(increments.length)]!;
      const t = tariff({
        perMinuteMicros: BigInt(1 + random(3_000_000)),
        connectFeeMicros: BigInt(random(3) === 0 ? random(500_000) : 0),
        minimumChargeMicros: BigInt(random(3) === 0 ? random(300_000) : 0),
        initialIncrementSeconds: initial,
        subsequentIncrementSeconds: subsequent,
      });
      const available = BigInt(random(50_000_000));
      const seconds = maxDuration(t, available);
      expect(cost(t, seconds)).toBeLessThanOrEqual(available);
      const next = seconds === 0 ? initial : seconds + subsequent;
      if (seconds < MAX_CALL_SECONDS - subsequent) expect(cost(t, next)).toBeGreaterThan(available);
      if (seconds > 0) expect((seconds - initial) % subsequent).toBe(0);
    }
  });
});

describe('grants', () => {
  it.each([
    ['60/60', perMinute, 60, 170_000n],
    ['30/6: one minute is longer than the first increment', thirtySix, 60, 12_500n],
    ['1/1', perSecond, 60, 249_900n],
    ['90/30: the first increment is longer than a minute', tariff({ perMinuteMicros: 60_000n, initialIncrementSeconds: 90, subsequentIncrementSeconds: 30 }), 90, 90_000n],
    ['45/20: one minute rounded up to the grid', tariff({ perMinuteMicros: 60_000n, initialIncrementSeconds: 45, subsequentIncrementSeconds: 20 }), 65, 65_000n],
  ])('first grant %s: %s s for %s micros', (_name, t, seconds, amount) => {
    expect(firstGrant(t)).toEqual({ seconds, amountMicros: amount });
  });

  it.each([
    ['60/60', perMinute, 60, 60, 120_000n],
    ['30/6', thirtySix, 60, 60, 12_500n],
    ['step of 7 s', tariff({ perMinuteMicros: 60_000n, initialIncrementSeconds: 1, subsequentIncrementSeconds: 7 }), 60, 63, 63_000n],
  ])('next grant %s: %s s interval holds %s s for %s micros, no connect fee', (_name, t, interval, seconds, amount) => {
    expect(nextGrant(t, interval)).toEqual({ seconds, amountMicros: amount });
  });

  it('first grant plus next grants always cover the cumulative cost of the call (no debit outruns the holds)', () => {
    for (const t of [perMinute, thirtySix, perSecond]) {
      const first = firstGrant(t);
      let held = first.amountMicros;
      let covered = first.seconds;
      for (let seconds = 1; seconds <= 600; seconds += 1) {
        while (seconds > covered) {
          const next = nextGrant(t, 60);
          held += next.amountMicros;
          covered += next.seconds;
        }
        expect(cost(t, seconds)).toBeLessThanOrEqual(held);
      }
    }
  });

  it('refuses a bad interval', () => {
    expect(() => nextGrant(perMinute, 0)).toThrow(RangeError);
    expect(() => nextGrant(perMinute, 1.5)).toThrow(RangeError);
  });
});
