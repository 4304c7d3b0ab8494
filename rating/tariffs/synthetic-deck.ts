// A large, deterministic, valid deck for tests and benchmarks (not for production: prices are arbitrary).
// Prefixes are a calling code followed by a 6-digit serial; calling codes are prefix-free, so every prefix
// is unique, and each country also gets its bare calling code so that longest-prefix fallback is exercised.
import { DECK_COLUMNS } from './deck-format';

const CODES: ReadonlyArray<readonly [string, string]> = [
  ['MA', '212'], ['SN', '221'], ['CI', '225'], ['US', '1'], ['BR', '55'], ['CN', '86'], ['IN', '91'], ['JP', '81'],
  ['TR', '90'], ['DZ', '213'], ['TN', '216'], ['RU', '7'], ['AU', '61'], ['MX', '52'], ['VN', '84'], ['TH', '66'],
];
const INCREMENTS = ['60,60', '30,6', '1,1'] as const;

export function syntheticDeckCsv(rowCount: number, priceSalt = 0): string {
  if (!Number.isSafeInteger(rowCount) || rowCount < CODES.length || rowCount > 999_999) {
    throw new RangeError(`syntheticDeckCsv: rowCount must be from ${CODES.length} to 999999`);
  }
  const lines = [DECK_COLUMNS.join(',')];
  for (const [country, code] of CODES) lines.push(`${code},${country},"${country}, all networks",0.2,0,60,60,0`);
  for (let i = CODES.length; i < rowCount; i += 1) {
    const [country, code] = CODES[i % CODES.length]!;
    const micros = 1_000 + ((i * 7_919 + priceSalt) % 900_000);
    const price = `0.${String(micros).padStart(6, '0')}`;
    lines.push(`${code}${String(i).padStart(6, '0')},${country},${country} zone ${i % 97},${price},0.01,${INCREMENTS[i % 3]},0`);
  }
  return `${lines.join('\n')}\n`;
}

/** The prefixes of syntheticDeckCsv(rowCount), in file order. */
export function syntheticPrefixes(rowCount: number): string[] {
  const prefixes = CODES.map(([, code]) => code);
  for (let i = CODES.length; i < rowCount; i += 1) prefixes.push(`${CODES[i % CODES.length]![1]}${String(i).padStart(6, '0')}`);
  return prefixes;
}
