import client from 'prom-client';

// One registry for the whole process, served at /metrics. Each layer declares its own metrics on it
// (rating/funds/metrics.ts, sip/metrics.ts, src/metrics.ts); what every layer counts lives here. Money
// counters are in micro-units; Prometheus stores samples as doubles, which is exact up to 2^53 micros
// (9 billion EUR) and is observability only: no decision about money ever reads a metric.
export const registry = new client.Registry();

export const dependencyErrors = new client.Counter({
  name: 'solde_dependency_errors_total', help: 'Errors talking to Redis, Postgres, rtpengine, drachtio',
  labelNames: ['dependency'] as const, registers: [registry],
});
