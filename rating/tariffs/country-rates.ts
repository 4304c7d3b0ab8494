// The portal's per-country listing, and turning what a person types ("MA", "ma", "Morocco", "Maroc")
// into an ISO code.
import { getCountries } from 'libphonenumber-js/max';
import type { Tariff } from '../contracts';
import type { TariffIndex } from './tariff-index';

/** All rates of a country, sorted by destination then prefix. Empty when the deck has none. */
export function listCountryRates(index: TariffIndex, iso: string): Tariff[] {
  return index.byCountry(iso);
}

const NAMES = buildNameTable();

/** ISO alpha-2 code of a country given by code or by English or French name; undefined when unknown. */
export function resolveCountry(text: string): string | undefined {
  const trimmed = text.trim();
  if (/^[A-Za-z]{2}$/.test(trimmed)) {
    const iso = trimmed.toUpperCase();
    return NAMES.codes.has(iso) ? iso : undefined;
  }
  return NAMES.byName.get(normalise(trimmed));
}

/** English name of a country code, for listings. */
export function countryName(iso: string): string {
  return NAMES.english.of(iso) ?? iso;
}

function buildNameTable() {
  const codes = new Set<string>(getCountries());
  const english = new Intl.DisplayNames(['en'], { type: 'region' });
  const french = new Intl.DisplayNames(['fr'], { type: 'region' });
  const byName = new Map<string, string>();
  for (const code of codes) {
    for (const names of [english, french]) {
      const name = names.of(code);
      if (name && name !== code) byName.set(normalise(name), code);
    }
  }
  return { codes, english, byName };
}

function normalise(name: string): string {
  return name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
}
