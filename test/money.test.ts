// rating/money.ts: every export, exact bigint arithmetic, explicit rounding, and no JS number accepted or
// returned where an amount is meant. The export inventory test fails when a new export is added untested.
import { describe, expect, it } from 'vitest';
import * as money from '../rating/money';
import {
  assertMicros,
  ceilDiv,
  floorToCent,
  formatAmount,
  MAX_BALANCE_MICROS,
  MAX_OPERATION_MICROS,
  MICROS_PER_CENT,
  MICROS_PER_UNIT,
  MoneyError,
  parseAmount,
  parseMicros,
  priceOfSeconds,
  splitUnitsCents,
  toDecimalString,
} from '../rating/money';

/** Each exported function, called with good amounts, and with a JS number where an amount is expected. */
const AMOUNT_FUNCTIONS: Record<string, { good: () => unknown; withNumber: () => unknown; returns: 'bigint' | 'string' | 'object' | 'undefined' }> = {
  assertMicros: { good: () => assertMicros(5n), withNumber: () => assertMicros(5), returns: 'undefined' },
  ceilDiv: { good: () => ceilDiv(7n, 2n), withNumber: () => ceilDiv(7 as unknown as bigint, 2n), returns: 'bigint' },
  priceOfSeconds: { good: () => priceOfSeconds(600_000n, 30), withNumber: () => priceOfSeconds(0.6 as unknown as bigint, 30), returns: 'bigint' },
  floorToCent: { good: () => floorToCent(12_345n), withNumber: () => floorToCent(0.012345 as unknown as bigint), returns: 'bigint' },
  splitUnitsCents: { good: () => splitUnitsCents(12_345_678n), withNumber: () => splitUnitsCents(12.34 as unknown as bigint), returns: 'object' },
  parseAmount: { good: () => parseAmount('12.5'), withNumber: () => parseAmount(12.5 as unknown as string), returns: 'bigint' },
  parseMicros: { good: () => parseMicros('12500000'), withNumber: () => parseMicros(12_500_000 as unknown as string), returns: 'bigint' },
  toDecimalString: { good: () => toDecimalString(12_500_000n), withNumber: () => toDecimalString(12.5 as unknown as bigint), returns: 'string' },
  formatAmount: { good: () => formatAmount(12_500_000n, 'EUR', 'fr'), withNumber: () => formatAmount(12.5 as unknown as bigint, 'EUR', 'fr'), returns: 'string' },
};

describe('public API carries no floating-point amount', () => {
  it('every exported constant is a bigint', () => {
    for (const [name, value] of Object.entries(money)) {
      if (typeof value === 'function') continue;
      expect(typeof value, name).toBe('bigint');
    }
    expect([MICROS_PER_UNIT, MICROS_PER_CENT, MAX_OPERATION_MICROS, MAX_BALANCE_MICROS]).toEqual([1_000_000n, 10_000n, 10n ** 12n, 10n ** 15n]);
  });

  it('every exported function is covered here (add new exports to AMOUNT_FUNCTIONS)', () => {
    const functions = Object.entries(money).filter(([, value]) => typeof value === 'function').map(([name]) => name);
    expect(functions.sort()).toEqual([...Object.keys(AMOUNT_FUNCTIONS), 'MoneyError'].sort());
  });

  for (const [name, { good, withNumber, returns }] of Object.entries(AMOUNT_FUNCTIONS)) {
    it(`${name} returns ${returns} for bigint amounts and rejects a JS number`, () => {
      const result = good();
      expect(typeof result).toBe(returns);
      if (returns === 'object') for (const part of Object.values(result as object)) expect(['bigint', 'boolean']).toContain(typeof part);
      expect(withNumber).toThrow(TypeError);
    });
  }

  it('MoneyError is an Error with its own name', () => {
    const error = new MoneyError('bad');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('MoneyError');
  });
});

describe('assertMicros', () => {
  it('accepts the full range and refuses beyond it', () => {
    expect(() => assertMicros(MAX_BALANCE_MICROS)).not.toThrow();
    expect(() => assertMicros(-MAX_BALANCE_MICROS)).not.toThrow();
    expect(() => assertMicros(MAX_BALANCE_MICROS + 1n)).toThrow(RangeError);
    expect(() => assertMicros(-MAX_BALANCE_MICROS - 1n)).toThrow(RangeError);
    expect(() => assertMicros('5', 'topup')).toThrow(/topup must be a bigint/);
  });
});

