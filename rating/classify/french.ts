// Numbers dialled in French national form (no + or 00): short numbers decided by table alone, national
// numbers by prefix table, then checked (and typed) by libphonenumber.
import type { Classification } from '../contracts';
import {
  FR_DIRECTORY_PREFIX,
  FR_EMERGENCY_116_PREFIX,
  FR_EMERGENCY_NUMBERS,
  FR_NATIONAL_RANGES,
  FR_OVERSEAS_NATIONAL_PREFIXES,
  FR_SHORT_FREE_NUMBERS,
  FR_SHORT_FREE_PREFIXES,
  FR_SHORT_INCLUDED_NUMBERS,
  FR_SHORT_PREMIUM_NUMBERS,
  type FrenchRangeRule,
} from './french-rules';
import { classifyOverseas } from './international';
import { lookupE164 } from './libphone';
import { MAX_NATIONAL_DIGITS } from './normalize';
import { e164Classification, frenchShortClassification, invalidClassification } from './result';

const RANGE_BY_PREFIX: ReadonlyMap<string, FrenchRangeRule> = new Map(FR_NATIONAL_RANGES.map((r) => [r.prefix, r]));
const RANGE_PREFIX_LENGTHS = [...new Set(FR_NATIONAL_RANGES.map((r) => r.prefix.length))].sort((a, b) => b - a);

/** `digits`: only digits, at most 10, as dialled in France. */
export function classifyFrenchNational(dialled: string, digits: string): Classification {
  if (digits.charCodeAt(0) !== 48) return classifyShort(dialled, digits);
  if (digits.length < MAX_NATIONAL_DIGITS) return invalidClassification(dialled, 'invalid:too-short');
  if (digits.length > MAX_NATIONAL_DIGITS) return invalidClassification(dialled, 'invalid:too-long');

  const overseasCode = FR_OVERSEAS_NATIONAL_PREFIXES.get(digits.slice(0, 4));
  if (overseasCode !== undefined) return classifyOverseas(dialled, overseasCode + digits.slice(1));

  const range = findRange(digits);
  if (range === undefined) return invalidClassification(dialled, 'invalid:not-a-number');
  const found = lookupE164(`33${digits.slice(1)}`);
  if (!found.valid) return invalidClassification(dialled, found.rule);
  if (range.class === 'INVALID') throw new Error(`French range ${range.prefix} cannot be INVALID`);
  return e164Classification(range.class, dialled, found, range.rule);
}

function findRange(digits: string): FrenchRangeRule | undefined {
  for (const length of RANGE_PREFIX_LENGTHS) {
    const range = RANGE_BY_PREFIX.get(digits.slice(0, length));
    if (range !== undefined) return range;
  }
  return undefined;
}

function classifyShort(dialled: string, digits: string): Classification {
  if (FR_EMERGENCY_NUMBERS.has(digits)) return frenchShortClassification('EMERGENCY', dialled, digits, 'EMERGENCY', 'fr-emergency');
  if (digits.length === 6) {
    const prefix = digits.slice(0, 3);
    if (prefix === FR_EMERGENCY_116_PREFIX) return frenchShortClassification('EMERGENCY', dialled, digits, 'EMERGENCY', 'fr-emergency-116');
    if (prefix === FR_DIRECTORY_PREFIX) return frenchShortClassification('PREMIUM', dialled, digits, 'SHORT_CODE', 'fr-directory-118');
  }
  if (digits.length === 4 && digits.charCodeAt(0) === 51) return classify3BPQ(dialled, digits); // '3'
  // Anything else without a leading 0 is an incomplete number (a national number missing its 0 included).
  return invalidClassification(dialled, digits.length < MAX_NATIONAL_DIGITS ? 'invalid:too-short' : 'invalid:not-a-number');
}

function classify3BPQ(dialled: string, digits: string): Classification {
  if (FR_SHORT_FREE_NUMBERS.has(digits) || FR_SHORT_FREE_PREFIXES.includes(digits.slice(0, 2))) {
    return frenchShortClassification('TOLL_FREE', dialled, digits, 'SHORT_CODE', 'fr-short-free');
  }
  if (FR_SHORT_INCLUDED_NUMBERS.has(digits)) return frenchShortClassification('INCLUDED', dialled, digits, 'SHORT_CODE', 'fr-short-included');
  if (FR_SHORT_PREMIUM_NUMBERS.has(digits)) return frenchShortClassification('PREMIUM', dialled, digits, 'SHORT_CODE', 'fr-short-premium');
  return frenchShortClassification('PREMIUM', dialled, digits, 'SHORT_CODE', 'fr-short-unknown');
}
