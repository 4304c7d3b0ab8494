// A refund or a dispute at the card processor takes the money of a top-up back: a `reversal` entry in
// the ledger, once per refund state or dispute (its idempotency key), never more in total than the top-up
// itself (a support reversal, an earlier refund or dispute count). The balance may go below zero: the
// money was already spent on calls; a negative balance refuses every paid call until funds are added.
import type { PoolClient } from '../db/pool';
import { SoldeError } from '../../core/errors';
import type { Micros } from '../money';
import { syncEntry, type FundsContext } from './context';
import { getEntry, post, type LedgerEntry } from './ledger';
import { paymentByReference } from './card-payments';

export interface ProcessorReversal {
  /** The processor's reference of the payment (a PaymentIntent id). */
  readonly reference: string;
  readonly cause: 'refund' | 'dispute';
  /** refund: the charge's refunded total so far (cumulative); dispute: the disputed amount. */
  readonly amountMicros: Micros;
  /** One per refund state or dispute, e.g. `stripe-refund:ch_1:500` or `stripe-dispute:dp_1`. */
  readonly key: string;
  readonly reason: string;
}

export type ReversalOutcome = 'reversed' | 'already' | 'nothing_left' | 'unknown_payment';

const ATTEMPTS = 3;

class Moved extends Error {}

export async function reverseForProcessor(ctx: FundsContext, r: ProcessorReversal): Promise<ReversalOutcome> {
  const payment = await paymentByReference(ctx.pool, r.reference);
  const topup = payment?.entryId ? await getEntry(ctx.pool, payment.entryId) : undefined;
  if (!topup) {
    ctx.log.warn({ reference: r.reference, cause: r.cause }, 'processor reversal of a payment Solde never credited: nothing to reverse');
    return 'unknown_payment';
  }
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const plan = await planOf(ctx.pool, topup, r);
    if (plan.deltaMicros <= 0n) return plan.already ? 'already' : 'nothing_left';
    try {
      const posted = await post(ctx.pool, {
        accountId: topup.accountId, kind: 'reversal', amountMicros: -plan.deltaMicros, idempotencyKey: r.key, actor: `processor:${payment!.processor}`,
        reason: r.reason, reversesEntryId: topup.id, metadata: { reversedKind: topup.kind, cause: r.cause, paymentReference: r.reference },
      }, async (c) => {
        const now = await planOf(c, topup, r);
        if (now.deltaMicros !== plan.deltaMicros) throw new Moved(); // another reversal came in between: plan again
      });
      await syncEntry(ctx, posted.entry, posted.currency);
      return posted.created ? 'reversed' : 'already';
    } catch (error) {
      if (!(error instanceof Moved)) throw error;
    }
  }
  throw new SoldeError('IDEMPOTENCY_CONFLICT', `reversal ${r.key} kept racing another one`);
}

/** What this reversal still has to take: refunds up to the refunded total, everything up to the top-up. */
async function planOf(c: PoolClient | FundsContext['pool'], topup: LedgerEntry, r: ProcessorReversal): Promise<{ deltaMicros: Micros; already: boolean }> {
  const { rows } = await c.query<{ total: string; refunds: string; mine: string }>(
    `SELECT coalesce(sum(-amount_micros), 0)::text AS total,
            coalesce(sum(-amount_micros) FILTER (WHERE metadata->>'cause' = 'refund'), 0)::text AS refunds,
            count(*) FILTER (WHERE idempotency_key = $2)::text AS mine
     FROM ledger_entries WHERE kind = 'reversal' AND reverses_entry_id = $1`,
    [topup.id, r.key]);
  const row = rows[0]!;
  if (row.mine !== '0') return { deltaMicros: 0n, already: true };
  const left = topup.amountMicros - BigInt(row.total);
  const wanted = r.cause === 'refund' ? r.amountMicros - BigInt(row.refunds) : r.amountMicros;
  return { deltaMicros: wanted < left ? wanted : left, already: false };
}
