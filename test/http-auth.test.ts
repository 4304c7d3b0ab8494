// Authentication, roles' public surface and the bad-key rate limit, against real Postgres and Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createHarness, type Harness } from './http-harness';
import type { ApiKeyStore } from '../src/http/auth/api-keys';

let harness: Harness;
let app: FastifyInstance;
let keys: ApiKeyStore;
let db: Harness['db'];
let logLines: string[];

beforeAll(async () => {
  harness = await createHarness({ maxFailures: 3 });
  ({ app, keys, db, logLines } = harness);
});

afterAll(async () => {
  await harness?.close();
});

function me(headers: Record<string, string>, ip = '10.0.0.1') {
  return app.inject({ method: 'GET', url: '/api/v1/me', headers, remoteAddress: ip });
}

describe('API keys', () => {
  it('stores only a digest and verifies the key itself', async () => {
    const key = await keys.create({ role: 'operator', accountId: null, label: 'ops' });
    const { rows } = await db.pool.query('SELECT key_sha256, key_hint FROM api_keys WHERE id = $1', [key.keyId]);
    expect(rows[0].key_sha256.toString('hex')).not.toContain(Buffer.from(key.secret).toString('hex'));
    expect(key.secret.startsWith(rows[0].key_hint)).toBe(true);
    expect((await keys.verify(key.secret))?.role).toBe('operator');
    expect(await keys.verify(key.secret.slice(0, -1) + (key.secret.endsWith('A') ? 'B' : 'A'))).toBeNull();
  });

  it('accepts Bearer and X-Api-Key, and stops accepting a revoked key', async () => {
    const key = await keys.create({ role: 'support', accountId: null, label: 'desk' });
    const bearer = await me({ authorization: `Bearer ${key.secret}` }, '10.0.1.1');
    expect(bearer.statusCode).toBe(200);
    expect(bearer.json()).toEqual({ role: 'support', account_id: null, label: 'desk' });
    expect((await me({ 'x-api-key': key.secret }, '10.0.1.1')).statusCode).toBe(200);
    expect(await keys.revoke(key.keyId)).toBe(true);
    expect(await keys.revoke(key.keyId)).toBe(false);
    const revoked = await me({ authorization: `Bearer ${key.secret}` }, '10.0.1.1');
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().error.code).toBe('UNAUTHENTICATED');
  });

  it('refuses an account-admin key without an account, and an operator key with one', async () => {
    await expect(keys.create({ role: 'account-admin', accountId: null, label: 'x' })).rejects.toThrow(TypeError);
    await expect(keys.create({ role: 'operator', accountId: 'acme', label: 'x' })).rejects.toThrow(TypeError);
  });
});

describe('authentication failures', () => {
  it('answers 401 with the stable error body when no key is sent', async () => {
    const response = await me({}, '10.0.2.1');
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ error: { code: 'UNAUTHENTICATED', message: expect.stringContaining('Bearer') } });
  });

  it('refuses wrong keys with 429 past the limit, and still accepts a good key from that address', async () => {
    const good = await keys.create({ role: 'operator', accountId: null, label: 'ok' });
    const bad = { authorization: `Bearer sk_${'x'.repeat(43)}` };
    for (let attempt = 0; attempt < 3; attempt += 1) expect((await me(bad, '10.0.3.1')).statusCode).toBe(401);
    const limited = await me(bad, '10.0.3.1');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await me({ authorization: `Bearer ${good.secret}` }, '10.0.3.1')).statusCode).toBe(200);
    // Another address is not affected.
    expect((await me(bad, '10.0.3.2')).statusCode).toBe(401);
  });

  it('never writes a key to the log', async () => {
    const key = await keys.create({ role: 'operator', accountId: null, label: 'logged?' });
    await me({ authorization: `Bearer ${key.secret}` }, '10.0.4.1');
    await me({ 'x-api-key': key.secret }, '10.0.4.1');
    await me({ authorization: `Bearer ${key.secret}x` }, '10.0.4.1');
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join('\n')).not.toContain(key.secret);
    expect(logLines.join('\n')).not.toContain(key.secret.slice(12));
  });
});

describe('behind a reverse proxy', () => {
  it('rate limits the client named by X-Forwarded-For when the proxy is trusted, not the proxy itself', async () => {
    const proxied = await createHarness({ maxFailures: 2, env: { SOLDE_HTTP_TRUST_PROXY: '127.0.0.1' } });
    try {
      const good = await proxied.headersFor('operator');
      const via = (client: string, headers: Record<string, string>) =>
        proxied.app.inject({ method: 'GET', url: '/api/v1/me', remoteAddress: '127.0.0.1', headers: { ...headers, 'x-forwarded-for': client } });
      const bad = { authorization: 'Bearer bad' };
      for (let attempt = 0; attempt < 2; attempt += 1) expect((await via('203.0.113.5', bad)).statusCode).toBe(401);
      expect((await via('203.0.113.5', bad)).statusCode).toBe(429);
      expect((await via('203.0.113.6', bad)).statusCode).toBe(401);
      expect((await via('203.0.113.5', good)).statusCode).toBe(200);
    } finally {
      await proxied.close();
    }
  });
});

describe('public routes', () => {
  it('serves /health, /ready and /openapi.json without a key, and no /metrics on the API port', async () => {
    expect((await app.inject('/health')).json()).toEqual({ status: 'ok' });
    const ready = await app.inject('/ready');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: { redis: 'ok', postgres: 'ok' } });
    expect((await app.inject('/metrics')).statusCode).toBe(404);
    const openapi = (await app.inject('/openapi.json')).json();
    expect(openapi.openapi).toBe('3.0.3');
    expect(Object.keys(openapi.paths)).toContain('/api/v1/me');
  });

  it('documents every API route in OpenAPI, with its schemas and the key it needs', async () => {
    const openapi = (await app.inject('/openapi.json')).json();
    const paths = Object.keys(openapi.paths).filter((p) => p.startsWith('/api/v1/'));
    expect(paths.length).toBeGreaterThanOrEqual(14);
    for (const path of ['/api/v1/accounts/{accountId}/topups', '/api/v1/accounts/{accountId}/transactions/{entryId}/reversal', '/api/v1/rates/number']) {
      expect(paths).toContain(path);
    }
    const topup = openapi.paths['/api/v1/accounts/{accountId}/topups'].post;
    expect(topup.requestBody.content['application/json'].schema.required).toEqual(['amount_micros', 'request_id']);
    expect(openapi.security).toEqual([{ bearer: [] }, { apiKey: [] }]);
  });

  it('tells caches not to keep authenticated answers', async () => {
    const key = await keys.create({ role: 'operator', accountId: null, label: 'cache' });
    const response = await me({ authorization: `Bearer ${key.secret}` }, '10.0.5.1');
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('answers unknown routes with the stable error body', async () => {
    const response = await app.inject('/api/v1/nowhere');
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('NOT_FOUND');
  });
});
