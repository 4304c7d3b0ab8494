// Money is an integer count of micro-units of the account's currency (1 EUR = 1,000,000 micros), held in
// a bigint everywhere in TypeScript so that no float can ever carry an amount. Rounding is explicit:
// charges round up (in the operator's favour), what is shown or spoken to a customer rounds down to the cent.

export type Micros = bigint;

export const MICROS_PER_UNIT = 1_000_000n;
export const MICROS_PER_CENT = 10_000n;
/** The largest amount any single operation may move: 1,000,000 currency units. Above is absurd input. */
export const MAX_OPERATION_MICROS = 1_000_000n * MICROS_PER_UNIT;
/** The largest balance an account may hold. Also keeps every amount exact in Lua's doubles (< 2^53). */
export const MAX_BALANCE_MICROS = 1_000_000_000n * MICROS_PER_UNIT;

export class MoneyError extends Error {
  override name = 'MoneyError';
}

/** Asserts a programmer's invariant about an amount; a violation is a bug, so it throws. */
export function assertMicros(value: unknown, what = 'amount'): asserts value is Micros {
  if (typeof value !== 'bigint') throw new TypeError(`${what} must be a bigint of micro-units, got ${typeof value}`);
  if (value > MAX_BALANCE_MICROS || value < -MAX_BALANCE_MICROS) throw new RangeError(`${what} out of range: ${value}`);
}

/** Division rounding up, for charges. Both operands are positive. */
export function ceilDiv(numerator: bigint, denominator: bigint): bigint {
  if (typeof numerator !== 'bigint' || typeof denominator !== 'bigint') throw new TypeError('ceilDiv: operands must be bigints');
  if (denominator <= 0n) throw new RangeError('ceilDiv: denominator must be positive');
  if (numerator <= 0n) return -(-numerator / denominator);
  return (numerator + denominator - 1n) / denominator;
}

/** Price of `seconds` at `perMinuteMicros`, rounded up to the micro-unit. */
export function priceOfSeconds(perMinuteMicros: Micros, seconds: number): Micros {
  assertMicros(perMinuteMicros, 'perMinuteMicros');
  if (!Number.isSafeInteger(seconds) || seconds < 0) throw new RangeError(`seconds must be a whole number >= 0: ${seconds}`);
  return ceilDiv(perMinuteMicros * BigInt(seconds), 60n);
}

/** Rounds down to the cent: what a customer is told they have. */
export function floorToCent(amount: Micros): Micros {
  assertMicros(amount);
  const remainder = amount % MICROS_PER_CENT;
  return remainder >= 0n ? amount - remainder : amount - remainder - MICROS_PER_CENT;
}

/** Whole units and cents of an amount rounded down to the cent; for speech and display. */
export function splitUnitsCents(amount: Micros): { negative: boolean; units: bigint; cents: bigint } {
  const floored = floorToCent(amount);
  const negative = floored < 0n;
  const cents = (negative ? -floored : floored) / MICROS_PER_CENT;
  return { negative, units: cents / 100n, cents: cents % 100n };
}

const DECIMAL = /^(-)?(\d{1,13})(?:[.,](\d{1,6}))?$/;

/**
 * Parses a decimal amount written by a person or a carrier CSV ("12.5", "0,0125", "100") into micros,
 * exactly, with no float on the way. More than 6 decimals is refused rather than rounded silently.
 */
export function parseAmount(text: string): Micros {
  if (typeof text !== 'string') throw new TypeError(`parseAmount expects text, got ${typeof text}: pass the amount as written`);
  const match = DECIMAL.exec(text.trim());
  if (!match) throw new MoneyError(`not an amount: ${JSON.stringify(text)} (expected digits with up to 6 decimals)`);
  const [, sign, whole, fraction = ''] = match;
  const micros = BigInt(whole!) * MICROS_PER_UNIT + BigInt(fraction.padEnd(6, '0'));
  const value = sign ? -micros : micros;
  if (value > MAX_BALANCE_MICROS || value < -MAX_BALANCE_MICROS) throw new MoneyError(`amount too large: ${text}`);
  return value;
}

/** Parses an integer count of micros as stored in Postgres or Redis ("12500000"). */
export function parseMicros(text: string): Micros {
  if (typeof text !== 'string') throw new TypeError(`parseMicros expects text, got ${typeof text}`);
  if (!/^-?\d{1,16}$/.test(text)) throw new MoneyError(`not a micro-unit amount: ${JSON.stringify(text)}`);
  const value = BigInt(text);
  if (value > MAX_BALANCE_MICROS || value < -MAX_BALANCE_MICROS) throw new MoneyError(`micro-unit amount out of range: ${text}`);
  return value;
}

/** Exact decimal text of an amount ("12.500000" → "12.5"), for JSON and CSV; never rounded. */
export function toDecimalString(amount: Micros): string {
  assertMicros(amount);
  const negative = amount < 0n;
  const abs = negative ? -amount : amount;
  const units = abs / MICROS_PER_UNIT;
  const fraction = (abs % MICROS_PER_UNIT).toString().padStart(6, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${units}${fraction ? `.${fraction}` : ''}`;
}

const SYMBOLS: Record<string, string> = { EUR: '€', GBP: '£', USD: '$', CHF: 'CHF' };

/**
 * Display form rounded down to the cent, in the customer's language: "12,50 €" (fr), "€12.50" (en).
 * Sub-cent prices (per-minute rates) need `decimals` > 2 and are rounded up there, in the operator's favour,
 * never hiding part of a price.
 */
export function formatAmount(amount: Micros, currency: string, language: 'fr' | 'en', decimals = 2): string {
  assertMicros(amount);
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 6) throw new RangeError('decimals must be 0..6');
  const step = 10n ** BigInt(6 - decimals);
  const negative = amount < 0n;
  const abs = negative ? -amount : amount;
  // Cents or coarser: a balance, rounded down (towards minus infinity). Finer: a price, rounded up.
  const rounded = decimals <= 2 ? (negative ? ceilDiv(abs, step) : abs / step) : ceilDiv(abs, step);
  const scale = 10n ** BigInt(decimals);
  const units = groupThousands((rounded / scale).toString(), language === 'fr' ? '\u202f' : ',');
  const fraction = decimals > 0 ? (rounded % scale).toString().padStart(decimals, '0') : '';
  const sep = language === 'fr' ? ',' : '.';
  const number = fraction ? `${units}${sep}${fraction}` : units;
  const symbol = SYMBOLS[currency] ?? currency;
  const sign = negative ? '-' : '';
  return language === 'fr' ? `${sign}${number} ${symbol}` : `${sign}${symbol}${number}`;
}

function groupThousands(digits: string, separator: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
}
