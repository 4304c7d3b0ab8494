import client from 'prom-client';

// One registry for the whole process, served at /metrics on a listener of its own (metrics-server.ts).
// Money counters are in micro-units; Prometheus stores samples as doubles, which is exact up to 2^53
// micros (9 billion EUR) and is observability only: no decision about money ever reads a metric.
export const registry = new client.Registry();
// prom-client's default names already start with process_ or nodejs_: the prefix is the product's only.
client.collectDefaultMetrics({ register: registry, prefix: 'solde_' });

export const callsTotal = new client.Counter({
  name: 'solde_calls_total', help: 'Calls by class and outcome', labelNames: ['class', 'outcome'] as const, registers: [registry],
});
export const authorizationSeconds = new client.Histogram({
  name: 'solde_authorization_seconds', help: 'INVITE received to decision (B-leg INVITE or 183 sent)',
  labelNames: ['class'] as const, buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers: [registry],
});
export const activeCalls = new client.Gauge({
  name: 'solde_active_calls', help: 'Calls in progress', labelNames: ['class'] as const, registers: [registry],
});
export const holdsActive = new client.Gauge({ name: 'solde_holds_active', help: 'Live fund holds of calls in progress', registers: [registry] });
export const fundsReservedMicros = new client.Counter({
  name: 'solde_funds_reserved_micros_total', help: 'Funds reserved by calls, in micro-units', registers: [registry],
});
export const fundsDebitedMicros = new client.Counter({
  name: 'solde_funds_debited_micros_total', help: 'Funds debited by calls, in micro-units', registers: [registry],
});
export const fundsSettledInLedger = new client.Counter({
  name: 'solde_funds_settled_in_ledger_total', help: 'Calls settled straight into the Postgres ledger because Redis was unavailable', registers: [registry],
});
export const topupsTotal = new client.Counter({
  name: 'solde_topups_total', help: 'Top-ups and auto-recharges by outcome', labelNames: ['kind', 'outcome'] as const, registers: [registry],
});
export const dependencyErrors = new client.Counter({
  name: 'solde_dependency_errors_total', help: 'Errors talking to Redis, Postgres, rtpengine, drachtio',
  labelNames: ['dependency'] as const, registers: [registry],
});
export const httpRequestSeconds = new client.Histogram({
  name: 'solde_http_request_seconds', help: 'HTTP API and portal requests by route, method and status',
  labelNames: ['route', 'method', 'status'] as const, buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry],
});
export const authFailures = new client.Counter({
  name: 'solde_http_auth_failures_total', help: 'Refused API keys: unauthenticated (missing, unknown, revoked), forbidden, rate_limited',
  labelNames: ['reason'] as const, registers: [registry],
});
