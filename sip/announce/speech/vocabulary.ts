// Every word and phrase Solde can say, per language: the prompt name (a file name, ASCII) and its text.
// One source for three uses: the speller emits prompt names, the text rendering of a message reads the
// text here, and scripts/gen-prompts.ts speaks this text with espeak-ng to make the prompt files. An
// operator replacing the files with studio recordings records exactly these texts under these names.

export type Language = 'fr' | 'en';
export const LANGUAGES: readonly Language[] = ['fr', 'en'];

export const FRENCH = {
  // numbers: units 0-19, tens, and the words that build every number up to 999 999 999
  zero: 'zéro', un: 'un', une: 'une', deux: 'deux', trois: 'trois', quatre: 'quatre', cinq: 'cinq',
  six: 'six', sept: 'sept', huit: 'huit', neuf: 'neuf', dix: 'dix', onze: 'onze', douze: 'douze',
  treize: 'treize', quatorze: 'quatorze', quinze: 'quinze', seize: 'seize', dix_sept: 'dix-sept',
  dix_huit: 'dix-huit', dix_neuf: 'dix-neuf', vingt: 'vingt', trente: 'trente', quarante: 'quarante',
  cinquante: 'cinquante', soixante: 'soixante', quatre_vingt: 'quatre-vingt', quatre_vingts: 'quatre-vingts',
  et: 'et', cent: 'cent', cents: 'cents', mille: 'mille', million: 'million', millions: 'millions',
  moins: 'moins',
  // currencies
  euro: 'euro', euros: 'euros', d_euros: "d'euros", centime: 'centime', centimes: 'centimes',
  livre: 'livre', livres: 'livres', de_livres: 'de livres', penny: 'penny', pence: 'pence',
  franc: 'franc', francs: 'francs', de_francs: 'de francs',
  // durations
  minute: 'minute', minutes: 'minutes', seconde: 'seconde', secondes: 'secondes',
  // message phrases
  votre_solde_est_de: 'Votre solde est de',
  votre_solde_est_d_un: "Votre solde est d'un",
  votre_solde_est_d_une: "Votre solde est d'une",
  solde_insuffisant: 'Votre solde est insuffisant pour cet appel',
  soit_environ: 'Soit environ',
  soit_moins_d_une_minute: "Soit moins d'une minute",
  de_communication: 'de communication',
  credit_epuise_dans: 'Attention, votre crédit sera épuisé dans',
} as const;

export const ENGLISH = {
  zero: 'zero', one: 'one', two: 'two', three: 'three', four: 'four', five: 'five', six: 'six',
  seven: 'seven', eight: 'eight', nine: 'nine', ten: 'ten', eleven: 'eleven', twelve: 'twelve',
  thirteen: 'thirteen', fourteen: 'fourteen', fifteen: 'fifteen', sixteen: 'sixteen',
  seventeen: 'seventeen', eighteen: 'eighteen', nineteen: 'nineteen', twenty: 'twenty', thirty: 'thirty',
  forty: 'forty', fifty: 'fifty', sixty: 'sixty', seventy: 'seventy', eighty: 'eighty', ninety: 'ninety',
  hundred: 'hundred', thousand: 'thousand', million: 'million', and: 'and', minus: 'minus',
  euro: 'euro', euros: 'euros', cent: 'cent', cents: 'cents', pound: 'pound', pounds: 'pounds',
  penny: 'penny', pence: 'pence', franc: 'franc', francs: 'francs', centime: 'centime', centimes: 'centimes',
  minute: 'minute', minutes: 'minutes', second: 'second', seconds: 'seconds',
  your_balance_is: 'Your balance is',
  balance_too_low: 'Your balance is too low for this call',
  that_is_about: 'That is about',
  that_is_less_than_one_minute: 'That is less than one minute',
  of_calling: 'of calling',
  credit_runs_out_in: 'Warning, your credit will run out in',
} as const;

export type FrenchWord = keyof typeof FRENCH;
export type EnglishWord = keyof typeof ENGLISH;

export const VOCABULARY: Readonly<Record<Language, Readonly<Record<string, string>>>> = { fr: FRENCH, en: ENGLISH };

/** Prompt names of a language, in a stable order: the files a prompt set must hold. */
export function promptNames(lang: Language): string[] {
  return Object.keys(VOCABULARY[lang]);
}
