// Liveness and readiness: public, unauthenticated, cheap. Metrics are not here: they have a listener of
// their own (src/metrics-server.ts), never the public API port.
import type { FastifyInstance } from 'fastify';
import type { Cluster, Redis } from 'ioredis';
import type { Pool } from '../../../rating/db/pool';
import { dependencyErrors } from '../../../core/metrics';

const CHECK_TIMEOUT_MS = 1_000;

export interface OpsDeps {
  readonly pool: Pool;
  readonly redis: Redis | Cluster;
  /** The link to drachtio-server; absent where no SIP side runs (the HTTP side embedded alone). */
  readonly sipLinkUp?: () => boolean;
}

type CheckResult = 'ok' | 'unavailable';

export function opsRoutes(deps: OpsDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/health', { schema: { tags: ['ops'], summary: 'The process is up (liveness)', hide: false } }, async () => ({ status: 'ok' }));

    app.get('/ready', {
      schema: { tags: ['ops'], summary: 'Redis, Postgres and the drachtio-server link answer (readiness); 503 when one does not' },
    }, async (_request, reply) => {
      const [redis, postgres] = await Promise.all([
        check(app, 'redis', () => deps.redis.ping()),
        check(app, 'postgres', () => deps.pool.query('SELECT 1')),
      ]);
      const checks: Record<string, CheckResult> = { redis, postgres };
      if (deps.sipLinkUp) checks.sip = sipCheck(app, deps.sipLinkUp());
      const ready = Object.values(checks).every((result) => result === 'ok');
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
    });
  };
}

function sipCheck(app: FastifyInstance, up: boolean): CheckResult {
  if (up) return 'ok';
  dependencyErrors.inc({ dependency: 'drachtio' });
  app.log.warn({ dependency: 'drachtio' }, 'readiness check failed: not connected to drachtio-server');
  return 'unavailable';
}

async function check(app: FastifyInstance, dependency: 'redis' | 'postgres', probe: () => Promise<unknown>): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([probe(), timeout]);
    return 'ok';
  } catch (error) {
    dependencyErrors.inc({ dependency });
    // The reason goes to the log only: /ready is public and must not show addresses.
    app.log.warn({ dependency, reason: (error as Error).message }, 'readiness check failed');
    return 'unavailable';
  } finally {
    clearTimeout(timer);
  }
}
