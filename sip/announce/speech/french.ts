// French cardinal numbers in the traditional spelling (hyphens inside tens, spaces around cent, mille,
// million): vingt et un, soixante et onze, quatre-vingts, quatre-vingt-un, deux cents, deux cent un,
// mille, deux mille, un million. Grammar rules applied:
// - "et" joins un and onze to vingt..soixante (vingt et un, soixante et onze) but never to quatre-vingt;
// - vingt (in quatre-vingts) and cent take an s when multiplied and ending the number, and also before
//   million(s), which is a noun; not before mille, which is an adjective (deux cent mille);
// - un agrees with a feminine noun (vingt et une livres, une minute), also before mille (trente et une
//   mille livres, the usage Grevisse and the OQLF give), never before million (vingt et un millions).
import { assertSpeakable, groupsOf, type Gender } from './numbers';
import { hyphen, word, type Token } from './tokens';
import type { FrenchWord } from './vocabulary';

type FrenchToken = Token<FrenchWord>;

const UNITS: readonly FrenchWord[] = [
  'zero', 'un', 'deux', 'trois', 'quatre', 'cinq', 'six', 'sept', 'huit', 'neuf', 'dix', 'onze', 'douze',
  'treize', 'quatorze', 'quinze', 'seize', 'dix_sept', 'dix_huit', 'dix_neuf',
];
const TENS: readonly FrenchWord[] = ['zero', 'dix', 'vingt', 'trente', 'quarante', 'cinquante', 'soixante'];

export function frenchNumber(n: number, gender: Gender = 'masculine'): FrenchToken[] {
  assertSpeakable(n);
  if (n === 0) return [word('zero')];
  const { millions, thousands, rest } = groupsOf(n);
  const tokens: FrenchToken[] = [];
  if (millions > 0) {
    tokens.push(...below1000(millions, 'masculine', true), word(millions === 1 ? 'million' : 'millions'));
  }
  if (thousands > 0) {
    if (thousands > 1) tokens.push(...below1000(thousands, gender, false));
    tokens.push(word('mille'));
  }
  if (rest > 0) tokens.push(...below1000(rest, gender, true));
  return tokens;
}

/** `mayTakeS`: whether cent and quatre-vingt may take their plural s here (not before mille). */
function below1000(n: number, gender: Gender, mayTakeS: boolean): FrenchToken[] {
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  const tokens: FrenchToken[] = [];
  if (hundreds > 1) tokens.push(word(UNITS[hundreds]!));
  if (hundreds > 0) tokens.push(word(hundreds > 1 && rest === 0 && mayTakeS ? 'cents' : 'cent'));
  if (rest > 0) tokens.push(...below100(rest, gender, mayTakeS));
  return tokens;
}

function below100(n: number, gender: Gender, mayTakeS: boolean): FrenchToken[] {
  if (n < 20) return [word(unit(n, gender))];
  const tens = Math.floor(n / 10);
  const units = n % 10;
  if (tens >= 8) {
    // 80-99: quatre-vingts, quatre-vingt-un (no "et"), quatre-vingt-dix, quatre-vingt-onze
    const after = (tens - 8) * 10 + units;
    if (after === 0) return [word(mayTakeS ? 'quatre_vingts' : 'quatre_vingt')];
    return [word('quatre_vingt'), hyphen(unit(after, gender))];
  }
  // 70-79 count on from soixante: soixante-dix, soixante et onze, soixante-douze
  const base = tens === 7 ? 'soixante' : TENS[tens]!;
  const after = tens === 7 ? 10 + units : units;
  if (after === 0) return [word(base)];
  if (after === 1 || after === 11) return [word(base), word('et'), word(unit(after, gender))];
  return [word(base), hyphen(unit(after, gender))];
}

function unit(n: number, gender: Gender): FrenchWord {
  if (n === 1 && gender === 'feminine') return 'une';
  const name = UNITS[n];
  if (name === undefined) throw new RangeError(`not a unit below 20: ${n}`);
  return name;
}
