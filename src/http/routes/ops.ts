// Liveness, readiness and Prometheus metrics: public, unauthenticated, cheap.
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Pool } from '../../../rating/db/pool';
import { dependencyErrors, registry } from '../../../core/metrics';
// Every layer declares its metrics in its own module: /metrics lists them all, also before first use.
import '../../metrics';
import '../../../sip/metrics';
import '../../../sip/announce/metrics';
import '../../../rating/funds/metrics';

const CHECK_TIMEOUT_MS = 1_000;

export interface OpsDeps {
  readonly pool: Pool;
  readonly redis: Redis;
}

type CheckResult = 'ok' | 'unavailable';

export function opsRoutes(deps: OpsDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/health', { schema: { tags: ['ops'], summary: 'The process is up (liveness)', hide: false } }, async () => ({ status: 'ok' }));

    app.get('/ready', {
      schema: { tags: ['ops'], summary: 'Redis and Postgres answer (readiness); 503 when either does not' },
    }, async (_request, reply) => {
      const [redis, postgres] = await Promise.all([
        check(app, 'redis', () => deps.redis.ping()),
        check(app, 'postgres', () => deps.pool.query('SELECT 1')),
      ]);
      const ready = redis === 'ok' && postgres === 'ok';
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks: { redis, postgres } });
    });

    app.get('/metrics', { schema: { tags: ['ops'], summary: 'Prometheus metrics (text exposition format)' } }, async (_request, reply) => {
      return reply.type(registry.contentType).send(await registry.metrics());
    });
  };
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
