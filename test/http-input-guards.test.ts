// What the HTTP side refuses before any route runs, with the coded error body: a key in the URL (never
// logged, even refused), a body over the limit (413), a content type the route does not take (415).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { urlForLog } from '../src/http/auth/url-keys';
import { createHarness, type Harness } from './http-harness';

let h: Harness;
let admin: { authorization: string };
let secret: string;

beforeAll(async () => {
  h = await createHarness();
  await h.createTenant('acme');
  admin = await h.headersFor('account-admin', 'acme');
  secret = admin.authorization.slice('Bearer '.length);
});

afterAll(async () => {
  await h?.close();
});

describe('keys in URLs', () => {
  it.each([
    ['?api_key=', (key: string) => `/api/v1/me?api_key=${key}`],
    ['?token=', (key: string) => `/api/v1/rates/countries?token=${key}`],
    ['?key= on a public page', (key: string) => `/portal/?key=${key}`],
    ['a key under any name', (key: string) => `/api/v1/rates/number?number=0044201234567&x=${key}`],
  ])('refuses %s with KEY_IN_URL, even a valid key, and never logs it', async (_what, urlOf) => {
    const before = h.logLines.length;
    const response = await h.app.inject({ method: 'GET', url: urlOf(secret), remoteAddress: '10.7.0.1' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('KEY_IN_URL');
    expect(response.json().error.message).toContain('Authorization: Bearer');
    expect(response.body).not.toContain(secret);
    const logged = h.logLines.slice(before).join('\n');
    expect(logged).toContain('incoming request');
    expect(logged).toContain('[redacted]');
    expect(logged).not.toContain(secret);
    expect(logged).not.toContain(secret.slice(3, 20));
  });

  it('still serves a query without a key, and logs it as sent', async () => {
    const before = h.logLines.length;
    const response = await h.app.inject({ method: 'GET', url: '/api/v1/rates/number?number=0044201234567', headers: admin });
    expect(response.statusCode).not.toBe(400);
    expect(h.logLines.slice(before).join('\n')).toContain('number=0044201234567');
  });

  it('redacts only the key-carrying parameters of a logged URL', () => {
    expect(urlForLog('/a?x=1&api_key=sk_abcdefghijkl&y=2')).toBe('/a?x=1&api_key=[redacted]&y=2');
    expect(urlForLog('/a?note=sk_abcdefghijkl')).toBe('/a?note=[redacted]');
    expect(urlForLog('/a?x=1')).toBe('/a?x=1');
  });
});

describe('bodies', () => {
  it('answers 413 BODY_TOO_LARGE to a 10 MB body, and nothing is credited', async () => {
    const response = await h.app.inject({
      method: 'POST', url: '/api/v1/accounts/acme/topups', headers: { ...admin, 'content-type': 'application/json' },
      payload: JSON.stringify({ amount_micros: '10000000', request_id: randomUUID(), padding: 'x'.repeat(10 * 1024 * 1024) }),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe('BODY_TOO_LARGE');
    const { rows } = await h.db.pool.query("SELECT count(*)::int AS n FROM ledger_entries WHERE account_id = 'acme'");
    expect(rows[0].n).toBe(0);
  });

  it('answers 415 UNSUPPORTED_MEDIA_TYPE to a body of a content type the route does not take', async () => {
    const response = await h.app.inject({
      method: 'POST', url: '/api/v1/accounts/acme/topups', headers: { ...admin, 'content-type': 'application/xml' },
      payload: '<topup amount_micros="10000000"/>',
    });
    expect(response.statusCode).toBe(415);
    expect(response.json()).toEqual({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.stringContaining('content type') } });
  });

  it('still answers 400 BAD_INPUT to malformed JSON', async () => {
    const response = await h.app.inject({
      method: 'POST', url: '/api/v1/accounts/acme/topups', headers: { ...admin, 'content-type': 'application/json' }, payload: '{"amount',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('BAD_INPUT');
  });
});
