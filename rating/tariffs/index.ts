// Tariffs: rate decks in Postgres, served from an immutable in-memory longest-prefix index, and the pure
// pricing functions. See README.md beside this file for the CSV format and the billing rules.
export { TariffIndex } from './tariff-index';
export { TariffStore } from './store';
export type { DeckWatch } from './watch';
export { cost, maxDuration, firstGrant, nextGrant, grantMicros, billedSeconds, MAX_CALL_SECONDS, type Grant } from './cost';
export { importDeck, importDeckIfEmpty, DECK_CHANNEL, type ImportOptions, type ImportResult, type ImportIfEmptyResult } from './import';
export { listCountryRates, resolveCountry, countryName } from './country-rates';
export { parseDeck } from './parse-deck';
export { DECK_COLUMNS } from './deck-format';
