// What the settlement tests look at: the final call debits in the ledger, the solde_settlements_pending
// gauge, and a funds service that reaches its Redis again after an outage.
import { registry } from '../../core/metrics';
import type { Pool } from '../../rating/db/pool';
import type { FundsService } from '../../rating/funds/service';

/** Per call: the amounts of its final-debit entries (`call:<id>:final`), which must be exactly one. */
export async function finalDebits(pool: Pool, accountId: string): Promise<Map<string, bigint[]>> {
  const { rows } = await pool.query<{ call_id: string; amount_micros: string }>(
    "SELECT call_id, amount_micros FROM ledger_entries WHERE account_id = $1 AND idempotency_key LIKE 'call:%:final' ORDER BY call_id, id", [accountId]);
  const found = new Map<string, bigint[]>();
  for (const r of rows) found.set(r.call_id, [...(found.get(r.call_id) ?? []), BigInt(r.amount_micros)]);
  return found;
}

export async function pendingGauge(): Promise<{ journal: number; redis: number }> {
  const metric = registry.getSingleMetric('solde_settlements_pending');
  if (!metric) throw new Error('solde_settlements_pending is not registered');
  const { values } = await metric.get();
  const of = (stage: string) => values.find((v) => v.labels.stage === stage)?.value ?? 0;
  return { journal: of('journal'), redis: of('redis') };
}

/** Waits (bounded) until both of the service's script connections and its client answer for the account. */
export async function untilReachable(funds: FundsService, accountId: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let inARow = 0;
  for (let attempt = 0; attempt < 1_000 && Date.now() < deadline; attempt += 1) {
    inARow = (await funds.balance(accountId)).status === 'ok' ? inARow + 1 : 0;
    if (inARow >= 2) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`funds Redis still unreachable after ${timeoutMs} ms`);
}
