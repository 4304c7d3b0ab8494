// Health, readiness and metrics, with Redis or Postgres really unreachable (a closed port), and what the
// logs carry: the tenant and the key id, never a key or a card token.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '../rating/db/pool';
import { createTestFunds } from '../rating/funds/harness';
import { createLogger } from '../core/log';
import { createHttpServer } from '../src/http/server';
import { startMetricsServer } from '../src/metrics-server';
import { createHarness, type Harness } from './http-harness';

const CLOSED_PORT = 1; // nothing listens on port 1: connections are refused at once

let h: Harness;
let deadRedis: Redis;
let deadPool: Pool;
let noRedisApp: FastifyInstance;
let noPostgresApp: FastifyInstance;
let support: { authorization: string };

beforeAll(async () => {
  h = await createHarness();
  await h.createTenant('acme');
  support = await h.headersFor('support');
  deadRedis = new Redis({ host: '127.0.0.1', port: CLOSED_PORT, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  deadRedis.on('error', () => undefined);
  deadPool = createPool(`postgres://postgres@127.0.0.1:${CLOSED_PORT}/solde`, 1);
  deadPool.on('error', () => undefined);
  const quiet = createLogger('silent');
  const base = { config: h.config, logger: quiet, tariffs: h.tariffs, classify: () => { throw new Error('unused'); } };
  const brokenFunds = createTestFunds(h.db.pool, deadRedis, h.redis.prefix).funds;
  noRedisApp = await createHttpServer({ ...base, pool: h.db.pool, redis: deadRedis, funds: brokenFunds });
  noPostgresApp = await createHttpServer({ ...base, pool: deadPool, redis: h.redis.redis, funds: h.funds });
});

afterAll(async () => {
  await noRedisApp?.close();
  await noPostgresApp?.close();
  await deadPool?.end();
  deadRedis?.disconnect();
  await h?.close();
});

describe('readiness', () => {
  it('is not ready without Redis, and says which one, without addresses', async () => {
    const response = await noRedisApp.inject('/ready');
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ status: 'not_ready', checks: { redis: 'unavailable', postgres: 'ok' } });
    expect((await noRedisApp.inject('/health')).statusCode).toBe(200);
  });

  it('is not ready without Postgres', async () => {
    const response = await noPostgresApp.inject('/ready');
    expect(response.statusCode).toBe(503);
    expect(response.json().checks).toEqual({ redis: 'ok', postgres: 'unavailable' });
  });

  it('answers a balance with 503 REDIS_UNAVAILABLE and Retry-After when Redis is down', async () => {
    const key = await h.headersFor('support');
    const response = await noRedisApp.inject({ method: 'GET', url: '/api/v1/accounts/acme/balance', headers: key });
    expect(response.statusCode).toBe(503);
    expect(response.json().error.code).toBe('REDIS_UNAVAILABLE');
    expect(response.headers['retry-after']).toBe('5');
  });

  it('answers 503 POSTGRES_UNAVAILABLE when the key cannot even be checked', async () => {
    const response = await noPostgresApp.inject({ method: 'GET', url: '/api/v1/me', headers: support });
    expect(response.statusCode).toBe(503);
    expect(response.json().error.code).toBe('POSTGRES_UNAVAILABLE');
  });
});

describe('metrics', () => {
  it('are served on their own loopback listener, not on the API port, with one solde_ prefix', async () => {
    const metrics = await startMetricsServer('127.0.0.1', 0, (error) => { throw error; });
    try {
      expect(metrics.address).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await h.app.inject({ method: 'GET', url: '/api/v1/accounts/acme/balance', headers: support });
      await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: 'Bearer nope' }, remoteAddress: '10.9.9.9' });
      const response = await fetch(`${metrics.address}/metrics`);
      expect(response.headers.get('content-type')).toContain('text/plain');
      const text = await response.text();
      expect(text).toMatch(/solde_http_request_seconds_count\{route="\/api\/v1\/accounts\/:accountId\/balance",method="GET",status="200"\} [1-9]/);
      expect(text).toMatch(/solde_http_auth_failures_total\{reason="unauthenticated"\} [1-9]/);
      expect(text).toContain('solde_topups_total');
      expect(text).not.toContain('route="/api/v1/accounts/acme');
      expect(text).toMatch(/^solde_process_cpu_user_seconds_total /m);
      expect(text).toMatch(/^solde_nodejs_eventloop_lag_seconds /m);
      expect(text).not.toContain('solde_process_process_');
      expect((await fetch(`${metrics.address}/elsewhere`)).status).toBe(404);
      expect((await h.app.inject('/metrics')).statusCode).toBe(404);
    } finally {
      await metrics.close();
    }
  });
});

describe('logs', () => {
  it('carry the tenant and key id of a money request, never the key or the card token', async () => {
    const admin = await h.keys.create({ role: 'account-admin', accountId: 'acme', label: 'log check' });
    const response = await h.app.inject({
      method: 'POST', url: '/api/v1/accounts/acme/topups', headers: { authorization: `Bearer ${admin.secret}` },
      payload: { amount_micros: '10000000', request_id: randomUUID() },
    });
    expect(response.statusCode).toBe(201);
    const lines = h.logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const topup = lines.find((line) => line.msg === 'top-up');
    expect(topup).toMatchObject({ tenant: 'acme', keyId: admin.keyId, role: 'account-admin' });
    const all = h.logLines.join('\n');
    expect(all).not.toContain(admin.secret);
    expect(all).not.toContain('tok_sim_4242');
  });
});

describe('metrics listener', () => {
  it('says which variable to change when its port is taken', async () => {
    const first = await startMetricsServer('127.0.0.1', 0, (error) => { throw error; });
    try {
      const port = Number(new URL(first.address).port);
      await expect(startMetricsServer('127.0.0.1', port, () => undefined)).rejects.toThrow(/SOLDE_METRICS_PORT/);
    } finally {
      await first.close();
    }
  });
});
