// Rates over HTTP: a country's every destination, one number's class and rate, input validation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './http-harness';

let harness: Harness;
let auth: { authorization: string };

beforeAll(async () => {
  harness = await createHarness();
  const key = await harness.keys.create({ role: 'operator', accountId: null, label: 'rates' });
  auth = { authorization: `Bearer ${key.secret}` };
});

afterAll(async () => {
  await harness?.close();
});

const get = (url: string) => harness.app.inject({ method: 'GET', url, headers: auth });

describe('rates of a country', () => {
  it('lists the countries of the deck', async () => {
    const response = await get('/api/v1/rates/countries');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ currency: 'EUR', countries: ['DE', 'FR', 'MA', 'SN', 'US'] });
  });

  it('lists every destination of a country with fixed, mobile and special kinds, amounts as strings', async () => {
    const response = await get('/api/v1/rates/countries/ma');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.country).toBe('MA');
    expect(body.rates.map((r: { prefix: string }) => r.prefix).sort()).toEqual(['212', '2125', '2126', '2127', '2128']);
    const mobile = body.rates.find((r: { prefix: string }) => r.prefix === '2126');
    expect(mobile).toMatchObject({
      destination: 'Morocco Mobile', kind: 'mobile', per_minute: '0.45', per_minute_micros: '450000',
      connect_fee: '0.02', connect_fee_micros: '20000', initial_increment_seconds: 30, subsequent_increment_seconds: 6,
    });
    expect(body.rates.find((r: { prefix: string }) => r.prefix === '2128').kind).toBe('special');
    expect(body.rates.find((r: { prefix: string }) => r.prefix === '2125').kind).toBe('fixed');
    expect(typeof mobile.per_minute).toBe('string');
  });

  it('accepts a country name in French or English', async () => {
    expect((await get('/api/v1/rates/countries/Maroc')).json().country).toBe('MA');
    expect((await get('/api/v1/rates/countries/Senegal')).json().rates).toHaveLength(1);
  });

  it('answers 404 UNKNOWN_COUNTRY for something that is not a country, and an empty list for a country without rates', async () => {
    const unknown = await get('/api/v1/rates/countries/Atlantis');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('UNKNOWN_COUNTRY');
    const empty = await get('/api/v1/rates/countries/JP');
    expect(empty.statusCode).toBe(200);
    expect(empty.json().rates).toEqual([]);
  });
});

describe('rate of one number', () => {
  it('prices an international mobile by its longest prefix', async () => {
    const response = await get(`/api/v1/rates/number?number=${encodeURIComponent('+212 6 12 34 56 78')}`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      class: 'INTERNATIONAL', e164: '+212612345678', country: 'MA', charged: true,
      rate: { prefix: '2126', per_minute_micros: '450000' },
    });
  });

  it('says an included or emergency number is not charged, with no rate', async () => {
    expect((await get('/api/v1/rates/number?number=0612345678')).json()).toMatchObject({ class: 'INCLUDED', charged: false, rate: null });
    expect((await get('/api/v1/rates/number?number=112')).json()).toMatchObject({ class: 'EMERGENCY', charged: false, rate: null });
  });

  it('prices a French premium number from the deck', async () => {
    const body = (await get('/api/v1/rates/number?number=0891701234')).json();
    expect(body).toMatchObject({ class: 'PREMIUM', charged: true, rate: { prefix: '33891' } });
  });

  it('refuses letters and missing numbers with 400 BAD_INPUT', async () => {
    for (const url of ['/api/v1/rates/number?number=abc', '/api/v1/rates/number', `/api/v1/rates/number?number=${'1'.repeat(65)}`]) {
      const response = await get(url);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('BAD_INPUT');
    }
  });

});
