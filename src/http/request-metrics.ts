// Latency of every request by route pattern (never the raw URL: account ids and numbers would make the
// label set unbounded), method and status.
import type { FastifyInstance } from 'fastify';
import { httpRequestSeconds } from '../metrics';

export function installRequestMetrics(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    httpRequestSeconds.observe({ route, method: request.method, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
}
