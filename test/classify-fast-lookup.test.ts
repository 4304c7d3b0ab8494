// fast-lookup.ts re-implements the common path of libphonenumber's parse + getType with compiled patterns.
// Differential test: wherever it answers, its answer must be libphonenumber's, on numbers of every country.
import examples from 'libphonenumber-js/examples.mobile.json';
import { getCountries, getCountryCallingCode, type CountryCode } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../bench/classify-seeded-random';
import { fastLookup } from '../rating/classify/fast-lookup';
import { slowLookupE164 } from '../rating/classify/libphone';

function randomDigits(next: () => number, count: number): string {
  let digits = '';
  for (let i = 0; i < count; i++) digits += String(Math.floor(next() * 10));
  return digits;
}

/** E.164 digit strings: every country's example mobile with its tail varied, and random numbers per code. */
function candidates(seed: number): string[] {
  const next = seededRandom(seed);
  const result: string[] = [];
  for (const country of getCountries()) {
    const callingCode = getCountryCallingCode(country);
    const example = (examples as Record<string, string>)[country as CountryCode];
    for (let i = 0; i < 12 && example; i++) {
      const keep = Math.max(1, example.length - 1 - Math.floor(next() * 5));
      result.push(callingCode + example.slice(0, keep) + randomDigits(next, example.length - keep));
    }
    for (let i = 0; i < 12; i++) result.push(callingCode + randomDigits(next, 4 + Math.floor(next() * 10)));
  }
  // The ranges Solde sees most: French, overseas, the included countries (fixed lines start with 1-5 mostly).
  for (const prefix of ['331', '332', '334', '336', '337', '339', '338', '262262', '590590', '4930', '4420', '3906', '3491', '3222', '4122', '4312', '3531', '35227', '4822', '3120', '35121']) {
    for (let i = 0; i < 40; i++) result.push(prefix + randomDigits(next, 11 - prefix.length + Math.floor(next() * 3)));
  }
  return result;
}

describe('fast lookup agrees with libphonenumber-js', () => {
  const seed = 11252026;
  const numbers = candidates(seed);

  it(`on ${numbers.length} numbers of every country (seed ${seed}), and never for an invalid one`, () => {
    let answered = 0;
    const disagreements: string[] = [];
    for (const digits of numbers) {
      const fast = fastLookup(digits);
      const reference = slowLookupE164(digits);
      if (fast !== undefined) answered++;
      const same = fast === undefined ? true : JSON.stringify({ valid: true, ...fast }) === JSON.stringify(reference);
      if (!same || (fast !== undefined && !reference.valid)) {
        disagreements.push(`+${digits}: fast ${JSON.stringify(fast)} libphonenumber ${JSON.stringify(reference)}`);
      }
    }
    expect(disagreements).toEqual([]);
    // It must answer often, or it is not the fast path of anything.
    expect(answered).toBeGreaterThan(numbers.length / 4);
  });

  it('leaves to libphonenumber what it would rewrite: a national prefix after the country code', () => {
    expect(fastLookup('4909001234567')).toBeUndefined(); // +49 (0)900...: libphonenumber strips the 0
    expect(slowLookupE164('4909001234567')).toMatchObject({ valid: true, e164: '+499001234567' });
  });

  it('tells countries that share a calling code apart as libphonenumber does', () => {
    expect(fastLookup('441534123456')).toEqual({ e164: '+441534123456', country: 'JE', numberType: 'FIXED_LINE' });
    expect(fastLookup('442079460018')).toEqual({ e164: '+442079460018', country: 'GB', numberType: 'FIXED_LINE' });
    expect(fastLookup('16135550123')?.country).toBe('CA');
    expect(fastLookup('262269612345')?.country).toBe('YT');
  });
});
