// Builds Classification values, so every rule returns the same shape with the same invariants.
import type { CallClass, Classification } from '../contracts';

export function invalidClassification(dialled: string, rule: string): Classification {
  assertRule(rule, 'invalid:');
  return { class: 'INVALID', dialled, e164: null, country: null, numberType: null, ratingKey: null, rule };
}

/** A number with an E.164 form: the rating key is its digits. */
export function e164Classification(
  callClass: Exclude<CallClass, 'INVALID'>,
  dialled: string,
  found: { readonly e164: string; readonly country: string | null; readonly numberType: string },
  rule: string,
): Classification {
  if (!found.e164.startsWith('+')) throw new Error(`not an E.164 number: ${found.e164}`);
  assertRule(rule);
  const { e164, country, numberType } = found;
  return { class: callClass, dialled, e164, country, numberType, ratingKey: e164.slice(1), rule };
}

/** A French short number (3949, 118712): no E.164 form; rated under "330" + the number (docs/DECISIONS.md). */
export function frenchShortClassification(
  callClass: Exclude<CallClass, 'INVALID'>,
  dialled: string,
  shortNumber: string,
  numberType: string,
  rule: string,
): Classification {
  if (!/^[1-9]\d{1,5}$/.test(shortNumber)) throw new Error(`not a French short number: ${shortNumber}`);
  assertRule(rule);
  return { class: callClass, dialled, e164: shortNumber, country: 'FR', numberType, ratingKey: `330${shortNumber}`, rule };
}

function assertRule(rule: string, prefix = ''): void {
  if (!rule.startsWith(prefix) || rule.length === prefix.length) throw new Error(`bad rule name: ${rule}`);
}
