// How each language names the units of the currencies Solde can announce. Any other currency is refused
// with UNSUPPORTED_CURRENCY rather than spoken with the wrong words.
import { SoldeError } from '../../../core/errors';
import type { Gender } from './numbers';
import type { EnglishWord, FrenchWord, Language } from './vocabulary';

export interface CurrencyWords<W extends string> {
  readonly one: W;
  readonly many: W;
  /** After a round million: "un million d'euros", "deux millions de livres". */
  readonly afterMillion: W;
  readonly gender: Gender;
  readonly centOne: W;
  readonly centMany: W;
  readonly centGender: Gender;
}

const FRENCH_CURRENCIES: Readonly<Record<string, CurrencyWords<FrenchWord>>> = {
  EUR: { one: 'euro', many: 'euros', afterMillion: 'd_euros', gender: 'masculine', centOne: 'centime', centMany: 'centimes', centGender: 'masculine' },
  GBP: { one: 'livre', many: 'livres', afterMillion: 'de_livres', gender: 'feminine', centOne: 'penny', centMany: 'pence', centGender: 'masculine' },
  CHF: { one: 'franc', many: 'francs', afterMillion: 'de_francs', gender: 'masculine', centOne: 'centime', centMany: 'centimes', centGender: 'masculine' },
};

const ENGLISH_CURRENCIES: Readonly<Record<string, CurrencyWords<EnglishWord>>> = {
  EUR: { one: 'euro', many: 'euros', afterMillion: 'euros', gender: 'masculine', centOne: 'cent', centMany: 'cents', centGender: 'masculine' },
  GBP: { one: 'pound', many: 'pounds', afterMillion: 'pounds', gender: 'masculine', centOne: 'penny', centMany: 'pence', centGender: 'masculine' },
  CHF: { one: 'franc', many: 'francs', afterMillion: 'francs', gender: 'masculine', centOne: 'centime', centMany: 'centimes', centGender: 'masculine' },
};

export const SPOKEN_CURRENCIES: readonly string[] = Object.keys(FRENCH_CURRENCIES);

export function frenchCurrency(code: string): CurrencyWords<FrenchWord> {
  return FRENCH_CURRENCIES[code] ?? refuse(code, 'fr');
}

export function englishCurrency(code: string): CurrencyWords<EnglishWord> {
  return ENGLISH_CURRENCIES[code] ?? refuse(code, 'en');
}

function refuse(code: string, lang: Language): never {
  throw new SoldeError('UNSUPPORTED_CURRENCY', `${JSON.stringify(code)} in ${lang}; add its words to sip/announce/speech/currencies.ts`, { currency: code });
}
