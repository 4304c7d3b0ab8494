// The rate deck CSV format: one header line naming these columns (any order), then one rate per line.
// Amounts are decimal currency units parsed exactly (parseAmount, never parseFloat).
import { getCountries, getCountryCallingCode, type CountryCode } from 'libphonenumber-js/max';
import type { Tariff } from '../contracts';
import { MICROS_PER_UNIT, MoneyError, parseAmount, type Micros } from '../money';
import { SoldeError } from '../../core/errors';

export const DECK_COLUMNS = [
  'prefix',
  'country',
  'destination',
  'rate_per_minute',
  'connect_fee',
  'initial_increment',
  'subsequent_increment',
  'minimum_charge',
] as const;
export type DeckColumn = (typeof DECK_COLUMNS)[number];

/** Above these an amount is a typo (a rate in cents, a missing decimal point), not a price. */
export const MAX_RATE_PER_MINUTE_MICROS = 100n * MICROS_PER_UNIT;
export const MAX_CONNECT_FEE_MICROS = 100n * MICROS_PER_UNIT;
export const MAX_MINIMUM_CHARGE_MICROS = 100n * MICROS_PER_UNIT;
export const MAX_INCREMENT_SECONDS = 3600;
export const MAX_DESTINATION_CHARS = 100;

const COUNTRIES = new Set<string>(getCountries());

/** Maps each column to its position; refuses a header that lacks a column, repeats one or adds one. */
export function readHeader(fields: readonly string[], line: number): Record<DeckColumn, number> {
  const positions: Partial<Record<DeckColumn, number>> = {};
  fields.forEach((raw, position) => {
    const name = raw.trim().toLowerCase();
    if (!(DECK_COLUMNS as readonly string[]).includes(name)) {
      throw new SoldeError('BAD_CSV', `line ${line}: unknown column ${JSON.stringify(raw)} (expected: ${DECK_COLUMNS.join(',')})`);
    }
    if (positions[name as DeckColumn] !== undefined) throw new SoldeError('BAD_CSV', `line ${line}: column ${name} appears twice`);
    positions[name as DeckColumn] = position;
  });
  const missing = DECK_COLUMNS.filter((c) => positions[c] === undefined);
  if (missing.length > 0) {
    throw new SoldeError('BAD_CSV', `line ${line}: header lacks ${missing.join(', ')} (expected: ${DECK_COLUMNS.join(',')})`);
  }
  return positions as Record<DeckColumn, number>;
}

/** Validates one data line into a frozen Tariff, or throws BAD_CSV "line N: why". */
export function readRow(fields: readonly string[], columns: Record<DeckColumn, number>, line: number): Tariff {
  if (fields.length !== DECK_COLUMNS.length) {
    throw new SoldeError('BAD_CSV', `line ${line}: ${fields.length} fields, expected ${DECK_COLUMNS.length}`);
  }
  const field = (name: DeckColumn): string => fields[columns[name]]!.trim();
  const fail = (why: string): never => {
    throw new SoldeError('BAD_CSV', `line ${line}: ${why}`);
  };
  const prefix = field('prefix');
  if (!/^[1-9]\d{0,14}$/.test(prefix)) fail(`prefix ${JSON.stringify(prefix)} must be 1 to 15 E.164 digits without + or 00`);
  const country = field('country').toUpperCase();
  if (!COUNTRIES.has(country)) fail(`country ${JSON.stringify(field('country'))} is not an ISO 3166 code of a calling country`);
  const callingCode = getCountryCallingCode(country as CountryCode);
  if (!prefix.startsWith(callingCode)) fail(`prefix ${prefix} is not in ${country} (+${callingCode})`);
  const destination = field('destination');
  if (destination === '' || destination.length > MAX_DESTINATION_CHARS || /[\u0000-\u001f\u007f]/.test(destination)) {
    fail(`destination must be 1 to ${MAX_DESTINATION_CHARS} printable characters`);
  }
  const tariff: Tariff = {
    prefix,
    country,
    destination,
    perMinuteMicros: amount(field('rate_per_minute'), 'rate_per_minute', MAX_RATE_PER_MINUTE_MICROS, fail),
    connectFeeMicros: amount(field('connect_fee'), 'connect_fee', MAX_CONNECT_FEE_MICROS, fail),
    initialIncrementSeconds: increment(field('initial_increment'), 'initial_increment', fail),
    subsequentIncrementSeconds: increment(field('subsequent_increment'), 'subsequent_increment', fail),
    minimumChargeMicros: amount(field('minimum_charge'), 'minimum_charge', MAX_MINIMUM_CHARGE_MICROS, fail),
  };
  return Object.freeze(tariff);
}

function amount(text: string, name: string, max: Micros, fail: (why: string) => never): Micros {
  let value: Micros;
  try {
    value = parseAmount(text);
  } catch (error) {
    if (!(error instanceof MoneyError)) throw error;
    return fail(`${name} ${JSON.stringify(text)} is not an amount (digits, up to 6 decimals)`);
  }
  if (value < 0n) fail(`${name} ${text} is negative`);
  if (value > max) fail(`${name} ${text} is above the plausible maximum of ${max / MICROS_PER_UNIT}`);
  return value;
}

function increment(text: string, name: string, fail: (why: string) => never): number {
  if (!/^\d{1,4}$/.test(text)) return fail(`${name} ${JSON.stringify(text)} must be whole seconds from 1 to ${MAX_INCREMENT_SECONDS}`);
  const seconds = Number(text);
  if (seconds < 1 || seconds > MAX_INCREMENT_SECONDS) fail(`${name} ${text} must be from 1 to ${MAX_INCREMENT_SECONDS} seconds`);
  return seconds;
}
