// Rate deck destinations in the page's language. A carrier names destinations in English ("Morocco
// Mobile", "Morocco Fixed Casablanca", "France Premium 0891"); a French page shows "Maroc mobile",
// "Maroc fixe Casablanca", "France surtaxé 0891": the country in the browser's own words (Intl), the
// carrier's usual qualifiers from the dictionary (i18n.js, keys dest.*), anything else (a city, a range)
// as written. An English page shows the deck's name as is.
import { t, TEXT } from './i18n.js';
import { countryName } from './format.js';

/** Qualifiers a carrier puts after the country, longest first so that "special services" wins over "special". */
const QUALIFIERS = Object.keys(TEXT.en).filter((key) => key.startsWith('dest.')).map((key) => key.slice(5))
  .sort((a, b) => b.length - a.length);

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
    words.push(qualifier ? t(language, `dest.${qualifier}`) : taken);
    remaining = remaining.slice(taken.length).replace(/^[\s,]+/, '');
  }
  return words;
}
