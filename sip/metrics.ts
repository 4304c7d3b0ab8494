import client from 'prom-client';
import { registry } from '../core/metrics';

// Call control's metrics (announcements count theirs in sip/announce/metrics.ts).

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
export const callSlotsUnavailable = new client.Counter({
  name: 'solde_call_slots_unavailable_total',
  help: 'Concurrency slot operations Redis did not answer (acquire: the call went on uncounted; release: the slot frees itself at its expiry)',
  labelNames: ['operation'] as const, registers: [registry],
});
