// The append-only ledger in Postgres. Every change of a balance is one entry, written in the same
// transaction as the balance, with a unique idempotency key: a repeat returns the first entry.
import type { Pool, PoolClient } from '../db/pool';
import { inTransaction } from '../db/pool';
import { SoldeError } from '../../core/errors';
import { MAX_BALANCE_MICROS, parseMicros, type Micros } from '../money';

export type EntryKind = 'topup' | 'reversal' | 'call_debit' | 'auto_recharge' | 'adjustment';

export interface LedgerEntry {
  readonly id: string;
  readonly accountId: string;
  readonly seq: bigint;
  readonly kind: EntryKind;
  readonly amountMicros: Micros;
  readonly balanceAfterMicros: Micros;
  readonly idempotencyKey: string;
  readonly callId: string | null;
  readonly reversesEntryId: string | null;
  readonly reason: string | null;
  readonly actor: string | null;
  readonly metadata: Record<string, unknown>;
  readonly createdAt: Date;
}

export const ENTRY_COLUMNS = `id, account_id, seq, kind, amount_micros, balance_after_micros, idempotency_key, call_id,
  reverses_entry_id, reason, actor, metadata, created_at`;

interface EntryRow {
  id: string; account_id: string; seq: string; kind: EntryKind; amount_micros: string; balance_after_micros: string;
  idempotency_key: string; call_id: string | null; reverses_entry_id: string | null; reason: string | null;
  actor: string | null; metadata: Record<string, unknown>; created_at: Date;
}

export function toEntry(row: EntryRow): LedgerEntry {
  return {
    id: row.id, accountId: row.account_id, seq: BigInt(row.seq), kind: row.kind, amountMicros: parseMicros(row.amount_micros),
    balanceAfterMicros: parseMicros(row.balance_after_micros), idempotencyKey: row.idempotency_key, callId: row.call_id,
    reversesEntryId: row.reverses_entry_id, reason: row.reason, actor: row.actor, metadata: row.metadata, createdAt: row.created_at,
  };
}

export interface Posting {
  readonly accountId: string;
  readonly kind: Exclude<EntryKind, 'call_debit'>;
  /** Signed: credits positive, debits negative. */
  readonly amountMicros: Micros;
  readonly idempotencyKey: string;
  readonly actor?: string;
  readonly reason?: string;
  readonly reversesEntryId?: string;
  readonly metadata?: Record<string, unknown>;
}

export interface PostResult {
  readonly entry: LedgerEntry;
  /** False when the idempotency key had already been used: the first entry is returned, nothing moved. */
  readonly created: boolean;
  readonly currency: string;
}

/**
 * Appends one entry and moves the balance with it. `check` runs inside the transaction, with the account
 * row locked, and may refuse (throw a SoldeError) before anything is written.
 */
export async function post(pool: Pool, p: Posting, check?: (c: PoolClient, balanceMicros: Micros) => Promise<void>): Promise<PostResult> {
  if (p.amountMicros === 0n) throw new RangeError('a ledger entry moves money');
  return inTransaction(pool, async (c) => {
    const account = await lockAccount(c, p.accountId);
    const existing = await entryByKey(c, p.idempotencyKey);
    if (existing) {
      if (existing.accountId !== p.accountId || existing.kind !== p.kind || existing.amountMicros !== p.amountMicros) {
        throw new SoldeError('IDEMPOTENCY_CONFLICT', p.idempotencyKey);
      }
      return { entry: existing, created: false, currency: account.currency };
    }
    if (check) await check(c, account.balance);
    const balance = account.balance + p.amountMicros;
    if (balance > MAX_BALANCE_MICROS) throw new SoldeError('BAD_AMOUNT', 'the balance would exceed the maximum an account may hold');
    const seq = account.seq + 1n;
    const { rows } = await c.query<EntryRow>(
      `INSERT INTO ledger_entries (account_id, seq, kind, amount_micros, balance_after_micros, idempotency_key, reverses_entry_id, reason, actor, metadata)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${ENTRY_COLUMNS}`,
      [p.accountId, String(seq), p.kind, String(p.amountMicros), String(balance), p.idempotencyKey, p.reversesEntryId ?? null,
        p.reason ?? null, p.actor ?? null, JSON.stringify(p.metadata ?? {})],
    );
    await c.query('UPDATE accounts SET balance_micros = $2, ledger_seq = $3 WHERE id = $1', [p.accountId, String(balance), String(seq)]);
    return { entry: toEntry(rows[0]!), created: true, currency: account.currency };
  });
}

