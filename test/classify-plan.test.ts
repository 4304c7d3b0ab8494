// The included-countries plan is configuration: a tenant's plan changes which foreign fixed lines are free,
// and nothing else (France, emergency, premium numbers do not depend on it).
import { describe, expect, it } from 'vitest';
import { classify, createClassifier, DEFAULT_INCLUDED_COUNTRIES } from '../rating/classify/index';

describe('included-countries plan', () => {
  it('includes the fixed lines of the listed countries only', () => {
    const moroccoOnly = createClassifier({ includedCountries: ['MA'] });
    expect(moroccoOnly('+212 522 12 34 56')).toMatchObject({ class: 'INCLUDED', rule: 'included-fixed:MA' });
    expect(moroccoOnly('+212 612 34 56 78')).toMatchObject({ class: 'INTERNATIONAL', rule: 'international:MA' });
    expect(moroccoOnly('+49 30 12345678')).toMatchObject({ class: 'INTERNATIONAL', rule: 'international:DE' });
  });

  it('with no country, still includes France and its overseas departments', () => {
    const nothingAbroad = createClassifier({ includedCountries: [] });
    expect(nothingAbroad('+44 20 7946 0018').class).toBe('INTERNATIONAL');
    expect(nothingAbroad('0142685300').class).toBe('INCLUDED');
    expect(nothingAbroad('0262 16 12 34').class).toBe('INCLUDED');
    expect(nothingAbroad('112').class).toBe('EMERGENCY');
    expect(nothingAbroad('+44 909 876 5432').class).toBe('PREMIUM');
  });

  it('never makes a Crown dependency GB, even when GB is included', () => {
    const gbOnly = createClassifier({ includedCountries: ['GB'] });
    expect(gbOnly('+44 1534 123456')).toMatchObject({ class: 'INTERNATIONAL', country: 'JE' });
    expect(gbOnly('+44 1624 756789')).toMatchObject({ class: 'INTERNATIONAL', country: 'IM' });
    expect(gbOnly('+44 1481 256789')).toMatchObject({ class: 'INTERNATIONAL', country: 'GG' });
  });

  it('classify() without a plan uses the default plan; with one, that plan', () => {
    expect(DEFAULT_INCLUDED_COUNTRIES).toEqual(['DE', 'BE', 'ES', 'IT', 'NL', 'PT', 'AT', 'CH', 'GB', 'IE', 'LU', 'PL']);
    expect(classify('+352 27 12 34 56').class).toBe('INCLUDED');
    expect(classify('+352 27 12 34 56', { includedCountries: ['DE'] }).class).toBe('INTERNATIONAL');
    expect(classify('+46 8 123 4567', { includedCountries: ['SE'] }).class).toBe('INCLUDED');
  });

  it('refuses a malformed plan when the classifier is created (a programmer error)', () => {
    expect(() => createClassifier({ includedCountries: ['de'] })).toThrow(/ISO 3166/);
    expect(() => createClassifier({ includedCountries: ['DEU'] })).toThrow(/ISO 3166/);
    expect(() => createClassifier({ includedCountries: 'DE,BE' as unknown as string[] })).toThrow(/array/);
    expect(() => createClassifier({ includedCountries: Array.from({ length: 251 }, () => 'DE') })).toThrow(/at most/);
  });
});
