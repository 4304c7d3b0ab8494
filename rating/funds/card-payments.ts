// Every charge asked of the card processor goes through here, exactly once per payment key (the ledger's
// idempotency key, also the processor's Idempotency-Key): the key is claimed in Postgres before the
// processor is asked, so however many requests carry it, in any number of processes, one asks at a time
// (a lease, `asking_until`) and one ledger entry is ever credited. In one process, concurrent callers of a
// key share the one answer. An unknown answer (timeout, 5xx) leaves the payment `pending`: it is asked
// again with the same key (the processor replays or performs it, never twice) by settlePending(), by a
// repeat of the request, or settled by a webhook.
import type { Pool } from '../db/pool';
import { SoldeError } from '../../core/errors';
import { topupsTotal } from './metrics';
import { parseMicros, type Micros } from '../money';
import { syncEntry, type FundsContext } from './context';
import { getEntry, post, type LedgerEntry } from './ledger';
import { recordAttempt } from './payment-methods';
import type { ChargeResult } from './payments';

export type PaymentStatus = 'pending' | 'needs_authentication' | 'succeeded' | 'declined';

export interface NewPayment {
  readonly key: string;
  readonly accountId: string;
  readonly kind: 'topup' | 'auto_recharge';
  readonly amountMicros: Micros;
  readonly currency: string;
  readonly token: string;
  /** "visa 4242": what the ledger entry and the portal show. */
  readonly card: string;
  readonly actor: string;
  readonly description: string;
}

export interface CardPayment extends NewPayment {
  readonly processor: string;
  readonly status: PaymentStatus;
  readonly reference: string | null;
  readonly detail: string | null;
  readonly entryId: string | null;
  readonly asks: number;
}

export interface Settled {
  readonly payment: CardPayment;
  /** Set when the payment succeeded: its ledger entry. */
  readonly entry?: LedgerEntry;
  /** True when this call wrote the ledger entry. */
  readonly created: boolean;
}

/** Longer than the processor client's timeout: a lease that ran out means its asker died. */
const LEASE_SECONDS = 60;
/** After this many asks without an answer, only a webhook or an operator settles the payment (logged). */
export const MAX_ASKS = 20;
const SETTLE_BATCH = 20;
const IN_FLIGHT_LIMIT = 10_000;

const COLUMNS = `payment_key, account_id, kind, amount_micros, currency, processor, token, card, actor, status, reference,
  detail, entry_id, asks`;

interface Row {
  payment_key: string; account_id: string; kind: 'topup' | 'auto_recharge'; amount_micros: string; currency: string;
  processor: string; token: string; card: string; actor: string; status: PaymentStatus; reference: string | null;
  detail: string | null; entry_id: string | null; asks: number;
}

function toPayment(r: Row): CardPayment {
  return {
    key: r.payment_key, accountId: r.account_id, kind: r.kind, amountMicros: parseMicros(r.amount_micros), currency: r.currency,
    processor: r.processor, token: r.token, card: r.card, actor: r.actor, status: r.status, reference: r.reference, detail: r.detail,
    entryId: r.entry_id, asks: r.asks, description: `Solde ${r.kind === 'topup' ? 'top-up' : 'auto-recharge'} ${r.account_id}`,
  };
}

export async function getPayment(pool: Pool, key: string): Promise<CardPayment | undefined> {
  const { rows } = await pool.query<Row>(`SELECT ${COLUMNS} FROM card_payments WHERE payment_key = $1`, [key]);
  return rows[0] ? toPayment(rows[0]) : undefined;
}

export async function paymentByReference(pool: Pool, reference: string): Promise<CardPayment | undefined> {
  const { rows } = await pool.query<Row>(`SELECT ${COLUMNS} FROM card_payments WHERE reference = $1`, [reference]);
  return rows[0] ? toPayment(rows[0]) : undefined;
}

export class CardPayments {
  private readonly inFlight = new Map<string, Promise<Settled>>();

  constructor(private readonly ctx: FundsContext) {}

  /** Charges a new payment key once, or answers what became of it; concurrent callers share one answer. */
  pay(p: NewPayment): Promise<Settled> {
    const running = this.inFlight.get(p.key);
    if (running) return running;
    if (this.inFlight.size >= IN_FLIGHT_LIMIT) throw new SoldeError('PAYMENT_UNAVAILABLE', 'too many payments in progress');
    const work = this.claimAndAsk(p).finally(() => this.inFlight.delete(p.key));
    this.inFlight.set(p.key, work);
    return work;
  }

  /**
   * Asks the processor again about pending top-ups nobody is asking about (a timer of FundsService). Not
   * auto-recharges: those wait for their crossing's next round (the recharger's pause) or a webhook, so a
   * processor that is down is not asked every minute for them.
   */
  async settlePending(): Promise<number> {
    const { rows } = await this.ctx.pool.query<{ payment_key: string }>(
      `SELECT payment_key FROM card_payments WHERE status = 'pending' AND kind = 'topup' AND asks < $1 AND updated_at < now() - interval '30 seconds'
         AND (asking_until IS NULL OR asking_until < now()) ORDER BY updated_at LIMIT $2`, [MAX_ASKS, SETTLE_BATCH]);
    let settled = 0;
    for (const { payment_key: key } of rows) {
      const payment = await this.lease(key);
      if (!payment) continue;
      const result = await this.ask(payment);
      if (result.payment.status !== 'pending') settled += 1;
      else if (result.payment.asks >= MAX_ASKS) this.ctx.log.error({ key }, 'card payment still unconfirmed after the last ask: only a webhook or support settles it now');
    }
    return settled;
  }