export async function lockAccount(c: PoolClient, accountId: string): Promise<{ balance: Micros; seq: bigint; currency: string }> {
  const { rows } = await c.query<{ balance_micros: string; ledger_seq: string; currency: string }>(
    'SELECT balance_micros, ledger_seq, currency FROM accounts WHERE id = $1 FOR UPDATE', [accountId]);
  if (!rows[0]) throw new SoldeError('UNKNOWN_ACCOUNT', accountId);
  return { balance: parseMicros(rows[0].balance_micros), seq: BigInt(rows[0].ledger_seq), currency: rows[0].currency };
}

async function entryByKey(c: PoolClient | Pool, key: string): Promise<LedgerEntry | undefined> {
  const { rows } = await c.query<EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM ledger_entries WHERE idempotency_key = $1`, [key]);
  return rows[0] ? toEntry(rows[0]) : undefined;
}

export async function getEntry(c: PoolClient | Pool, entryId: string): Promise<LedgerEntry | undefined> {
  if (!/^\d{1,18}$/.test(entryId)) return undefined;
  const { rows } = await c.query<EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM ledger_entries WHERE id = $1`, [entryId]);
  return rows[0] ? toEntry(rows[0]) : undefined;
}

export async function getEntryByKey(pool: Pool, key: string): Promise<LedgerEntry | undefined> {
  return entryByKey(pool, key);
}

export async function reversalOf(c: PoolClient | Pool, entryId: string): Promise<LedgerEntry | undefined> {
  const { rows } = await c.query<EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM ledger_entries WHERE reverses_entry_id = $1`, [entryId]);
  return rows[0] ? toEntry(rows[0]) : undefined;
}

export interface LedgerPage {
  readonly entries: readonly LedgerEntry[];
  /** Pass as `before` to get the next (older) page; null at the end. */
  readonly nextCursor: string | null;
}

/** $1 account, $2 cursor (entry id) or null, $3 rows; served by the (account_id, id) index (migration 050). */
export const LEDGER_PAGE_SQL = `SELECT ${ENTRY_COLUMNS} FROM ledger_entries WHERE account_id = $1 AND ($2::bigint IS NULL OR id < $2)
     ORDER BY id DESC LIMIT $3`;

/** Entries newest first, `limit` per page (1..500), older than the cursor `before` (an entry id). */
export async function ledgerPage(pool: Pool, accountId: string, opts: { before?: string; limit?: number } = {}): Promise<LedgerPage> {
  const limit = opts.limit ?? 50;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 500) throw new SoldeError('BAD_INPUT', 'limit must be 1 to 500');
  if (opts.before !== undefined && !/^\d{1,18}$/.test(opts.before)) throw new SoldeError('BAD_INPUT', 'cursor must be an entry id');
  const { rows } = await pool.query<EntryRow>(LEDGER_PAGE_SQL, [accountId, opts.before ?? null, limit + 1]);
  const entries = rows.slice(0, limit).map(toEntry);
  return { entries, nextCursor: rows.length > limit ? entries[entries.length - 1]!.id : null };
}

/** Sum of every entry of an account: must equal its balance (checked by reconcile and the tests). */
export async function ledgerSum(pool: Pool, accountId: string): Promise<{ sumMicros: Micros; count: bigint }> {
  const { rows } = await pool.query<{ sum: string | null; count: string }>(
    'SELECT sum(amount_micros)::text AS sum, count(*)::text AS count FROM ledger_entries WHERE account_id = $1', [accountId]);
  return { sumMicros: BigInt(rows[0]?.sum ?? '0'), count: BigInt(rows[0]?.count ?? '0') };
}
