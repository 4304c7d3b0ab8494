// Display of amounts from the API's micro-unit strings, with BigInt only: no amount ever becomes a float.
// Balances round down to the cent (what the customer really has); prices round up (never hide a part).

const SYMBOLS = { EUR: '€', GBP: '£', USD: '$', CHF: 'CHF' };

export function formatMicros(microsText, currency, language, { decimals = 2, maxDecimals = decimals, up = false } = {}) {
  const micros = BigInt(microsText);
  const negative = micros < 0n;
  const abs = negative ? -micros : micros;
  const step = 10n ** BigInt(6 - maxDecimals);
  const rounded = up ? (abs + step - 1n) / step : abs / step;
  const scale = 10n ** BigInt(maxDecimals);
  let fraction = (rounded % scale).toString().padStart(maxDecimals, '0');
  while (fraction.length > decimals && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  const units = (rounded / scale).toString().replace(/\B(?=(\d{3})+(?!\d))/g, language === 'fr' ? '\u202f' : ',');
  const number = fraction ? `${units}${language === 'fr' ? ',' : '.'}${fraction}` : units;
  const symbol = SYMBOLS[currency] ?? currency;
  const sign = negative && rounded > 0n ? '-' : '';
  return language === 'fr' ? `${sign}${number}\u00a0${symbol}` : `${sign}${symbol}${number}`;
}

/** A per-minute price: at least 2 decimals, up to 4, rounded up. */
export function formatRate(microsText, currency, language) {
  return formatMicros(microsText, currency, language, { decimals: 2, maxDecimals: 4, up: true });
}

export function formatDuration(seconds) {
  const minutes = Math.floor(seconds / 60);
  if (minutes === 0) return `${seconds}\u00a0s`;
  return `${minutes}\u00a0min\u00a0${String(seconds % 60).padStart(2, '0')}\u00a0s`;
}

export function formatDate(iso, language) {
  return new Intl.DateTimeFormat(language === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

export function countryName(iso, language) {
  try {
    return new Intl.DisplayNames([language], { type: 'region' }).of(iso) ?? iso;
  } catch {
    return iso;
  }
}
