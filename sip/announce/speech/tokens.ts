// A spoken phrase is a list of tokens: a prompt name (a word of the vocabulary) and how it joins the
// previous word in writing. The glue also tells assembly how long a pause to leave: none to speak of
// inside a hyphenated number ("quatre-vingt-onze"), a short one between words.
import { VOCABULARY, type Language } from './vocabulary';

export type Glue = ' ' | '-';

export interface Token<W extends string = string> {
  readonly prompt: W;
  readonly glue: Glue;
}

export function word<W extends string>(prompt: W): Token<W> {
  return { prompt, glue: ' ' };
}

export function hyphen<W extends string>(prompt: W): Token<W> {
  return { prompt, glue: '-' };
}

/** Writes a phrase out: "quatre-vingt-onze euros". Unknown prompt names are a bug and throw. */
export function renderPhrase(lang: Language, tokens: readonly Token[]): string {
  let text = '';
  for (const [index, token] of tokens.entries()) {
    const written = VOCABULARY[lang][token.prompt];
    if (written === undefined) throw new Error(`prompt ${JSON.stringify(token.prompt)} is not in the ${lang} vocabulary`);
    text += index === 0 ? written : token.glue + written;
  }
  return text;
}
