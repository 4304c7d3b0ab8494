// Operator routes: tenants, keys, rate decks (all or nothing, picked up by the in-memory index at once).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DECK_COLUMNS } from '../rating/tariffs';
import { createHarness, TEST_DECK, type Harness } from './http-harness';

let h: Harness;
let operator: { authorization: string };

beforeAll(async () => {
  h = await createHarness();
  operator = await h.headersFor('operator');
});

afterAll(async () => {
  await h?.close();
});

const inject = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object, headers = operator) =>
  h.app.inject({ method, url: `/api/v1${url}`, headers, payload });

describe('tenants and keys', () => {
  it('creates a tenant, issues its admin key that works at once, and revokes it', async () => {
    const created = await inject('POST', '/accounts', { id: 'garage-dupont', name: 'Garage Dupont', language: 'fr' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ id: 'garage-dupont', currency: 'EUR', card: null, topup_amounts: [{ amount: '10' }, { amount: '20' }, { amount: '50' }, { amount: '100' }] });
    expect((await inject('POST', '/accounts', { id: 'garage-dupont', name: 'Again' })).statusCode).toBe(409);
    expect((await inject('POST', '/accounts', { id: 'Bad Id!', name: 'x' })).statusCode).toBe(400);

    const issued = await inject('POST', '/keys', { role: 'account-admin', account_id: 'garage-dupont', label: 'Dupont portal' });
    expect(issued.statusCode).toBe(201);
    const { key, id } = issued.json();
    const asTenant = { authorization: `Bearer ${key}` };
    expect((await inject('GET', '/accounts/garage-dupont/balance', undefined, asTenant)).json().balance).toBe('0');
    const listed = (await inject('GET', '/keys')).json().keys.find((k: { id: string }) => k.id === id);
    expect(listed).toMatchObject({ role: 'account-admin', account_id: 'garage-dupont', label: 'Dupont portal', revoked_at: null });
    expect(key.startsWith(listed.hint)).toBe(true);
    expect(JSON.stringify((await inject('GET', '/keys')).json())).not.toContain(key);
    expect((await inject('DELETE', `/keys/${id}`)).json()).toEqual({ revoked: true });
    expect((await inject('GET', '/accounts/garage-dupont/balance', undefined, asTenant)).statusCode).toBe(401);
  });

  it('refuses an account-admin key without a known account, and a support key bound to one', async () => {
    expect((await inject('POST', '/keys', { role: 'account-admin', label: 'x' })).json().error.code).toBe('BAD_INPUT');
    expect((await inject('POST', '/keys', { role: 'account-admin', account_id: 'nobody', label: 'x' })).json().error.code).toBe('UNKNOWN_ACCOUNT');
    expect((await inject('POST', '/keys', { role: 'support', account_id: 'garage-dupont', label: 'x' })).statusCode).toBe(400);
    expect((await inject('POST', '/keys', { role: 'root', label: 'x' })).statusCode).toBe(400);
  });

  it('creates accounts only in currencies the announcements can say, and the API document names them', async () => {
    const xyz = await inject('POST', '/accounts', { id: 'zed-co', name: 'Zed', currency: 'XYZ' });
    expect(xyz.statusCode).toBe(400);
    expect(xyz.json().error.code).toBe('BAD_INPUT');
    expect((await inject('GET', '/accounts?limit=100')).json().accounts.map((a: { id: string }) => a.id)).not.toContain('zed-co');
    expect((await inject('POST', '/accounts', { id: 'pound-co', name: 'Pound', currency: 'GBP' })).statusCode).toBe(201);
    const openapi = (await h.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(JSON.stringify(openapi.paths['/api/v1/accounts'].post.requestBody)).toContain('"enum":["EUR","GBP","CHF"]');
  });

  it('lists tenants a page at a time', async () => {
    await inject('POST', '/accounts', { id: 'boulangerie', name: 'Boulangerie' });
    const first = (await inject('GET', '/accounts?limit=1')).json();
    expect(first.accounts.map((a: { id: string }) => a.id)).toEqual(['boulangerie']);
    const second = (await inject('GET', `/accounts?limit=1&after=${first.next_after}`)).json();
    expect(second.accounts.map((a: { id: string }) => a.id)).toEqual(['garage-dupont']);
  });
});

describe('rate decks', () => {
  const post = (csv: string) => h.app.inject({ method: 'POST', url: '/api/v1/rate-decks', headers: { ...operator, 'content-type': 'text/csv' }, payload: csv });

  it('refuses a deck with a bad line, naming the line, and keeps the deck in force', async () => {
    const bad = `${TEST_DECK}99,ZZ,Nowhere,abc,0,60,60,0\n`;
    const response = await post(bad);
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'BAD_CSV', message: expect.stringContaining('line 11') });
    expect((await inject('GET', '/rates/countries')).json().countries).toContain('MA');
  });

  it('imports a new deck and serves it at once', async () => {
    const deck = `${DECK_COLUMNS.join(',')}\n81,JP,Japan,0.07,0,60,60,0\n8190,JP,Japan Mobile,0.15,0,60,60,0\n`;
    const response = await post(deck);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'imported', rows: 2 });
    expect((await inject('GET', '/rates/countries')).json().countries).toEqual(['JP']);
    expect((await inject('GET', '/rates/countries/JP')).json().rates.map((r: { kind: string }) => r.kind)).toEqual(['fixed', 'mobile']);
    expect((await post(deck)).json().status).toBe('unchanged');
  });

  it('refuses an empty body', async () => {
    expect((await post('')).statusCode).toBe(400);
  });

  it('accepts a deck far larger than any JSON request (a 20k-line CSV)', async () => {
    const lines = [DECK_COLUMNS.join(',')];
    for (let i = 0; i < 20_000; i += 1) lines.push(`1${String(i).padStart(6, '0')},US,United States zone ${i},0.01,0,60,60,0`);
    const response = await post(`${lines.join('\n')}\n`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().rows).toBe(20_000);
  });

  it('refuses an oversized JSON body with 413 BODY_TOO_LARGE', async () => {
    const response = await inject('POST', '/accounts', { id: 'big', name: 'x'.repeat(100_000) });
    expect(response.statusCode).toBe(413);
    expect(response.json().error).toMatchObject({ code: 'BODY_TOO_LARGE', message: expect.stringMatching(/too large/i) });
  });
});
