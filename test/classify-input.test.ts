// What a PBX user can type: the same number written every way it is written in France and abroad gives the
// same classification; garbage gives INVALID with a reason and never an exception.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../bench/classify-seeded-random';
import { classify } from '../rating/classify/index';
import { CALL_CLASSES, type Classification } from '../rating/contracts';

function core(result: Classification) {
  const { class: callClass, e164, country, numberType, ratingKey, rule } = result;
  return { callClass, e164, country, numberType, ratingKey, rule };
}

describe('the same number written many ways', () => {
  const spellings: Record<string, readonly string[]> = {
    '+33612345678': ['0612345678', '06 12 34 56 78', '06.12.34.56.78', '06-12-34-56-78', '+33612345678', '+33 6 12 34 56 78',
      '0033612345678', '00 33 6 12 34 56 78', '+33 (0)6 12 34 56 78', '+33 06 12 34 56 78', '\t06 12 34 56 78\n', '06\u00a012\u00a034\u00a056\u00a078'],
    '+442079460018': ['+442079460018', '+44 20 7946 0018', '+44 (0)20 7946 0018', '0044 20 7946 0018', '0044 (0)20-7946-0018', '+44/20/7946/0018'],
    '+493012345678': ['+49 30 12345678', '+49 (0)30 12345678', '0049 30 123 456 78', '+49.30.12345678'],
  };
  for (const [e164, variants] of Object.entries(spellings)) {
    it(`all spellings of ${e164} agree`, () => {
      const expected = core(classify(variants[0]!));
      expect(expected.e164).toBe(e164);
      for (const variant of variants) expect(core(classify(variant)), JSON.stringify(variant)).toEqual(expected);
    });
  }

  it('keeps what was dialled, untouched, in the result', () => {
    expect(classify(' +33 (0)6 12 34 56 78 ').dialled).toBe(' +33 (0)6 12 34 56 78 ');
  });
});

describe('bad input', () => {
  const bad: readonly [unknown, string][] = [
    ['', 'invalid:empty'],
    ['\u0000', 'invalid:characters'],
    ['0612\u00003456', 'invalid:characters'],
    ['zéro six', 'invalid:characters'],
    ['٠٦١٢٣٤٥٦٧٨', 'invalid:characters'], // Arabic-Indic digits are not dialled by SIP endpoints
    ['06 12 34 56 78 ext. 12', 'invalid:characters'],
    ['++33612345678', 'invalid:characters'],
    ['33+612345678', 'invalid:characters'],
    ['sip:0612345678@pbx.example', 'invalid:characters'],
    ['tel:+33612345678', 'invalid:characters'],
    ['9'.repeat(40), 'invalid:too-long'],
    ['0'.repeat(10_000), 'invalid:too-long'],
    ['+' + '4'.repeat(20), 'invalid:too-long'],
    ['---', 'invalid:characters'],
    ['()', 'invalid:characters'],
    ['00', 'invalid:too-short'],
    [null, 'invalid:not-a-string'],
    [undefined, 'invalid:not-a-string'],
    [612345678, 'invalid:not-a-string'],
    [{ toString: () => '0612345678' }, 'invalid:not-a-string'],
  ];
  it.each(bad)('%j → INVALID (%s)', (input, rule) => {
    const result = classify(input as string);
    expect(result).toMatchObject({ class: 'INVALID', rule, e164: null, country: null, numberType: null, ratingKey: null });
  });
});

describe('random input never throws', () => {
  const alphabet = '0123456789+0000333 .-()/#*a\u0000\u00a0é';

  it('gives a well-formed classification for 5000 random strings', () => {
    const seed = 20261125;
    const next = seededRandom(seed);
    const seen = new Set<string>();
    const malformed: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const length = Math.floor(next() * 24);
      let text = '';
      for (let j = 0; j < length; j++) text += alphabet[Math.floor(next() * alphabet.length)];
      const result = classify(text);
      seen.add(result.class);
      const invalid = result.class === 'INVALID';
      const wellFormed = CALL_CLASSES.includes(result.class) && result.rule.startsWith('invalid:') === invalid &&
        (invalid ? result.ratingKey === null : /^[1-9]\d{1,14}$/.test(result.ratingKey ?? ''));
      if (!wellFormed) malformed.push(`seed ${seed}, input ${JSON.stringify(text)}: ${JSON.stringify(result)}`);
    }
    expect(malformed).toEqual([]);
    // The generator reaches past the refusals: the test exercises real classifications too.
    expect(seen.size).toBeGreaterThan(2);
  });
});
