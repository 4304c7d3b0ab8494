// The startup file wires every part: with real Postgres and Redis and no drachtio-server running, Solde
// migrates a fresh database, loads the sample deck, serves the portal and API, and stops cleanly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { createLogger } from '../core/log';
import { start } from '../src/main';
import { createTestDatabase, type TestDatabase } from './support/pg';
import { createTestRedis, type TestRedis } from './support/redis';

describe('src/main.ts start()', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  beforeAll(async () => {
    db = await createTestDatabase(false);
    redis = await createTestRedis();
  });
  afterAll(async () => {
    await redis.cleanup();
    await db.drop();
  });

  it('migrates, loads the sample deck, serves /ready and the rates, and stops while drachtio-server is absent', async () => {
    const config = loadConfig({
      SOLDE_DATABASE_URL: db.url, SOLDE_REDIS_PREFIX: redis.prefix, SOLDE_HTTP_PORT: '0',
      DRACHTIO_PORT: '1', SOLDE_ANNOUNCEMENTS_DIR: `/tmp/${redis.prefix.replace(/:/g, '-')}announcements`,
    });
    const running = await start(config, createLogger('silent'));
    try {
      const tables = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM tariffs');
      expect(Number(tables.rows[0]!.n)).toBeGreaterThan(1000);
      // Solde serves HTTP before its Redis connection is up (it starts without Redis too), so /ready may
      // say 503 for a moment on a loaded machine: it must turn 200 once Redis answers (bounded wait).
      let ready = await fetch(`${running.address}/ready`);
      for (let attempt = 0; attempt < 100 && ready.status !== 200; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        ready = await fetch(`${running.address}/ready`);
      }
      expect(ready.status).toBe(200);
      const unauthenticated = await fetch(`${running.address}/api/v1/rates/countries/MA`);
      expect(unauthenticated.status).toBe(401);
    } finally {
      await running.stop();
    }
  });
});
