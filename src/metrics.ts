import client from 'prom-client';
import { registry } from '../core/metrics';

// The process's own metrics (Node's defaults) and the HTTP API's, on the one registry of core/metrics.ts,
// served at /metrics on a listener of its own (metrics-server.ts).
// prom-client's default names already start with process_ or nodejs_: the prefix is the product's only.
client.collectDefaultMetrics({ register: registry, prefix: 'solde_' });

export const httpRequestSeconds = new client.Histogram({
  name: 'solde_http_request_seconds', help: 'HTTP API and portal requests by route, method and status',
  labelNames: ['route', 'method', 'status'] as const, buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry],
});
export const authFailures = new client.Counter({
  name: 'solde_http_auth_failures_total', help: 'Refused API keys: unauthenticated (missing, unknown, revoked), forbidden, rate_limited',
  labelNames: ['reason'] as const, registers: [registry],
});
