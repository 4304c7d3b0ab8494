// French money words, written from the grammar (traditional spelling), not from the code's output.
import { describe, expect, it } from 'vitest';
import { parseAmount } from '../rating/money';
import { frenchAmount, frenchNumber, renderPhrase } from '../sip/announce/speech/index';

const say = (amount: string, currency = 'EUR'): string => renderPhrase('fr', frenchAmount(parseAmount(amount), currency));

const EUR: [string, string][] = [
  ['0', 'zéro euro'],
  ['0.005', 'zéro euro'],
  ['0.01', 'un centime'],
  ['0.019999', 'un centime'],
  ['0.02', 'deux centimes'],
  ['0.10', 'dix centimes'],
  ['0.21', 'vingt et un centimes'],
  ['0.71', 'soixante et onze centimes'],
  ['0.80', 'quatre-vingts centimes'],
  ['0.81', 'quatre-vingt-un centimes'],
  ['0.99', 'quatre-vingt-dix-neuf centimes'],
  ['1', 'un euro'],
  ['1.01', 'un euro un'],
  ['1.50', 'un euro cinquante'],
  ['2', 'deux euros'],
  ['3', 'trois euros'],
  ['4', 'quatre euros'],
  ['5', 'cinq euros'],
  ['6', 'six euros'],
  ['7', 'sept euros'],
  ['8', 'huit euros'],
  ['9', 'neuf euros'],
  ['10', 'dix euros'],
  ['11', 'onze euros'],
  ['12', 'douze euros'],
  ['12.50', 'douze euros cinquante'],
  ['12.509999', 'douze euros cinquante'],
  ['13', 'treize euros'],
  ['14', 'quatorze euros'],
  ['15', 'quinze euros'],
  ['16', 'seize euros'],
  ['17', 'dix-sept euros'],
  ['18', 'dix-huit euros'],
  ['19', 'dix-neuf euros'],
  ['20', 'vingt euros'],
  ['21', 'vingt et un euros'],
  ['22', 'vingt-deux euros'],
  ['29', 'vingt-neuf euros'],
  ['30', 'trente euros'],
  ['31', 'trente et un euros'],
  ['33', 'trente-trois euros'],
  ['40', 'quarante euros'],
  ['41', 'quarante et un euros'],
  ['42.42', 'quarante-deux euros quarante-deux'],
  ['45', 'quarante-cinq euros'],
  ['50', 'cinquante euros'],
  ['51', 'cinquante et un euros'],
  ['58', 'cinquante-huit euros'],
  ['60', 'soixante euros'],
  ['61', 'soixante et un euros'],
  ['67', 'soixante-sept euros'],
  ['70', 'soixante-dix euros'],
  ['71', 'soixante et onze euros'],
  ['72', 'soixante-douze euros'],
  ['77', 'soixante-dix-sept euros'],
  ['79', 'soixante-dix-neuf euros'],
  ['80', 'quatre-vingts euros'],
  ['81', 'quatre-vingt-un euros'],
  ['88', 'quatre-vingt-huit euros'],
  ['90', 'quatre-vingt-dix euros'],
  ['91', 'quatre-vingt-onze euros'],
  ['97', 'quatre-vingt-dix-sept euros'],
  ['99', 'quatre-vingt-dix-neuf euros'],
  ['100', 'cent euros'],
  ['101', 'cent un euros'],
  ['111', 'cent onze euros'],
  ['121', 'cent vingt et un euros'],
  ['180', 'cent quatre-vingts euros'],
  ['200', 'deux cents euros'],
  ['201', 'deux cent un euros'],
  ['280', 'deux cent quatre-vingts euros'],
  ['300.80', 'trois cents euros quatre-vingts'],
  ['571', 'cinq cent soixante et onze euros'],
  ['999', 'neuf cent quatre-vingt-dix-neuf euros'],
  ['1000', 'mille euros'],
  ['1001', 'mille un euros'],
  ['1080', 'mille quatre-vingts euros'],
  ['1100', 'mille cent euros'],
  ['1200', 'mille deux cents euros'],
  ['1999', 'mille neuf cent quatre-vingt-dix-neuf euros'],
  ['2000', 'deux mille euros'],
  ['2021', 'deux mille vingt et un euros'],
  ['10000', 'dix mille euros'],
  ['21000', 'vingt et un mille euros'],
  ['71000', 'soixante et onze mille euros'],
  ['80000', 'quatre-vingt mille euros'],
  ['81000', 'quatre-vingt-un mille euros'],
  ['100000', 'cent mille euros'],
  ['200000', 'deux cent mille euros'],
  ['201000', 'deux cent un mille euros'],
  ['280000', 'deux cent quatre-vingt mille euros'],
  ['999999.99', 'neuf cent quatre-vingt-dix-neuf mille neuf cent quatre-vingt-dix-neuf euros quatre-vingt-dix-neuf'],
  ['1000000', "un million d'euros"],
  ['1000000.50', "un million d'euros cinquante"],
  ['1000001', 'un million un euros'],
  ['1200000', 'un million deux cent mille euros'],
  ['2000000', "deux millions d'euros"],
  ['21000000', "vingt et un millions d'euros"],
  ['80000000', "quatre-vingts millions d'euros"],
  ['200000000', "deux cents millions d'euros"],
  ['999999999.99', 'neuf cent quatre-vingt-dix-neuf millions neuf cent quatre-vingt-dix-neuf mille neuf cent quatre-vingt-dix-neuf euros quatre-vingt-dix-neuf'],
  ['-12.50', 'moins douze euros cinquante'],
  ['-0.001', 'moins un centime'],
];

