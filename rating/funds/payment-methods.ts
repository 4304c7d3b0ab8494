// The card on file (a processor token and the last four digits, never a card number) and the trail of
// every charge attempt.
import type { Pool } from '../db/pool';
import { SoldeError } from '../../core/errors';
import type { Micros } from '../money';
import type { ChargeResult } from './payments';

export interface PaymentMethod {
  readonly id: string;
  readonly accountId: string;
  readonly token: string;
  readonly last4: string;
  readonly brand: string;
  readonly createdAt: Date;
}

export interface NewPaymentMethod {
  readonly accountId: string;
  readonly token: string;
  readonly last4: string;
  readonly brand: string;
}

/** Puts a card on file, replacing the previous one (kept, marked removed). */
export async function addPaymentMethod(pool: Pool, m: NewPaymentMethod): Promise<PaymentMethod> {
  if (typeof m.token !== 'string' || !/^[A-Za-z0-9_-]{1,200}$/.test(m.token)) throw new SoldeError('BAD_INPUT', 'token must be 1 to 200 letters, digits, _ or -');
  if (typeof m.last4 !== 'string' || !/^\d{4}$/.test(m.last4)) throw new SoldeError('BAD_INPUT', 'last4 must be four digits');
  if (typeof m.brand !== 'string' || !/^[a-z0-9 _-]{1,40}$/i.test(m.brand)) throw new SoldeError('BAD_INPUT', 'brand must be 1 to 40 letters');
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const found = await client.query('SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE', [m.accountId]);
    if (found.rowCount === 0) throw new SoldeError('UNKNOWN_ACCOUNT', m.accountId);
    await client.query('UPDATE payment_methods SET removed_at = now() WHERE account_id = $1 AND removed_at IS NULL', [m.accountId]);
    const { rows } = await client.query<{ id: string; created_at: Date }>(
      'INSERT INTO payment_methods (account_id, token, last4, brand) VALUES ($1, $2, $3, $4) RETURNING id, created_at',
      [m.accountId, m.token, m.last4, m.brand]);
    await client.query('COMMIT');
    return { id: rows[0]!.id, accountId: m.accountId, token: m.token, last4: m.last4, brand: m.brand, createdAt: rows[0]!.created_at };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

export async function currentPaymentMethod(pool: Pool, accountId: string): Promise<PaymentMethod | undefined> {
  const { rows } = await pool.query<{ id: string; account_id: string; token: string; last4: string; brand: string; created_at: Date }>(
    'SELECT id, account_id, token, last4, brand, created_at FROM payment_methods WHERE account_id = $1 AND removed_at IS NULL', [accountId]);
  const r = rows[0];
  return r ? { id: r.id, accountId: r.account_id, token: r.token, last4: r.last4, brand: r.brand, createdAt: r.created_at } : undefined;
}

export async function recordAttempt(pool: Pool, a: { accountId: string; requestId: string; kind: 'topup' | 'auto_recharge'; amountMicros: Micros; result: ChargeResult }): Promise<void> {
  await pool.query(
    `INSERT INTO payment_attempts (account_id, request_id, kind, amount_micros, outcome, provider_reference, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [a.accountId, a.requestId, a.kind, String(a.amountMicros), a.result.outcome, a.result.reference ?? null, a.result.detail ?? null]);
}

export async function countAttempts(pool: Pool, accountId: string): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ outcome: string; n: string }>(
    'SELECT outcome, count(*)::text AS n FROM payment_attempts WHERE account_id = $1 GROUP BY outcome', [accountId]);
  return Object.fromEntries(rows.map((r) => [r.outcome, Number(r.n)]));
}
