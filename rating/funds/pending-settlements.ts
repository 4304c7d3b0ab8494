// Postgres' share of the settlements still pending (migration 060): calls whose final debit went straight
// into the ledger while Redis was unreachable, and whose Redis settle (which frees the call's hold at once)
// has not run yet. Shared by every process: any of them may run the Redis settle, which is idempotent.
import type { Pool, PoolClient } from '../db/pool';
import { parseMicros } from '../money';
import type { PendingSettle } from './settlement-journal';

/** In the transaction that writes the call's final debit: the two exist together or not at all. */
export async function insertPendingSettlement(c: PoolClient, s: PendingSettle): Promise<void> {
  await c.query(
    `INSERT INTO pending_settlements (idempotency_key, account_id, call_id, final_micros, payload, created_at)
     VALUES ($1, $2, $3, $4, $5, to_timestamp($6 / 1000.0)) ON CONFLICT (idempotency_key) DO NOTHING`,
    [s.idempotencyKey, s.accountId, s.callId, String(s.finalMicros), s.payload, s.atMs]);
}

/** The oldest first, at most `limit`. */
export async function listPendingSettlements(pool: Pool, limit: number): Promise<PendingSettle[]> {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new Error(`limit must be a positive integer, got ${limit}`);
  const { rows } = await pool.query<{ idempotency_key: string; account_id: string; call_id: string; final_micros: string; payload: string; at_ms: string }>(
    `SELECT idempotency_key, account_id, call_id, final_micros, payload, (extract(epoch FROM created_at) * 1000)::bigint::text AS at_ms
     FROM pending_settlements ORDER BY created_at, idempotency_key LIMIT $1`, [limit]);
  return rows.map((r) => ({
    idempotencyKey: r.idempotency_key, accountId: r.account_id, callId: r.call_id, finalMicros: parseMicros(r.final_micros), payload: r.payload, atMs: Number(r.at_ms),
  }));
}

export async function countPendingSettlements(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: string }>('SELECT count(*)::text AS n FROM pending_settlements');
  return Number(rows[0]!.n);
}

export async function deletePendingSettlement(pool: Pool, idempotencyKey: string): Promise<void> {
  await pool.query('DELETE FROM pending_settlements WHERE idempotency_key = $1', [idempotencyKey]);
}
