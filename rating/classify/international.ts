// Numbers with a country code: French ones go back to the French rules, French overseas territories are
// included, the rest is decided by libphonenumber's number type and the tenant's included-countries plan.
import type { Classification } from '../contracts';
import { FR_OVERSEAS_CALLING_CODES, FR_OVERSEAS_COUNTRIES } from './french-rules';
import { lookupE164 } from './libphone';
import { e164Classification, invalidClassification } from './result';

/** Number types charged as premium wherever they are: surcharged services. */
const PREMIUM_TYPES: ReadonlySet<string> = new Set(['PREMIUM_RATE', 'SHARED_COST']);

/** `digits`: E.164 digits of a non-French number (country code first, no '+'). */
export function classifyForeign(dialled: string, digits: string, includedCountries: ReadonlySet<string>): Classification {
  if (FR_OVERSEAS_CALLING_CODES.has(digits.slice(0, 3))) return classifyOverseas(dialled, digits);
  const found = lookupE164(digits);
  if (!found.valid) return invalidClassification(dialled, found.rule);
  const where = found.country ?? 'non-geographic';
  if (PREMIUM_TYPES.has(found.numberType)) return e164Classification('PREMIUM', dialled, found, `premium-abroad:${where}`);
  // Only true fixed lines: FIXED_LINE_OR_MOBILE (NANP) and VOIP are not "fixed lines of the country".
  if (found.numberType === 'FIXED_LINE' && found.country !== null && includedCountries.has(found.country)) {
    return e164Classification('INCLUDED', dialled, found, `included-fixed:${found.country}`);
  }
  // Foreign toll-free numbers are not free from France: rated like any other foreign number.
  return e164Classification('INTERNATIONAL', dialled, found, `international:${where}`);
}

/** French overseas departments and territories, fixed and mobile: included like France. */
export function classifyOverseas(dialled: string, digits: string): Classification {
  const found = lookupE164(digits);
  if (!found.valid) return invalidClassification(dialled, found.rule);
  const country = found.country ?? '';
  if (!FR_OVERSEAS_COUNTRIES.has(country)) return e164Classification('INTERNATIONAL', dialled, found, `international:${country}`);
  if (PREMIUM_TYPES.has(found.numberType)) return e164Classification('PREMIUM', dialled, found, `fr-overseas-premium:${country}`);
  return e164Classification('INCLUDED', dialled, found, `fr-overseas:${country}`);
}
