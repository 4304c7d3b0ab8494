// A large ledger made in Postgres itself (generate_series), for the history index test and bench: many
// accounts whose call debits interleave in id order, as they do when tenants call at the same time.
import type { Pool } from '../../rating/db/pool';

export interface LedgerShape {
  readonly accounts: number;
  readonly entriesPerAccount: number;
}

export function seededAccountId(n: number): string {
  return `seed-${String(n).padStart(5, '0')}`;
}

/** Inserts the accounts and their entries (one statement each), then ANALYZEs; returns the rows made. */
export async function seedLedger(pool: Pool, shape: LedgerShape): Promise<number> {
  if (!(shape.accounts >= 1 && shape.accounts <= 99_999 && shape.entriesPerAccount >= 1)) throw new RangeError('seedLedger: bad shape');
  await pool.query(
    `INSERT INTO accounts (id, name, currency, ledger_seq, balance_micros)
     SELECT 'seed-' || lpad(a::text, 5, '0'), 'Seeded ' || a, 'EUR', $2::bigint, -1000 * $2::bigint FROM generate_series(1, $1::int) a`,
    [shape.accounts, shape.entriesPerAccount]);
  const { rowCount } = await pool.query(
    `INSERT INTO ledger_entries (account_id, seq, kind, amount_micros, balance_after_micros, idempotency_key, call_id, call_total_micros, metadata)
     SELECT 'seed-' || lpad(a::text, 5, '0'), s, 'call_debit', -1000, -1000 * s::bigint, 'seed:' || a || ':' || s, 'seed-call-' || a || '-' || s, 1000,
            jsonb_build_object('destination', 'Morocco Mobile', 'duration_seconds', 60)
     FROM generate_series(1, $2::int) s CROSS JOIN generate_series(1, $1::int) a ORDER BY s, a`,
    [shape.accounts, shape.entriesPerAccount]);
  await pool.query('ANALYZE accounts, ledger_entries');
  return rowCount ?? 0;
}
