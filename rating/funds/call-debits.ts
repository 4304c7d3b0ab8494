// Writes queued call debits to Postgres in batches (group commit): one transaction for many debits, each
// account row locked once. Exactly once: a debit whose idempotency key exists is skipped, and a call's
// debit is the cumulative total minus what the ledger already has for that call, so a repeat, a late
// retry of an older seq, or a settle after a Redis rebuild never charges twice.
import type { Pool, PoolClient } from '../db/pool';
import { inTransaction } from '../db/pool';
import { parseMicros, type Micros } from '../money';

export interface CallDebit {
  readonly accountId: string;
  readonly idempotencyKey: string;
  readonly callId: string;
  /** Cumulative amount the call has used, including this debit. */
  readonly usedTotalMicros: Micros;
  readonly metadata: Record<string, unknown>;
}

export interface AccountPosted {
  readonly balanceMicros: Micros;
  readonly ledgerSeq: bigint;
  /** Every key of the batch for this account, written now or earlier: all can leave the queue. */
  readonly keys: string[];
}

interface Row { account: string; seq: string; amount: string; after: string; key: string; call: string; total: string; meta: string }

/** `alsoInTransaction` runs in the same transaction (a ledger-direct settle records its pending Redis settle). */
export async function writeCallDebits(pool: Pool, debits: readonly CallDebit[], alsoInTransaction?: (c: PoolClient) => Promise<void>): Promise<Map<string, AccountPosted>> {
  if (debits.length === 0) return new Map();
  return inTransaction(pool, async (c) => {
    const accounts = await lockAccounts(c, [...new Set(debits.map((d) => d.accountId))].sort());
    const known = await existingKeys(c, debits.map((d) => d.idempotencyKey));
    const totals = await callTotals(c, debits);
    const rows: Row[] = [];
    for (const d of debits) {
      const account = accounts.get(d.accountId);
      if (!account) continue; // an account that does not exist in Postgres: left in the queue, reported by reconcile
      account.keys.push(d.idempotencyKey);
      if (known.has(d.idempotencyKey)) continue;
      known.add(d.idempotencyKey);
      const callKey = `${d.accountId}\n${d.callId}`;
      const prior = totals.get(callKey) ?? 0n;
      if (d.usedTotalMicros <= prior) continue;
      totals.set(callKey, d.usedTotalMicros);
      account.balanceMicros -= d.usedTotalMicros - prior;
      account.ledgerSeq += 1n;
      rows.push({ account: d.accountId, seq: String(account.ledgerSeq), amount: String(prior - d.usedTotalMicros),
        after: String(account.balanceMicros), key: d.idempotencyKey, call: d.callId, total: String(d.usedTotalMicros), meta: JSON.stringify(d.metadata) });
    }
    await insertRows(c, rows);
    await saveBalances(c, accounts);
    await alsoInTransaction?.(c);
    return accounts;
  });
}

async function lockAccounts(c: PoolClient, ids: string[]): Promise<Map<string, { balanceMicros: Micros; ledgerSeq: bigint; keys: string[] }>> {
  const { rows } = await c.query<{ id: string; balance_micros: string; ledger_seq: string }>(
    'SELECT id, balance_micros, ledger_seq FROM accounts WHERE id = ANY($1) ORDER BY id FOR UPDATE', [ids]);
  return new Map(rows.map((r) => [r.id, { balanceMicros: parseMicros(r.balance_micros), ledgerSeq: BigInt(r.ledger_seq), keys: [] as string[] }]));
}

async function existingKeys(c: PoolClient, keys: string[]): Promise<Set<string>> {
  const { rows } = await c.query<{ idempotency_key: string }>('SELECT idempotency_key FROM ledger_entries WHERE idempotency_key = ANY($1)', [keys]);
  return new Set(rows.map((r) => r.idempotency_key));
}

async function callTotals(c: PoolClient, debits: readonly CallDebit[]): Promise<Map<string, Micros>> {
  const { rows } = await c.query<{ account_id: string; call_id: string; total: string }>(
    `SELECT account_id, call_id, max(call_total_micros)::text AS total FROM ledger_entries
     WHERE (account_id, call_id) IN (SELECT * FROM unnest($1::text[], $2::text[])) GROUP BY account_id, call_id`,
    [debits.map((d) => d.accountId), debits.map((d) => d.callId)]);
  return new Map(rows.map((r) => [`${r.account_id}\n${r.call_id}`, BigInt(r.total)]));
}

async function insertRows(c: PoolClient, rows: Row[]): Promise<void> {
  if (rows.length === 0) return;
  await c.query(
    `INSERT INTO ledger_entries (account_id, seq, kind, amount_micros, balance_after_micros, idempotency_key, call_id, call_total_micros, metadata)
     SELECT a, s, 'call_debit', m, b, k, ci, t, md FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::bigint[], $8::jsonb[])
       AS u(a, s, m, b, k, ci, t, md)`,
    [rows.map((r) => r.account), rows.map((r) => r.seq), rows.map((r) => r.amount), rows.map((r) => r.after),
      rows.map((r) => r.key), rows.map((r) => r.call), rows.map((r) => r.total), rows.map((r) => r.meta)]);
}

async function saveBalances(c: PoolClient, accounts: Map<string, { balanceMicros: Micros; ledgerSeq: bigint }>): Promise<void> {
  const ids = [...accounts.keys()];
  await c.query(
    `UPDATE accounts SET balance_micros = u.b, ledger_seq = u.s FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS u(i, b, s) WHERE accounts.id = u.i`,
    [ids, ids.map((i) => String(accounts.get(i)!.balanceMicros)), ids.map((i) => String(accounts.get(i)!.ledgerSeq))]);
}
