// The bad-key limit (@fastify/rate-limit keyed per client), through the real app: only requests that
// present a wrong key count; keyless requests never do; a valid key is never refused because of others'
// failures; the window ends (clock moved with fake Date); the table of clients stays bounded.
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClassifier } from '../rating/classify';
import { createLogger } from '../core/log';
import { createHttpServer } from '../src/http/server';
import { createHarness, type Harness } from './http-harness';

let h: Harness;
let good: { authorization: string };
const WRONG = { authorization: `Bearer sk_${'x'.repeat(43)}` };
const apps: FastifyInstance[] = [];

beforeAll(async () => {
  h = await createHarness();
  good = await h.headersFor('operator');
});

afterEach(() => {
  vi.useRealTimers();
});

afterAll(async () => {
  for (const app of apps) await app.close();
  await h?.close();
});

async function appWith(authFailures: { maxFailures: number; windowSeconds: number; maxClients?: number }): Promise<FastifyInstance> {
  const app = await createHttpServer({
    config: h.config, pool: h.db.pool, redis: h.redis.redis, logger: createLogger('silent'), tariffs: h.tariffs,
    classify: createClassifier(h.config), funds: h.funds, authFailures,
  });
  apps.push(app);
  return app;
}

function me(app: FastifyInstance, headers: Record<string, string>, ip: string) {
  return app.inject({ method: 'GET', url: '/api/v1/me', headers, remoteAddress: ip }).then((r) => r.statusCode);
}

describe('bad-key limit', () => {
  it('refuses wrong keys with 429 and Retry-After past maxFailures, until the window ends, then forgets', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const app = await appWith({ maxFailures: 3, windowSeconds: 60 });
    for (let attempt = 0; attempt < 3; attempt += 1) expect(await me(app, WRONG, '10.1.0.1')).toBe(401);
    const limited = await app.inject({ method: 'GET', url: '/api/v1/me', headers: WRONG, remoteAddress: '10.1.0.1' });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    vi.advanceTimersByTime(61_000);
    expect(await me(app, WRONG, '10.1.0.1')).toBe(401);
  });

  it('never counts a keyless request', async () => {
    const app = await appWith({ maxFailures: 2, windowSeconds: 60 });
    for (let attempt = 0; attempt < 20; attempt += 1) expect(await me(app, {}, '10.1.1.1')).toBe(401);
    expect(await me(app, WRONG, '10.1.1.1')).toBe(401);
    expect(await me(app, good, '10.1.1.1')).toBe(200);
  });

  it('never refuses a valid key, however many wrong keys came from the same address', async () => {
    const app = await appWith({ maxFailures: 2, windowSeconds: 60 });
    for (let attempt = 0; attempt < 5; attempt += 1) await me(app, WRONG, '10.1.2.1');
    expect(await me(app, WRONG, '10.1.2.1')).toBe(429);
    expect(await me(app, good, '10.1.2.1')).toBe(200);
    // Another client's wrong key is counted on its own.
    expect(await me(app, WRONG, '10.1.2.2')).toBe(401);
  });

  it('keeps at most maxClients clients, forgetting the least recently seen first', async () => {
    const app = await appWith({ maxFailures: 1, windowSeconds: 60, maxClients: 3 });
    expect(await me(app, WRONG, '10.1.3.1')).toBe(401);
    expect(await me(app, WRONG, '10.1.3.1')).toBe(429);
    for (const client of ['10.1.3.2', '10.1.3.3', '10.1.3.4']) expect(await me(app, WRONG, client)).toBe(401);
    expect(await me(app, WRONG, '10.1.3.1')).toBe(401);
    expect(await me(app, WRONG, '10.1.3.4')).toBe(429);
  });

  it('refuses nonsense options (a programmer error)', async () => {
    await expect(appWith({ maxFailures: 0, windowSeconds: 60 })).rejects.toThrow(RangeError);
  });
});
