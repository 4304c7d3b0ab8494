// The startup file wires every part: with real Postgres and Redis, Solde migrates a fresh database as the
// owner role, serves as the application role, loads the sample deck, serves the portal and API, keeps
// metrics on a listener of their own, is ready only while its drachtio-server link is up, and stops.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { createLogger } from '../core/log';
import { start } from '../src/main';
import { startDrachtioServer, type DrachtioServer } from './support/drachtio';
import { createTestDatabase, dropRole, testRoleName, urlAs, type TestDatabase } from './support/pg';
import { createTestRedis, type TestRedis } from './support/redis';

const role = testRoleName();

/** Polls /ready until it answers `status` (bounded: 100 tries, 50 ms apart). */
async function readyWhen(address: string, status: number): Promise<Response> {
  let response = await fetch(`${address}/ready`);
  for (let attempt = 0; attempt < 100 && response.status !== status; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    response = await fetch(`${address}/ready`);
  }
  return response;
}

describe('src/main.ts start()', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let drachtio: DrachtioServer;
  beforeAll(async () => {
    db = await createTestDatabase(false);
    redis = await createTestRedis();
    drachtio = await startDrachtioServer({ secret: 'cymru' });
  });
  afterAll(async () => {
    await drachtio?.close();
    await redis?.cleanup();
    await db?.drop();
    await dropRole(role);
  });

  it('migrates as the owner, serves as the application role, and is ready only with the SIP link up', async () => {
    const config = loadConfig({
      SOLDE_DATABASE_URL: urlAs(db.url, role), SOLDE_MIGRATION_DATABASE_URL: db.url,
      SOLDE_REDIS_PREFIX: redis.prefix, SOLDE_HTTP_PORT: '0', SOLDE_METRICS_PORT: '0', DRACHTIO_PORT: String(drachtio.port),
      SOLDE_ANNOUNCEMENTS_DIR: `/tmp/${redis.prefix.replace(/:/g, '-')}announcements`,
    });
    const running = await start(config, createLogger('silent'));
    try {
      const tables = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM tariffs');
      expect(Number(tables.rows[0]!.n)).toBeGreaterThan(1000);
      const sessions = await db.pool.query('SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND usename = $1', [role]);
      expect(sessions.rowCount).toBeGreaterThan(0);
      expect((await fetch(`${running.address}/api/v1/rates/countries/MA`)).status).toBe(401);

      await drachtio.waitForApp();
      const ready = await readyWhen(running.address, 200);
      expect(await ready.json()).toEqual({ status: 'ready', checks: { redis: 'ok', postgres: 'ok', sip: 'ok' } });

      const metrics = await fetch(`${running.metricsAddress}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('solde_calls_total');
      expect((await fetch(`${running.address}/metrics`)).status).toBe(404);

      await drachtio.close();
      const lost = await readyWhen(running.address, 503);
      expect(await lost.json()).toEqual({ status: 'not_ready', checks: { redis: 'ok', postgres: 'ok', sip: 'unavailable' } });
      expect((await fetch(`${running.address}/health`)).status).toBe(200);
    } finally {
      await running.stop();
    }
  });
});
