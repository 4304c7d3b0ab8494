import client from 'prom-client';
import { registry } from '../../core/metrics';

// The funds engine's metrics, in micro-units where they count money (see core/metrics.ts).

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
export const settlementsPending = new client.Gauge({
  name: 'solde_settlements_pending',
  help: 'Call settles not finished: stage journal (kept in this process\' local journal, waiting for Redis or Postgres), stage redis (in the Postgres ledger, the Redis settle freeing the hold not run yet; all processes)',
  labelNames: ['stage'] as const, registers: [registry],
});
