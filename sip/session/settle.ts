import type { FundsStatus, Hold } from '../../rating/contracts';
import type { Micros } from '../../rating/money';
import { billedSeconds } from '../../rating/tariffs/cost';
import { talkSeconds } from './billing';
import type { Call } from './call';

// Settlement of a call's funds, once, when it ends: an answered paid call is debited the cost of its exact
// duration on the tariff's increments (never beyond the paid time) and the rest of its hold is released;
// a call that never connected releases its hold. Idempotent by call id in the funds engine, so a retry
// after a blip cannot charge twice. A settle that Redis cannot take is still 'ok' once it is durable (the
// Postgres ledger, or the local journal: rating/funds/settlements.ts); 'unavailable' means none took it.

export interface Settlement {
  /** 'none' when the call held no funds. */
  readonly status: FundsStatus | 'none';
  readonly billedSeconds: number;
  readonly costMicros: Micros;
}

const ATTEMPTS = 3;
const BACKOFF_MS = [0, 200, 1000];

export async function settleCall(session: Call, endedAtMs: number): Promise<Settlement> {
  if (!session.reserved) return { status: 'none', billedSeconds: 0, costMicros: 0n };
  const { funds } = session.services;
  const base = { accountId: session.accountId, callId: session.key };
  if (session.answeredAtMs === null || session.meter === null) {
    const released = await withRetry(session, () => funds.release(base));
    return { status: released.status, billedSeconds: 0, costMicros: 0n };
  }
  const seconds = talkSeconds(endedAtMs - session.answeredAtMs, session.meter.paidUntilSeconds);
  const finalMicros = session.meter.finalCost(seconds);
  const details = {
    destination: session.tariff?.destination, number: session.classification?.e164 ?? session.dialled, durationSeconds: seconds,
  };
  const settled = await withRetry(session, () => funds.settle({ ...base, finalMicros, details }));
  return { status: settled.status, billedSeconds: seconds === 0 ? 0 : billedSeconds(session.tariff!, seconds), costMicros: finalMicros };
}

async function withRetry(session: Call, operation: () => Promise<Hold>): Promise<Hold> {
  let last: Hold = { status: 'unavailable' };
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    if (BACKOFF_MS[attempt]) await new Promise((resolve) => setTimeout(resolve, BACKOFF_MS[attempt]));
    try {
      last = await operation();
    } catch (error) {
      session.log.warn({ err: error, attempt }, 'funds settlement failed');
      last = { status: 'unavailable' };
    }
    if (last.status !== 'unavailable') return last;
  }
  session.log.error({ status: last.status }, 'funds settlement abandoned (Redis, Postgres and the local journal refused it): the hold will expire by itself');
  return last;
}
