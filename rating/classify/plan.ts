// The included-countries plan: countries whose fixed lines are part of the subscription. Checked with one
// Set lookup per call. The default must stay equal to src/config.ts's SOLDE_INCLUDED_COUNTRIES default
// (test/config.test.ts checks it).

export interface IncludedPlan {
  readonly includedCountries: readonly string[];
}

export const DEFAULT_INCLUDED_COUNTRIES: readonly string[] = Object.freeze([
  'DE', 'BE', 'ES', 'IT', 'NL', 'PT', 'AT', 'CH', 'GB', 'IE', 'LU', 'PL',
]);

/** At most every ISO 3166 country: a longer list is a bug in the caller. */
const MAX_PLAN_COUNTRIES = 250;

/** A programmer error (bad plan) crashes here, at start-up, never per call. */
export function includedCountrySet(plan: IncludedPlan): ReadonlySet<string> {
  const countries = plan?.includedCountries;
  if (!Array.isArray(countries)) throw new TypeError('plan.includedCountries must be an array of ISO 3166 codes');
  if (countries.length > MAX_PLAN_COUNTRIES) throw new RangeError(`plan has ${countries.length} countries, at most ${MAX_PLAN_COUNTRIES}`);
  for (const code of countries) {
    if (typeof code !== 'string' || !/^[A-Z]{2}$/.test(code)) {
      throw new TypeError(`plan.includedCountries: ${JSON.stringify(code)} is not an upper-case ISO 3166 alpha-2 code`);
    }
  }
  return new Set(countries);
}
