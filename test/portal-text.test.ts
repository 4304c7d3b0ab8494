// The portal's words and amounts, outside the browser: both languages have every sentence, every page
// element has its sentence, every error the API can answer has a sentence of its own, and amounts are
// formatted from micro-unit strings exactly (balances down to the cent, prices up).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../core/errors';
import { errorText, stoppedText, t, TEXT } from '../src/portal/i18n.js';
import { formatDuration, formatMicros, formatRate } from '../src/portal/format.js';
import { localDestination } from '../src/portal/destination.js';

// Every code the server can answer with is translated by code in the page, so that a French page never
// shows the server's English message (issue 16): a new code needs its two sentences in i18n.js.
const PORTAL_ERRORS = Object.keys(ERROR_CODES);

describe('portal words', () => {
  it('has the same sentences in French and English, none empty', () => {
    expect(Object.keys(TEXT.fr).sort()).toEqual(Object.keys(TEXT.en).sort());
    for (const language of ['fr', 'en'] as const) {
      for (const [key, text] of Object.entries(TEXT[language])) expect(text.trim(), `${language} ${key}`).not.toBe('');
    }
  });

  it('has a sentence for every data-i18n element of the page', () => {
    const html = readFileSync('src/portal/index.html', 'utf8');
    const keys = [...html.matchAll(/data-i18n="([^"]+)"/g)].map((m) => m[1]!);
    expect(keys.length).toBeGreaterThan(40);
    for (const key of keys) expect(TEXT.en[key], key).toBeDefined();
  });

  it('explains every error code of src/errors.ts in its own words in both languages, and unknown codes generically', () => {
    for (const code of PORTAL_ERRORS) {
      expect(Object.keys(ERROR_CODES)).toContain(code);
      for (const language of ['fr', 'en']) expect(errorText(language, code), `${language} ${code}`).not.toBe(errorText(language, 'SOMETHING_NEW'));
      expect(errorText('fr', code), code).not.toBe(errorText('en', code));
    }
    expect(errorText('fr', 'SOMETHING_NEW')).toBe(TEXT.fr['error.OTHER']);
  });

  it('names rate destinations in French from the deck\'s English names, and leaves English pages as the deck says', () => {
    const countries = ['MA', 'GN', 'GW', 'FR', 'US'];
    expect(localDestination('Morocco Mobile', 'fr', { country: 'MA' })).toBe('Maroc mobile');
    expect(localDestination('Morocco Fixed Casablanca', 'fr', { countries })).toBe('Maroc fixe Casablanca');
    expect(localDestination('Morocco Special Services', 'fr', { countries })).toBe('Maroc services spéciaux');
    expect(localDestination('France Premium 0891', 'fr', { countries })).toBe('France surtaxé 0891');
    expect(localDestination('Guinea-Bissau mobile', 'fr', { countries })).toBe('Guinée-Bissau mobile');
    expect(localDestination('Atlantis Mobile', 'fr', { countries })).toBe('Atlantis Mobile');
    expect(localDestination('Morocco Mobile', 'en', { country: 'MA' })).toBe('Morocco Mobile');
  });

  it('says why auto-recharge stopped in the page\'s language, never with the server\'s English reason', () => {
    expect(stoppedText('fr', 'card 0002: declined')).toContain('0002 a été refusée');
    expect(stoppedText('en', 'no card on file')).toContain('there is no card on file');
    expect(stoppedText('fr', 'something new')).toBe(TEXT.fr['settings.stopped']);
  });

  it('fills placeholders', () => {
    expect(t('en', 'topup.card', { brand: 'Visa', last4: '4242' })).toBe('The amount will be charged to the Visa card ending in 4242.');
  });
});

describe('portal amounts', () => {
  it('shows balances rounded down to the cent in each language', () => {
    expect(formatMicros('12345678', 'EUR', 'fr')).toBe('12,34\u00a0€');
    expect(formatMicros('12345678', 'EUR', 'en')).toBe('€12.34');
    expect(formatMicros('1234567890000', 'EUR', 'fr')).toBe('1\u202f234\u202f567,89\u00a0€');
    expect(formatMicros('-450000', 'EUR', 'en')).toBe('-€0.45');
    expect(formatMicros('9999', 'EUR', 'en')).toBe('€0.00');
  });

  it('shows prices rounded up, with up to 4 decimals', () => {
    expect(formatRate('450000', 'EUR', 'fr')).toBe('0,45\u00a0€');
    expect(formatRate('123450', 'EUR', 'en')).toBe('€0.1235');
    expect(formatRate('123401', 'EUR', 'en')).toBe('€0.1235');
    expect(formatRate('100000', 'EUR', 'en')).toBe('€0.10');
  });

  it('never goes through a float, even beyond 2^53 micro-units', () => {
    expect(formatMicros('9007199254740993', 'EUR', 'en')).toBe('€9,007,199,254.74');
  });

  it('shows durations in minutes and seconds', () => {
    expect(formatDuration(59)).toBe('59\u00a0s');
    expect(formatDuration(61)).toBe('1\u00a0min\u00a001\u00a0s');
  });
});