describe('rounding', () => {
  it('ceilDiv rounds up, also for negative numerators, and refuses a non-positive divisor', () => {
    expect([ceilDiv(6n, 3n), ceilDiv(7n, 3n), ceilDiv(1n, 3n), ceilDiv(0n, 3n)]).toEqual([2n, 3n, 1n, 0n]);
    expect([ceilDiv(-7n, 2n), ceilDiv(-6n, 2n)]).toEqual([-3n, -3n]);
    expect(() => ceilDiv(1n, 0n)).toThrow(RangeError);
    expect(() => ceilDiv(1n, -1n)).toThrow(RangeError);
  });

  it('priceOfSeconds rounds up to the micro-unit, in the operator\'s favour', () => {
    expect(priceOfSeconds(600_000n, 60)).toBe(600_000n);
    expect(priceOfSeconds(600_000n, 1)).toBe(10_000n);
    expect(priceOfSeconds(100_001n, 1)).toBe(1_667n); // 1666.68 → 1667
    expect(priceOfSeconds(1n, 1)).toBe(1n);
    expect(priceOfSeconds(600_000n, 0)).toBe(0n);
    expect(() => priceOfSeconds(600_000n, -1)).toThrow(RangeError);
    expect(() => priceOfSeconds(600_000n, 1.5)).toThrow(RangeError);
    expect(() => priceOfSeconds(600_000n, Number.MAX_SAFE_INTEGER + 1)).toThrow(RangeError);
  });

  it('floorToCent rounds down, towards minus infinity', () => {
    expect(floorToCent(12_345_678n)).toBe(12_340_000n);
    expect(floorToCent(9_999n)).toBe(0n);
    expect(floorToCent(10_000n)).toBe(10_000n);
    expect(floorToCent(-1n)).toBe(-10_000n);
    expect(floorToCent(-10_000n)).toBe(-10_000n);
    expect(floorToCent(-15_000n)).toBe(-20_000n);
  });

  it('splitUnitsCents gives what a customer is told they have', () => {
    expect(splitUnitsCents(12_349_999n)).toEqual({ negative: false, units: 12n, cents: 34n });
    expect(splitUnitsCents(999n)).toEqual({ negative: false, units: 0n, cents: 0n });
    expect(splitUnitsCents(-1n)).toEqual({ negative: true, units: 0n, cents: 1n });
    expect(splitUnitsCents(-2_500_000n)).toEqual({ negative: true, units: 2n, cents: 50n });
  });
});

describe('parsing', () => {
  it('parseAmount reads decimal text exactly, with a dot or a comma', () => {
    expect(parseAmount('12.5')).toBe(12_500_000n);
    expect(parseAmount('0,0125')).toBe(12_500n);
    expect(parseAmount(' 100 ')).toBe(100_000_000n);
    expect(parseAmount('0.000001')).toBe(1n);
    expect(parseAmount('-3.25')).toBe(-3_250_000n);
    // 0.1 + 0.2 is exact here, unlike in floating point.
    expect(parseAmount('0.1') + parseAmount('0.2')).toBe(parseAmount('0.3'));
    expect(parseAmount('1000000000')).toBe(MAX_BALANCE_MICROS);
  });

  it('parseAmount refuses what it cannot read exactly, with a MoneyError', () => {
    for (const bad of ['', 'abc', '12.', '.5', '1.0000001', '1e3', '12,50 €', '1 000', '0x10', '+5', 'NaN', '1000000000.000001']) {
      expect(() => parseAmount(bad), bad).toThrow(MoneyError);
    }
  });

  it('parseMicros reads stored integers and refuses anything else', () => {
    expect(parseMicros('12500000')).toBe(12_500_000n);
    expect(parseMicros('-1')).toBe(-1n);
    expect(parseMicros('0')).toBe(0n);
    for (const bad of ['', '1.5', '1e6', ' 1', '12345678901234567', '9999999999999999']) {
      expect(() => parseMicros(bad), bad).toThrow(MoneyError);
    }
  });
});

describe('text', () => {
  it('toDecimalString is exact and minimal, and round-trips through parseAmount', () => {
    expect(toDecimalString(12_500_000n)).toBe('12.5');
    expect(toDecimalString(1n)).toBe('0.000001');
    expect(toDecimalString(0n)).toBe('0');
    expect(toDecimalString(-3_250_000n)).toBe('-3.25');
    expect(toDecimalString(100_000_000n)).toBe('100');
    for (const micros of [0n, 1n, 999_999n, 1_000_000n, 12_345_678n, -7n, MAX_BALANCE_MICROS]) {
      expect(parseAmount(toDecimalString(micros))).toBe(micros);
    }
  });

  it('formatAmount shows a balance rounded down to the cent, in French and English', () => {
    expect(formatAmount(12_349_999n, 'EUR', 'fr')).toBe('12,34 €');
    expect(formatAmount(12_349_999n, 'EUR', 'en')).toBe('€12.34');
    expect(formatAmount(1_234_567_890n, 'EUR', 'fr')).toBe('1\u202f234,56 €');
    expect(formatAmount(1_234_567_890n, 'GBP', 'en')).toBe('£1,234.56');
    expect(formatAmount(5_000_000n, 'CHF', 'fr')).toBe('5,00 CHF');
    expect(formatAmount(5_000_000n, 'SEK', 'en')).toBe('SEK5.00');
    expect(formatAmount(-5_000n, 'EUR', 'en')).toBe('-€0.01');
    expect(formatAmount(0n, 'EUR', 'fr')).toBe('0,00 €');
  });

  it('formatAmount never shows more than there is, whatever the precision asked below the cent', () => {
    expect(formatAmount(1_999_999n, 'EUR', 'en', 0)).toBe('€1');
    expect(formatAmount(1_999_999n, 'EUR', 'en', 1)).toBe('€1.9');
  });

  it('formatAmount rounds a sub-cent price up, never hiding part of it', () => {
    expect(formatAmount(12_500n, 'EUR', 'fr', 4)).toBe('0,0125 €');
    expect(formatAmount(12_501n, 'EUR', 'en', 4)).toBe('€0.0126');
    expect(formatAmount(1n, 'EUR', 'en', 6)).toBe('€0.000001');
    expect(() => formatAmount(1n, 'EUR', 'en', 7)).toThrow(RangeError);
    expect(() => formatAmount(1n, 'EUR', 'en', 2.5)).toThrow(RangeError);
  });
});
