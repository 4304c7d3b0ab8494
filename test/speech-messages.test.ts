// The messages callers hear, as written text: balance (with the time it buys), insufficient, low funds.
import { describe, expect, it } from 'vitest';
import { parseAmount } from '../rating/money';
import {
  balanceMessage, chooseLanguage, insufficientMessage, lowFundsMessage, messageText,
} from '../sip/announce/speech/index';
import { isSoldeError } from '../core/errors';

const eur = (amount: string): bigint => parseAmount(amount);

describe('balance message', () => {
  it.each([
    ['fr', '12.50', undefined, 'Votre solde est de douze euros cinquante.'],
    ['fr', '1', undefined, "Votre solde est d'un euro."],
    ['fr', '0.01', undefined, "Votre solde est d'un centime."],
    ['fr', '1000000', undefined, "Votre solde est d'un million d'euros."],
    ['fr', '11', undefined, 'Votre solde est de onze euros.'],
    ['fr', '0', undefined, 'Votre solde est de zéro euro.'],
    ['fr', '12.50', 12, 'Votre solde est de douze euros cinquante. Soit environ douze minutes de communication.'],
    ['fr', '3', 1, 'Votre solde est de trois euros. Soit environ une minute de communication.'],
    ['fr', '3', 21, 'Votre solde est de trois euros. Soit environ vingt et une minutes de communication.'],
    ['fr', '0.05', 0, "Votre solde est de cinq centimes. Soit moins d'une minute de communication."],
    ['en', '12.50', undefined, 'Your balance is twelve euros and fifty cents.'],
    ['en', '12.50', 12, 'Your balance is twelve euros and fifty cents. That is about twelve minutes of calling.'],
    ['en', '3', 1, 'Your balance is three euros. That is about one minute of calling.'],
    ['en', '0.05', 0, 'Your balance is five cents. That is less than one minute of calling.'],
  ] as const)('%s %s EUR (%s min): %s', (lang, amount, minutes, text) => {
    expect(messageText(balanceMessage(lang, eur(amount), 'EUR', minutes))).toBe(text);
  });

  it('elides de before une (a feminine currency)', () => {
    expect(messageText(balanceMessage('fr', eur('1.20'), 'GBP'))).toBe("Votre solde est d'une livre vingt.");
  });

  it('refuses a currency it cannot say, and amounts beyond its words', () => {
    const refused = (run: () => unknown, code: 'UNSUPPORTED_CURRENCY' | 'BAD_AMOUNT'): void => {
      try {
        run();
        expect.unreachable('should have thrown');
      } catch (error) {
        expect(isSoldeError(error, code), String(error)).toBe(true);
      }
    };
    refused(() => balanceMessage('fr', eur('5'), 'USD'), 'UNSUPPORTED_CURRENCY');
    refused(() => balanceMessage('en', eur('5'), 'eur'), 'UNSUPPORTED_CURRENCY');
    refused(() => balanceMessage('fr', eur('1000000000'), 'EUR'), 'BAD_AMOUNT');
  });

  it('treats a wrong argument as a bug', () => {
    expect(() => balanceMessage('fr', 5 as unknown as bigint, 'EUR')).toThrow(TypeError);
    expect(() => balanceMessage('fr', eur('5'), 'EUR', -1)).toThrow(RangeError);
    expect(() => balanceMessage('fr', eur('5'), 'EUR', Number.NaN)).toThrow(RangeError);
    expect(() => balanceMessage('fr', eur('5'), 'EUR', Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it('rounds the minutes left down: never promises more than the balance buys', () => {
    expect(messageText(balanceMessage('fr', eur('5'), 'EUR', 2.99))).toBe(
      'Votre solde est de cinq euros. Soit environ deux minutes de communication.',
    );
    expect(messageText(balanceMessage('en', eur('5'), 'EUR', 0.5))).toBe(
      'Your balance is five euros. That is less than one minute of calling.',
    );
  });
});

describe('insufficient balance message', () => {
  it.each([
    ['fr', '0.40', 'Votre solde est insuffisant pour cet appel. Votre solde est de quarante centimes.'],
    ['fr', '-0.10', 'Votre solde est insuffisant pour cet appel. Votre solde est de moins dix centimes.'],
    ['en', '0.40', 'Your balance is too low for this call. Your balance is forty cents.'],
    ['en', '0', 'Your balance is too low for this call. Your balance is zero euros.'],
  ] as const)('%s %s EUR: %s', (lang, amount, text) => {
    expect(messageText(insufficientMessage(lang, eur(amount), 'EUR'))).toBe(text);
  });
});

describe('funds running out message', () => {
  it.each([
    ['fr', 30, 'Attention, votre crédit sera épuisé dans trente secondes.'],
    ['fr', 1, 'Attention, votre crédit sera épuisé dans une seconde.'],
    ['fr', 60, 'Attention, votre crédit sera épuisé dans une minute.'],
    ['fr', 90, 'Attention, votre crédit sera épuisé dans une minute et trente secondes.'],
    ['fr', 121, 'Attention, votre crédit sera épuisé dans deux minutes et une seconde.'],
    ['en', 30, 'Warning, your credit will run out in thirty seconds.'],
    ['en', 1, 'Warning, your credit will run out in one second.'],
    ['en', 60, 'Warning, your credit will run out in one minute.'],
    ['en', 135, 'Warning, your credit will run out in two minutes and fifteen seconds.'],
  ] as const)('%s %i s: %s', (lang, seconds, text) => {
    expect(messageText(lowFundsMessage(lang, seconds))).toBe(text);
  });

  it('rounds the time left down, and refuses a warning of under a second or more than a day', () => {
    expect(messageText(lowFundsMessage('en', 30.9))).toBe('Warning, your credit will run out in thirty seconds.');
    for (const seconds of [0, 0.9, -5, 86_401, Number.NaN]) expect(() => lowFundsMessage('fr', seconds)).toThrow(RangeError);
  });
});

describe('language of the account', () => {
  it.each([
    ['en', 'en'], ['EN-gb', 'en'], ['en_US', 'en'], ['fr', 'fr'], ['fr-CA', 'fr'],
    ['de', 'fr'], ['english', 'fr'], ['', 'fr'], [null, 'fr'], [undefined, 'fr'],
  ] as const)('%s speaks %s (French by default)', (accountLanguage, lang) => {
    expect(chooseLanguage(accountLanguage)).toBe(lang);
  });
});