// Livre is feminine: un becomes une, also before mille, never before million (a masculine noun).
const GBP: [string, string][] = [
  ['0', 'zéro livre'],
  ['0.01', 'un penny'],
  ['0.50', 'cinquante pence'],
  ['1', 'une livre'],
  ['2.50', 'deux livres cinquante'],
  ['21', 'vingt et une livres'],
  ['81', 'quatre-vingt-une livres'],
  ['21000', 'vingt et une mille livres'],
  ['1000000', 'un million de livres'],
  ['21000000', 'vingt et un millions de livres'],
];

const CHF: [string, string][] = [
  ['0', 'zéro franc'],
  ['0.05', 'cinq centimes'],
  ['1', 'un franc'],
  ['2', 'deux francs'],
  ['3000000', 'trois millions de francs'],
];

describe('French amounts (EUR)', () => {
  it('has a table of at least 80 amounts', () => expect(EUR.length).toBeGreaterThanOrEqual(80));
  it.each(EUR)('%s EUR is "%s"', (amount, words) => expect(say(amount)).toBe(words));
});

describe('French amounts in other currencies', () => {
  it.each(GBP)('%s GBP is "%s"', (amount, words) => expect(say(amount, 'GBP')).toBe(words));
  it.each(CHF)('%s CHF is "%s"', (amount, words) => expect(say(amount, 'CHF')).toBe(words));
});

describe('French prompt names', () => {
  it('splits hyphenated numbers into one prompt per word', () => {
    expect(frenchAmount(parseAmount('91'), 'EUR').map((t) => t.prompt)).toEqual(['quatre_vingt', 'onze', 'euros']);
    expect(frenchAmount(parseAmount('71'), 'EUR').map((t) => t.prompt)).toEqual(['soixante', 'et', 'onze', 'euros']);
    expect(frenchAmount(parseAmount('1000000'), 'EUR').map((t) => t.prompt)).toEqual(['un', 'million', 'd_euros']);
  });

  it('says every number from 0 to 2000 as well-formed words of the vocabulary', () => {
    for (let n = 0; n <= 2000; n += 1) {
      expect(renderPhrase('fr', frenchNumber(n)), `n=${n}`).toMatch(/^[a-zé]+([ -][a-zé]+)*$/);
      expect(renderPhrase('fr', frenchNumber(n, 'feminine')), `n=${n}`).toMatch(/^[a-zé]+([ -][a-zé]+)*$/);
    }
  });

  it('refuses numbers it cannot say', () => {
    expect(() => frenchNumber(-1)).toThrow(RangeError);
    expect(() => frenchNumber(1.5)).toThrow(RangeError);
    expect(() => frenchNumber(1_000_000_000)).toThrow(RangeError);
  });
});
