// The portal's words and amounts, outside the browser: both languages have every sentence, every page
// element has its sentence, every error the API can answer has a sentence of its own, and amounts are
// formatted from micro-unit strings exactly (balances down to the cent, prices up).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../src/errors';
import { errorText, t, TEXT } from '../src/portal/i18n.js';
import { formatDuration, formatMicros, formatRate } from '../src/portal/format.js';

// Codes a portal user can meet; others (BAD_CSV, CURRENCY_MISMATCH...) come from operator routes or never reach it.
const PORTAL_ERRORS = ['UNAUTHENTICATED', 'RATE_LIMITED', 'FORBIDDEN', 'NOT_PREDEFINED_AMOUNT', 'NO_PAYMENT_METHOD', 'PAYMENT_DECLINED',
  'PAYMENT_UNAVAILABLE', 'IDEMPOTENCY_CONFLICT', 'BAD_NUMBER', 'UNKNOWN_COUNTRY', 'REDIS_UNAVAILABLE', 'POSTGRES_UNAVAILABLE',
  'FUNDS_IN_USE', 'ALREADY_REVERSED', 'NOT_REVERSIBLE', 'BAD_INPUT', 'PAYMENT_NEEDS_AUTHENTICATION', 'PAYMENTS_NOT_CONFIGURED', 'UNKNOWN_PAYMENT'] as const;

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

  it('explains every error a portal user can meet in its own words, and unknown codes generically', () => {
    for (const code of PORTAL_ERRORS) {
      expect(Object.keys(ERROR_CODES)).toContain(code);
      for (const language of ['fr', 'en']) expect(errorText(language, code)).not.toBe(errorText(language, 'SOMETHING_NEW'));
    }
    expect(errorText('fr', 'SOMETHING_NEW')).toBe(TEXT.fr['error.OTHER']);
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
