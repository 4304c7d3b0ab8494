// The one place that asks libphonenumber-js (max metadata) about a number, fast-lookup.ts first. Input is
// always clean E.164 digits (country code first) from normalize.ts: parsed once, without a default country.
import { parsePhoneNumberFromString, validatePhoneNumberLength } from 'libphonenumber-js/max';
import { fastLookup } from './fast-lookup';

export type Lookup =
  | { readonly valid: true; readonly e164: string; readonly country: string | null; readonly numberType: string }
  | { readonly valid: false; readonly rule: string };

export function lookupE164(digits: string): Lookup {
  const fast = fastLookup(digits);
  if (fast !== undefined) return { valid: true, ...fast };
  return slowLookupE164(digits);
}

/** libphonenumber itself: every number fastLookup leaves undecided, and the reference it is tested against. */
export function slowLookupE164(digits: string): Lookup {
  const e164 = `+${digits}`;
  const parsed = parsePhoneNumberFromString(e164);
  // getType() is undefined exactly when the number matches no type of its country's plan: not valid.
  const numberType = parsed?.getType();
  if (!parsed || numberType === undefined) return { valid: false, rule: whyInvalid(e164) };
  return { valid: true, e164: parsed.number, country: parsed.country ?? null, numberType };
}

/** Only on the refusal path: a precise reason lets the SIP layer answer 484 (incomplete) or 404. */
function whyInvalid(e164: string): string {
  switch (validatePhoneNumberLength(e164)) {
    case 'INVALID_COUNTRY':
      return 'invalid:unknown-country-code';
    case 'TOO_SHORT':
      return 'invalid:too-short';
    case 'TOO_LONG':
      return 'invalid:too-long';
    default:
      return 'invalid:not-a-number';
  }
}
