// An amount of money as words, rounded down to the cent (what a customer is told they have).
// French: "douze euros cinquante" (the cents follow without their noun, as French speakers say a price),
// "cinquante centimes" when there are no whole units, "zéro euro", "un euro", "un million d'euros".
// English: "twelve euros and fifty cents", "fifty cents", "zero euros", "one euro", "one million euros".
// A negative available balance (a call that overran) is said with "moins" / "minus", never hidden.
import { SoldeError } from '../../../core/errors';
import { splitUnitsCents, type Micros } from '../../../rating/money';
import { englishCurrency, frenchCurrency } from './currencies';
import { englishNumber } from './english';
import { frenchNumber } from './french';
import { MAX_SPOKEN_NUMBER } from './numbers';
import { word, type Token } from './tokens';
import type { EnglishWord, FrenchWord, Language } from './vocabulary';

export function sayAmount(lang: Language, amountMicros: Micros, currency: string): Token[] {
  return lang === 'fr' ? frenchAmount(amountMicros, currency) : englishAmount(amountMicros, currency);
}

export function frenchAmount(amountMicros: Micros, currency: string): Token<FrenchWord>[] {
  const words = frenchCurrency(currency);
  const { negative, units, cents } = speakableParts(amountMicros);
  const tokens: Token<FrenchWord>[] = negative ? [word('moins')] : [];
  if (units === 0 && cents > 0) {
    tokens.push(...frenchNumber(cents, words.centGender), word(cents === 1 ? words.centOne : words.centMany));
    return tokens;
  }
  tokens.push(...frenchNumber(units, words.gender));
  // French counts 0 and 1 in the singular: zéro euro, un euro, deux euros.
  const noun = units <= 1 ? words.one : units % 1_000_000 === 0 ? words.afterMillion : words.many;
  tokens.push(word(noun));
  if (cents > 0) tokens.push(...frenchNumber(cents, words.centGender));
  return tokens;
}

export function englishAmount(amountMicros: Micros, currency: string): Token<EnglishWord>[] {
  const words = englishCurrency(currency);
  const { negative, units, cents } = speakableParts(amountMicros);
  const tokens: Token<EnglishWord>[] = negative ? [word('minus')] : [];
  if (units > 0 || cents === 0) {
    // English counts only 1 in the singular: zero euros, one euro, two euros.
    tokens.push(...englishNumber(units), word(units === 1 ? words.one : words.many));
    if (cents === 0) return tokens;
    tokens.push(word('and'));
  }
  tokens.push(...englishNumber(cents), word(cents === 1 ? words.centOne : words.centMany));
  return tokens;
}

function speakableParts(amountMicros: Micros): { negative: boolean; units: number; cents: number } {
  if (typeof amountMicros !== 'bigint') throw new TypeError(`amount must be a bigint of micro-units, got ${typeof amountMicros}`);
  const limit = BigInt(MAX_SPOKEN_NUMBER);
  const { negative, units, cents } = splitUnitsCents(amountMicros);
  if (units > limit) throw new SoldeError('BAD_AMOUNT', `${units} units is more than an announcement can say (${MAX_SPOKEN_NUMBER})`);
  return { negative: negative && (units > 0n || cents > 0n), units: Number(units), cents: Number(cents) };
}
