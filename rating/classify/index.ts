// Classification of a dialled string: EMERGENCY, TOLL_FREE, INCLUDED, PREMIUM, INTERNATIONAL or INVALID,
// with the E.164 form, country, number type, rating key and the rule that decided (rating/contracts.ts).
// Never throws for any input: bad input is an INVALID classification whose rule says why.
import type { Classification } from '../contracts';
import { classifyFrenchNational } from './french';
import { classifyForeign } from './international';
import { normalizeDialled } from './normalize';
import { DEFAULT_INCLUDED_COUNTRIES, includedCountrySet } from './plan';
import { invalidClassification } from './result';

export { DEFAULT_INCLUDED_COUNTRIES, type IncludedPlan } from './plan';

export function createClassifier(plan: { includedCountries: readonly string[] }): (dialled: string) => Classification {
  const includedCountries = includedCountrySet(plan);
  return (dialled) => classifyWith(dialled, includedCountries);
}

const classifyWithDefaultPlan = createClassifier({ includedCountries: DEFAULT_INCLUDED_COUNTRIES });

export function classify(dialled: string, plan?: { includedCountries: readonly string[] }): Classification {
  return plan === undefined ? classifyWithDefaultPlan(dialled) : createClassifier(plan)(dialled);
}

function classifyWith(dialled: string, includedCountries: ReadonlySet<string>): Classification {
  const normalized = normalizeDialled(dialled);
  // A non-string reaches here only from untyped callers; the Classification still carries a string.
  const asText = typeof dialled === 'string' ? dialled : String(dialled);
  switch (normalized.kind) {
    case 'invalid':
      return invalidClassification(asText, normalized.rule);
    case 'national':
      return classifyFrenchNational(asText, normalized.digits);
    case 'international':
      return normalized.digits.startsWith('33')
        ? classifyFrenchNational(asText, frenchNational(normalized.digits))
        : classifyForeign(asText, normalized.digits, includedCountries);
  }
}

/** +33 6 12 34 56 78 → 0612345678; a stray trunk 0 (+33 0 6...) is dropped as libphonenumber does. */
function frenchNational(digits: string): string {
  const significant = digits.startsWith('330') ? digits.slice(3) : digits.slice(2);
  return `0${significant}`;
}
