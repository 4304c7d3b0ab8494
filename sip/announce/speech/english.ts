// English cardinal numbers, British usage: "and" after hundred (one hundred and five), and before a last
// group below one hundred (one thousand and five, one million and fifty); hyphens inside tens
// (twenty-one); no plural on hundred, thousand, million when counting (two hundred thousand).
import { assertSpeakable, groupsOf } from './numbers';
import { hyphen, word, type Token } from './tokens';
import type { EnglishWord } from './vocabulary';

type EnglishToken = Token<EnglishWord>;

const UNITS: readonly EnglishWord[] = [
  'zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve',
  'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen',
];
const TENS: readonly EnglishWord[] = [
  'zero', 'ten', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety',
];

export function englishNumber(n: number): EnglishToken[] {
  assertSpeakable(n);
  if (n === 0) return [word('zero')];
  const { millions, thousands, rest } = groupsOf(n);
  const tokens: EnglishToken[] = [];
  if (millions > 0) tokens.push(...below1000(millions), word('million'));
  if (thousands > 0) tokens.push(...below1000(thousands), word('thousand'));
  if (rest > 0) {
    if (tokens.length > 0 && rest < 100) tokens.push(word('and'));
    tokens.push(...below1000(rest));
  }
  return tokens;
}

function below1000(n: number): EnglishToken[] {
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  const tokens: EnglishToken[] = [];
  if (hundreds > 0) tokens.push(word(UNITS[hundreds]!), word('hundred'));
  if (hundreds > 0 && rest > 0) tokens.push(word('and'));
  if (rest > 0) tokens.push(...below100(rest));
  return tokens;
}

function below100(n: number): EnglishToken[] {
  if (n < 20) return [word(UNITS[n]!)];
  const tens = TENS[Math.floor(n / 10)]!;
  const units = n % 10;
  return units === 0 ? [word(tens)] : [word(tens), hyphen(UNITS[units]!)];
}
