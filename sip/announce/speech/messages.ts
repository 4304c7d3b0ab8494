// The messages a caller hears, as sentences of prompt names, plus their written text for tests and logs.
// - balance: before a paid call connects, optionally with the time it buys at the current rate;
// - insufficient: before a paid call is refused for lack of funds;
// - lowFunds: the warning before the paid time runs out and the call is cut.
import type { Micros } from '../../../rating/money';
import { englishAmount, frenchAmount } from './amount';
import { englishNumber } from './english';
import { frenchNumber } from './french';
import { renderPhrase, word, type Token } from './tokens';
import type { EnglishWord, FrenchWord, Language } from './vocabulary';

export interface Message {
  readonly lang: Language;
  readonly sentences: readonly (readonly Token[])[];
}

/** Longest warning lowFunds says: a day. Longer is a caller's bug (a warning is for the last minutes). */
export const MAX_WARNING_SECONDS = 86_400;

/** French unless the account asked for English (any "en", "en-GB", "EN_us"...). */
export function chooseLanguage(accountLanguage: string | null | undefined): Language {
  return typeof accountLanguage === 'string' && /^en([-_]|$)/i.test(accountLanguage) ? 'en' : 'fr';
}

export function balanceMessage(lang: Language, availableMicros: Micros, currency: string, minutesLeft?: number): Message {
  const sentences = [balanceSentence(lang, availableMicros, currency)];
  if (minutesLeft !== undefined) sentences.push(minutesSentence(lang, minutesLeft));
  return { lang, sentences };
}

export function insufficientMessage(lang: Language, availableMicros: Micros, currency: string): Message {
  const refusal = lang === 'fr' ? word<FrenchWord>('solde_insuffisant') : word<EnglishWord>('balance_too_low');
  return { lang, sentences: [[refusal], balanceSentence(lang, availableMicros, currency)] };
}

export function lowFundsMessage(lang: Language, secondsLeft: number): Message {
  // Rounded down: a warning never promises more time than there is.
  const whole = Math.floor(secondsLeft);
  if (!Number.isSafeInteger(whole) || whole < 1 || whole > MAX_WARNING_SECONDS) {
    throw new RangeError(`secondsLeft must be from 1 to ${MAX_WARNING_SECONDS}, got ${secondsLeft}`);
  }
  const minutes = Math.floor(whole / 60);
  const seconds = whole % 60;
  if (lang === 'en') {
    const tokens: Token<EnglishWord>[] = [word('credit_runs_out_in')];
    if (minutes > 0) tokens.push(...englishNumber(minutes), word(minutes === 1 ? 'minute' : 'minutes'));
    if (minutes > 0 && seconds > 0) tokens.push(word('and'));
    if (seconds > 0) tokens.push(...englishNumber(seconds), word(seconds === 1 ? 'second' : 'seconds'));
    return { lang, sentences: [tokens] };
  }
  const tokens: Token<FrenchWord>[] = [word('credit_epuise_dans')];
  if (minutes > 0) tokens.push(...frenchNumber(minutes, 'feminine'), word(minutes === 1 ? 'minute' : 'minutes'));
  if (minutes > 0 && seconds > 0) tokens.push(word('et'));
  if (seconds > 0) tokens.push(...frenchNumber(seconds, 'feminine'), word(seconds === 1 ? 'seconde' : 'secondes'));
  return { lang, sentences: [tokens] };
}

/** "Votre solde est de douze euros cinquante. Soit environ douze minutes de communication." */
export function messageText(message: Message): string {
  return message.sentences.map((sentence) => `${renderPhrase(message.lang, sentence)}.`).join(' ');
}

function balanceSentence(lang: Language, availableMicros: Micros, currency: string): Token[] {
  if (lang === 'en') return [word<EnglishWord>('your_balance_is'), ...englishAmount(availableMicros, currency)];
  const amount = frenchAmount(availableMicros, currency);
  // "de" elides before un/une: "Votre solde est d'un euro", "d'une livre"; never before onze or huit.
  const first = amount[0]!.prompt;
  if (first === 'un') return [word<FrenchWord>('votre_solde_est_d_un'), ...amount.slice(1)];
  if (first === 'une') return [word<FrenchWord>('votre_solde_est_d_une'), ...amount.slice(1)];
  return [word<FrenchWord>('votre_solde_est_de'), ...amount];
}

function minutesSentence(lang: Language, minutesLeftExact: number): Token[] {
  const minutesLeft = Math.floor(minutesLeftExact); // "environ": whole minutes, never more than bought
  if (!Number.isSafeInteger(minutesLeft) || minutesLeft < 0) {
    throw new RangeError(`minutesLeft must be a number >= 0, got ${minutesLeftExact}`);
  }
  if (lang === 'en') {
    if (minutesLeft === 0) return [word<EnglishWord>('that_is_less_than_one_minute'), word<EnglishWord>('of_calling')];
    const noun: EnglishWord = minutesLeft === 1 ? 'minute' : 'minutes';
    return [word<EnglishWord>('that_is_about'), ...englishNumber(minutesLeft), word(noun), word<EnglishWord>('of_calling')];
  }
  if (minutesLeft === 0) return [word<FrenchWord>('soit_moins_d_une_minute'), word<FrenchWord>('de_communication')];
  const noun: FrenchWord = minutesLeft === 1 ? 'minute' : 'minutes';
  return [word<FrenchWord>('soit_environ'), ...frenchNumber(minutesLeft, 'feminine'), word(noun), word<FrenchWord>('de_communication')];
}
