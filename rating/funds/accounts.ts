// Accounts (tenants) in Postgres: creation with validated input, lookup, settings. The balance is never
// written here: only ledger.ts changes it, together with its ledger entry.
import type { Pool } from '../db/pool';
import { SoldeError } from '../../src/errors';
import { MAX_OPERATION_MICROS, parseMicros, type Micros } from '../money';
import { ACCOUNT_ID } from './keys';

export type Language = 'fr' | 'en';
export type AccountStatus = 'active' | 'suspended';

export interface AutoRecharge {
  readonly enabled: boolean;
  readonly thresholdMicros: Micros;
  readonly amountMicros: Micros;
  /** Why it stopped (a decline); null while it works. */
  readonly stoppedReason: string | null;
}

export interface Account {
  readonly id: string;
  readonly name: string;
  readonly currency: string;
  readonly language: Language;
  readonly status: AccountStatus;
  readonly maxConcurrentCalls: number;
  readonly balanceMicros: Micros;
  readonly ledgerSeq: bigint;
  readonly autoRecharge: AutoRecharge;
  readonly createdAt: Date;
}

export interface NewAccount {
  readonly id: string;
  readonly name: string;
  readonly currency?: string;
  readonly language?: Language;
  readonly maxConcurrentCalls?: number;
}

const COLUMNS = `id, name, currency, language, status, max_concurrent_calls, balance_micros, ledger_seq,
  auto_recharge_enabled, auto_recharge_threshold_micros, auto_recharge_amount_micros, auto_recharge_stopped_reason, created_at`;

interface AccountRow {
  id: string; name: string; currency: string; language: Language; status: AccountStatus; max_concurrent_calls: number;
  balance_micros: string; ledger_seq: string; auto_recharge_enabled: boolean; auto_recharge_threshold_micros: string;
  auto_recharge_amount_micros: string; auto_recharge_stopped_reason: string | null; created_at: Date;
}

function toAccount(row: AccountRow): Account {
  return {
    id: row.id, name: row.name, currency: row.currency, language: row.language, status: row.status,
    maxConcurrentCalls: row.max_concurrent_calls, balanceMicros: parseMicros(row.balance_micros), ledgerSeq: BigInt(row.ledger_seq),
    autoRecharge: {
      enabled: row.auto_recharge_enabled,
      thresholdMicros: parseMicros(row.auto_recharge_threshold_micros),
      amountMicros: parseMicros(row.auto_recharge_amount_micros),
      stoppedReason: row.auto_recharge_stopped_reason,
    },
    createdAt: row.created_at,
  };
}

export function assertAccountId(accountId: unknown): asserts accountId is string {
  if (typeof accountId !== 'string' || !ACCOUNT_ID.test(accountId)) {
    throw new SoldeError('BAD_INPUT', `account id must match ${ACCOUNT_ID.source}, got ${JSON.stringify(accountId)}`);
  }
}

export async function getAccount(pool: Pool, accountId: string): Promise<Account | undefined> {
  if (typeof accountId !== 'string' || !ACCOUNT_ID.test(accountId)) return undefined;
  const { rows } = await pool.query<AccountRow>(`SELECT ${COLUMNS} FROM accounts WHERE id = $1`, [accountId]);
  return rows[0] ? toAccount(rows[0]) : undefined;
}

export async function requireAccount(pool: Pool, accountId: string): Promise<Account> {
  assertAccountId(accountId);
  const account = await getAccount(pool, accountId);
  if (!account) throw new SoldeError('UNKNOWN_ACCOUNT', accountId);
  return account;
}

export async function listAccountIds(pool: Pool, afterId: string, limit: number): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>('SELECT id FROM accounts WHERE id > $1 ORDER BY id LIMIT $2', [afterId, limit]);
  return rows.map((r) => r.id);
}

/** A page of accounts with the ledger seq Postgres is at, for the sweeper's staleness check. */
export async function listAccountSeqs(pool: Pool, afterId: string, limit: number): Promise<Array<{ id: string; ledgerSeq: bigint }>> {
  const { rows } = await pool.query<{ id: string; ledger_seq: string }>(
    'SELECT id, ledger_seq FROM accounts WHERE id > $1 ORDER BY id LIMIT $2', [afterId, limit]);
  return rows.map((r) => ({ id: r.id, ledgerSeq: BigInt(r.ledger_seq) }));
}

export async function createAccount(pool: Pool, input: NewAccount, defaultCurrency: string): Promise<Account> {
  assertAccountId(input.id);
  const name = input.name?.trim();
  if (!name || name.length > 200) throw new SoldeError('BAD_INPUT', 'name must be 1 to 200 characters');
  const currency = input.currency ?? defaultCurrency;
  if (!/^[A-Z]{3}$/.test(currency)) throw new SoldeError('BAD_INPUT', `currency must be an ISO 4217 code, got ${JSON.stringify(currency)}`);
  const language = input.language ?? 'fr';
  if (language !== 'fr' && language !== 'en') throw new SoldeError('BAD_INPUT', `language must be fr or en`);
  const maxCalls = input.maxConcurrentCalls ?? 10;
  if (!Number.isSafeInteger(maxCalls) || maxCalls < 0 || maxCalls > 100_000) throw new SoldeError('BAD_INPUT', 'max concurrent calls must be 0 to 100000');
  const { rows } = await pool.query<AccountRow>(
    `INSERT INTO accounts (id, name, currency, language, max_concurrent_calls) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (id) DO NOTHING RETURNING ${COLUMNS}`,
    [input.id, name, currency, language, maxCalls],
  );
  if (!rows[0]) throw new SoldeError('IDEMPOTENCY_CONFLICT', `account ${input.id} already exists`);
  return toAccount(rows[0]);
}

export interface AutoRechargeSettings {
  readonly enabled: boolean;
  readonly thresholdMicros?: Micros;
  readonly amountMicros?: Micros;
}

/** Stores the settings; enabling clears the reason of a previous stop. Returns the account. */
export async function saveAutoRecharge(pool: Pool, accountId: string, s: AutoRechargeSettings): Promise<Account> {
  const threshold = s.thresholdMicros ?? 0n;
  const amount = s.amountMicros ?? 0n;
  for (const [what, value] of [['threshold', threshold], ['amount', amount]] as const) {
    if (typeof value !== 'bigint' || value < 0n || value > MAX_OPERATION_MICROS) throw new SoldeError('BAD_AMOUNT', `${what}: ${String(value)}`);
  }
  if (s.enabled && (threshold <= 0n || amount <= 0n)) throw new SoldeError('BAD_AMOUNT', 'auto-recharge needs a threshold and an amount');
  const { rows } = await pool.query<AccountRow>(
    `UPDATE accounts SET auto_recharge_enabled = $2, auto_recharge_threshold_micros = $3, auto_recharge_amount_micros = $4,
       auto_recharge_stopped_reason = NULL WHERE id = $1 RETURNING ${COLUMNS}`,
    [accountId, s.enabled, String(threshold), String(amount)],
  );
  if (!rows[0]) throw new SoldeError('UNKNOWN_ACCOUNT', accountId);
  return toAccount(rows[0]);
}

/** A decline stops auto-recharge until the customer turns it on again; the reason is shown to them. */
export async function stopAutoRecharge(pool: Pool, accountId: string, reason: string): Promise<void> {
  await pool.query('UPDATE accounts SET auto_recharge_enabled = false, auto_recharge_stopped_reason = $2 WHERE id = $1', [accountId, reason]);
}
