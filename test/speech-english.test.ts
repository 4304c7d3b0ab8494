// English money words (British usage: "and" after hundred and before a last group below one hundred),
// written from the grammar, not from the code's output.
import { describe, expect, it } from 'vitest';
import { parseAmount } from '../rating/money';
import { englishAmount, englishNumber, renderPhrase } from '../sip/announce/speech/index';

const say = (amount: string, currency = 'EUR'): string => renderPhrase('en', englishAmount(parseAmount(amount), currency));

const EUR: [string, string][] = [
  ['0', 'zero euros'],
  ['0.009', 'zero euros'],
  ['0.01', 'one cent'],
  ['0.02', 'two cents'],
  ['0.10', 'ten cents'],
  ['0.21', 'twenty-one cents'],
  ['0.99', 'ninety-nine cents'],
  ['1', 'one euro'],
  ['1.01', 'one euro and one cent'],
  ['1.50', 'one euro and fifty cents'],
  ['2', 'two euros'],
  ['3', 'three euros'],
  ['4', 'four euros'],
  ['5', 'five euros'],
  ['6', 'six euros'],
  ['7', 'seven euros'],
  ['8', 'eight euros'],
  ['9', 'nine euros'],
  ['10', 'ten euros'],
  ['11', 'eleven euros'],
  ['12', 'twelve euros'],
  ['12.50', 'twelve euros and fifty cents'],
  ['12.509999', 'twelve euros and fifty cents'],
  ['13', 'thirteen euros'],
  ['14', 'fourteen euros'],
  ['15', 'fifteen euros'],
  ['16', 'sixteen euros'],
  ['17', 'seventeen euros'],
  ['18', 'eighteen euros'],
  ['19', 'nineteen euros'],
  ['20', 'twenty euros'],
  ['21', 'twenty-one euros'],
  ['30', 'thirty euros'],
  ['34', 'thirty-four euros'],
  ['40', 'forty euros'],
  ['45', 'forty-five euros'],
  ['50', 'fifty euros'],
  ['56', 'fifty-six euros'],
  ['60', 'sixty euros'],
  ['67', 'sixty-seven euros'],
  ['70', 'seventy euros'],
  ['78', 'seventy-eight euros'],
  ['80', 'eighty euros'],
  ['89', 'eighty-nine euros'],
  ['90', 'ninety euros'],
  ['99', 'ninety-nine euros'],
  ['99.99', 'ninety-nine euros and ninety-nine cents'],
  ['100', 'one hundred euros'],
  ['101', 'one hundred and one euros'],
  ['105', 'one hundred and five euros'],
  ['110', 'one hundred and ten euros'],
  ['115', 'one hundred and fifteen euros'],
  ['120', 'one hundred and twenty euros'],
  ['121', 'one hundred and twenty-one euros'],
  ['200', 'two hundred euros'],
  ['342.10', 'three hundred and forty-two euros and ten cents'],
  ['999', 'nine hundred and ninety-nine euros'],
  ['1000', 'one thousand euros'],
  ['1001', 'one thousand and one euros'],
  ['1005', 'one thousand and five euros'],
  ['1010', 'one thousand and ten euros'],
  ['1099', 'one thousand and ninety-nine euros'],
  ['1100', 'one thousand one hundred euros'],
  ['1234', 'one thousand two hundred and thirty-four euros'],
  ['2000', 'two thousand euros'],
  ['2021', 'two thousand and twenty-one euros'],
  ['10000', 'ten thousand euros'],
  ['12345', 'twelve thousand three hundred and forty-five euros'],
  ['21000', 'twenty-one thousand euros'],
  ['100000', 'one hundred thousand euros'],
  ['101000', 'one hundred and one thousand euros'],
  ['110000', 'one hundred and ten thousand euros'],
  ['200000', 'two hundred thousand euros'],
  ['999999.99', 'nine hundred and ninety-nine thousand nine hundred and ninety-nine euros and ninety-nine cents'],
  ['1000000', 'one million euros'],
  ['1000050', 'one million and fifty euros'],
  ['1200000', 'one million two hundred thousand euros'],
  ['2000000', 'two million euros'],
  ['21000000', 'twenty-one million euros'],
  ['999999999.99', 'nine hundred and ninety-nine million nine hundred and ninety-nine thousand nine hundred and ninety-nine euros and ninety-nine cents'],
  ['-12.50', 'minus twelve euros and fifty cents'],
  ['-0.001', 'minus one cent'],
];

const GBP: [string, string][] = [
  ['0', 'zero pounds'],
  ['0.01', 'one penny'],
  ['0.50', 'fifty pence'],
  ['1', 'one pound'],
  ['2', 'two pounds'],
  ['3.01', 'three pounds and one penny'],
];

const CHF: [string, string][] = [
  ['1', 'one franc'],
  ['0.05', 'five centimes'],
  ['7.01', 'seven francs and one centime'],
];

describe('English amounts (EUR)', () => {
  it('has a table of at least 80 amounts', () => expect(EUR.length).toBeGreaterThanOrEqual(80));
  it.each(EUR)('%s EUR is "%s"', (amount, words) => expect(say(amount)).toBe(words));
});

describe('English amounts in other currencies', () => {
  it.each(GBP)('%s GBP is "%s"', (amount, words) => expect(say(amount, 'GBP')).toBe(words));
  it.each(CHF)('%s CHF is "%s"', (amount, words) => expect(say(amount, 'CHF')).toBe(words));
});

describe('English prompt names', () => {
  it('splits hyphenated numbers into one prompt per word', () => {
    expect(englishAmount(parseAmount('21.05'), 'EUR').map((t) => t.prompt))
      .toEqual(['twenty', 'one', 'euros', 'and', 'five', 'cents']);
  });

  it('says every number from 0 to 2000 as well-formed words of the vocabulary', () => {
    for (let n = 0; n <= 2000; n += 1) expect(renderPhrase('en', englishNumber(n)), `n=${n}`).toMatch(/^[a-z]+([ -][a-z]+)*$/);
  });
});
