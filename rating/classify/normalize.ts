// Turns what a PBX user dialled into bare digits, remembering whether it was dialled in international form
// (+ or 00). One pass over the characters, no regular expression, so that refusing garbage costs as little
// as accepting a number. Nothing here knows any numbering plan.

/** Longer input than this is refused before it is even scanned: no dialled string is that long. */
export const MAX_DIALLED_CHARS = 64;
/** E.164 allows at most 15 digits (country code included). */
export const MAX_E164_DIGITS = 15;
/** The longest French national number: 0 + 9 digits. */
export const MAX_NATIONAL_DIGITS = 10;

export type Dialled =
  | { readonly kind: 'national'; readonly digits: string }
  /** Country code + national significant number, without '+' or '00'. */
  | { readonly kind: 'international'; readonly digits: string }
  | { readonly kind: 'invalid'; readonly rule: string };

const CODE_0 = 48;
const CODE_9 = 57;

function isSeparator(code: number): boolean {
  // space, tab, '-', '.', '/', '(', ')', no-break space, narrow no-break space
  return code === 32 || code === 9 || code === 45 || code === 46 || code === 47 || code === 40 || code === 41 ||
    code === 0xa0 || code === 0x202f;
}

function invalid(rule: string): Dialled {
  return { kind: 'invalid', rule };
}

export function normalizeDialled(dialled: unknown): Dialled {
  if (typeof dialled !== 'string') return invalid('invalid:not-a-string');
  if (dialled.length > MAX_DIALLED_CHARS) return invalid('invalid:too-long');
  let text = dialled.trim();
  if (text === '') return invalid('invalid:empty');

  const plus = text.charCodeAt(0) === 43; // '+'
  // "+44 (0)20 7946 0018": the "(0)" is the national trunk prefix written for national callers; drop it.
  if (plus || text.startsWith('00')) text = text.replace('(0)', '');

  let digits = '';
  for (let i = plus ? 1 : 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= CODE_0 && code <= CODE_9) digits += text[i];
    else if (!isSeparator(code)) return invalid('invalid:characters');
  }
  if (digits === '') return invalid(plus ? 'invalid:too-short' : 'invalid:characters');

  if (plus) return international(digits);
  if (digits.startsWith('00')) return international(digits.slice(2));
  if (digits.length > MAX_NATIONAL_DIGITS) return invalid('invalid:too-long');
  return { kind: 'national', digits };
}

function international(digits: string): Dialled {
  if (digits === '') return invalid('invalid:too-short');
  if (digits.charCodeAt(0) === CODE_0) return invalid('invalid:not-a-number'); // no country code starts with 0
  if (digits.length > MAX_E164_DIGITS) return invalid('invalid:too-long');
  return { kind: 'international', digits };
}