  /** The processor took the money (its answer, a webhook, a finished checkout): one ledger entry, ever. */
  async credit(key: string, reference: string | null): Promise<Settled> {
    const payment = await getPayment(this.ctx.pool, key);
    if (!payment) throw new SoldeError('UNKNOWN_PAYMENT', key);
    const simulated = this.ctx.provider.simulated && payment.processor === this.ctx.provider.name;
    const posted = await post(this.ctx.pool, {
      accountId: payment.accountId, kind: payment.kind, amountMicros: payment.amountMicros, idempotencyKey: key, actor: payment.actor,
      ...(simulated ? { reason: 'SIMULATED payment: the card processor simulator moved no money' } : {}),
      metadata: { paymentReference: reference, provider: payment.processor, card: payment.card, ...(simulated ? { simulated: true } : {}) },
    });
    const { rows } = await this.ctx.pool.query<Row>(
      `UPDATE card_payments SET status = 'succeeded', entry_id = $2, reference = coalesce($3, reference), asking_until = NULL, updated_at = now()
       WHERE payment_key = $1 RETURNING ${COLUMNS}`, [key, posted.entry.id, reference]);
    await syncEntry(this.ctx, posted.entry, posted.currency, payment.kind === 'auto_recharge');
    return { payment: toPayment(rows[0]!), entry: posted.entry, created: posted.created };
  }

  /** A refusal (answer or webhook); never undoes a success. */
  async refuse(key: string, status: 'declined' | 'needs_authentication', reference: string | null, detail: string): Promise<void> {
    await this.ctx.pool.query(
      `UPDATE card_payments SET status = $2, reference = coalesce($3, reference), detail = $4, asking_until = NULL, updated_at = now()
       WHERE payment_key = $1 AND status IN ('pending', 'needs_authentication')`, [key, status, reference, detail.slice(0, 500)]);
  }

  private async claimAndAsk(p: NewPayment): Promise<Settled> {
    const { rows } = await this.ctx.pool.query<Row>(
      `INSERT INTO card_payments (payment_key, account_id, kind, amount_micros, currency, processor, token, card, actor, status, asks, asking_until)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', 1, now() + make_interval(secs => $10))
       ON CONFLICT (payment_key) DO NOTHING RETURNING ${COLUMNS}`,
      [p.key, p.accountId, p.kind, String(p.amountMicros), p.currency, this.ctx.provider.name, p.token, p.card, p.actor, LEASE_SECONDS]);
    if (rows[0]) return this.ask(toPayment(rows[0]));
    const earlier = (await getPayment(this.ctx.pool, p.key))!;
    if (earlier.accountId !== p.accountId || earlier.amountMicros !== p.amountMicros || earlier.kind !== p.kind) throw new SoldeError('IDEMPOTENCY_CONFLICT', p.key);
    if (earlier.status !== 'pending') return this.settled(earlier);
    const leased = await this.lease(p.key);
    return leased ? this.ask(leased) : { payment: earlier, created: false }; // another process is asking right now
  }

  private async lease(key: string): Promise<CardPayment | undefined> {
    const { rows } = await this.ctx.pool.query<Row>(
      `UPDATE card_payments SET asks = asks + 1, asking_until = now() + make_interval(secs => $2), updated_at = now()
       WHERE payment_key = $1 AND status = 'pending' AND asks < $3 AND (asking_until IS NULL OR asking_until < now())
       RETURNING ${COLUMNS}`, [key, LEASE_SECONDS, MAX_ASKS]);
    return rows[0] ? toPayment(rows[0]) : undefined;
  }

  private async ask(payment: CardPayment): Promise<Settled> {
    let result: ChargeResult;
    try {
      result = await this.ctx.provider.charge({
        requestId: payment.key, accountId: payment.accountId, token: payment.token, amountMicros: payment.amountMicros,
        currency: payment.currency, description: payment.description,
      });
    } catch (error) {
      await this.unlease(payment.key, (error as Error).message);
      throw error;
    }
    await recordAttempt(this.ctx.pool, { accountId: payment.accountId, requestId: payment.key, kind: payment.kind, amountMicros: payment.amountMicros, result });
    topupsTotal.inc({ kind: payment.kind, outcome: result.outcome });
    switch (result.outcome) {
      case 'approved': return this.credit(payment.key, result.reference ?? null);
      case 'unavailable': await this.unlease(payment.key, result.detail ?? 'no answer', result.reference); break;
      case 'needs_authentication': await this.refuse(payment.key, 'needs_authentication', result.reference ?? null, result.detail ?? 'authentication required'); break;
      default: await this.refuse(payment.key, 'declined', result.reference ?? null, result.detail ?? result.outcome);
    }
    // As it is now: a webhook may have settled it while this ask was waiting (a success is never undone).
    return this.settled((await getPayment(this.ctx.pool, payment.key))!);
  }

  private async unlease(key: string, detail: string, reference?: string): Promise<void> {
    await this.ctx.pool.query(
      `UPDATE card_payments SET asking_until = NULL, detail = $2, reference = coalesce($3, reference), updated_at = now()
       WHERE payment_key = $1 AND status = 'pending'`, [key, detail.slice(0, 500), reference ?? null]);
  }

  private async settled(payment: CardPayment): Promise<Settled> {
    const entry = payment.entryId ? await getEntry(this.ctx.pool, payment.entryId) : undefined;
    return { payment, entry, created: false };
  }
}
