// Rate deck destinations in the page's language. A carrier names destinations in English ("Morocco
// Mobile", "Morocco Fixed Casablanca", "France Premium 0891"); a French page shows "Maroc mobile",
// "Maroc fixe Casablanca", "France surtaxé 0891": the country in the browser's own words (Intl), the
// carrier's usual qualifiers from the list below, anything else (a city, a range) as written. An English
// page shows the deck's name as is.
import { countryName } from './format.js';

/** Qualifiers carriers put after the country, in French. */
const FRENCH_QUALIFIERS = {
  'special services': 'services spéciaux',
  'shared cost': 'coût partagé',
  'toll free': 'numéro gratuit',
  'non geographic': 'non géographique',
  mobile: 'mobile',
  fixed: 'fixe',
  landline: 'fixe',
  special: 'spécial',
  premium: 'surtaxé',
  satellite: 'satellite',
  personal: 'numéros personnels',
  pager: 'radiomessagerie',
  other: 'autres',
};
const WORDS = { fr: FRENCH_QUALIFIERS };

/** Longest first, so that "special services" wins over "special". */
const QUALIFIERS = Object.keys(FRENCH_QUALIFIERS).sort((a, b) => b.length - a.length);

/**
 * `country` is the ISO code when the API gives it (rates); for a call in the history only the name is
 * known, so the country is found among `countries` (the deck's codes) by its English name.
 */
export function localDestination(destination, language, { country = null, countries = [] } = {}) {
  if (language === 'en' || !destination) return destination;
  const iso = country ?? countryNamed(destination, countries);
  const english = iso ? countryName(iso, 'en') : null;
  if (!english || !startsWithWord(destination, english)) return destination;
  const rest = destination.slice(english.length).replace(/^[\s,–-]+/, '');
  return [countryName(iso, language), ...translateQualifiers(rest, language)].join(' ').trim();
}

/** The country whose English name starts the destination; the longest wins ("Guinea-Bissau" over "Guinea"). */
function countryNamed(destination, countries) {
  let best = null;
  for (const code of countries) {
    const name = countryName(code, 'en');
    if (startsWithWord(destination, name) && (best === null || name.length > best.name.length)) best = { code, name };
  }
  return best?.code ?? null;
}

function startsWithWord(text, prefix) {
  return text.toLowerCase().startsWith(prefix.toLowerCase()) && !/[\p{L}]/u.test(text.charAt(prefix.length));
}

function translateQualifiers(rest, language) {
  const words = [];
  let remaining = rest.trim();
  // Bounded: each turn consumes at least one word of the destination name.
  for (let turn = 0; remaining && turn < 20; turn += 1) {
    const lower = remaining.toLowerCase();
    const qualifier = QUALIFIERS.find((q) => lower.startsWith(q) && !/[\p{L}]/u.test(lower.charAt(q.length)));
    const taken = qualifier ?? remaining.split(/\s+/)[0];
    words.push(qualifier ? WORDS[language]?.[qualifier] ?? qualifier : taken);
    remaining = remaining.slice(taken.length).replace(/^[\s,]+/, '');
  }
  if (remaining) words.push(remaining); // a name longer than 20 words keeps its tail as written
  return words;
}
