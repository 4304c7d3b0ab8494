// Top-ups: one of the predefined amounts, charged to the card on file, then credited in the ledger and
// installed in Redis. Idempotent by request id: the processor is asked with the same id (charged once) and
// the ledger entry's key is `topup:<requestId>`; a repeat returns the first entry.
import { SoldeError } from '../../core/errors';
import { topupsTotal } from './metrics';
import type { Micros } from '../money';
import { requireAccount } from './accounts';
import { syncEntry, type FundsContext } from './context';
import { getEntryByKey, post, type LedgerEntry } from './ledger';
import { currentPaymentMethod, recordAttempt } from './payment-methods';

export interface TopUpRequest {
  readonly accountId: string;
  readonly amountMicros: Micros;
  /** Idempotency key chosen by the caller (portal request, CLI run): 1 to 100 of [A-Za-z0-9._:-]. */
  readonly requestId: string;
  /** Who asked: an API key label, a support person, "cli:<user>". */
  readonly actor: string;
  /** When given, must be the account's currency. */
  readonly currency?: string;
}

export interface TopUpResult {
  readonly entry: LedgerEntry;
  /** False: this request id had already been credited; nothing was charged or credited again. */
  readonly created: boolean;
}

export const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

export function assertRequest(requestId: unknown, actor: unknown): void {
  if (typeof requestId !== 'string' || !REQUEST_ID.test(requestId)) throw new SoldeError('BAD_INPUT', `request id must match ${REQUEST_ID.source}`);
  if (typeof actor !== 'string' || actor.trim() === '' || actor.length > 200) throw new SoldeError('BAD_INPUT', 'actor must be 1 to 200 characters');
}

export async function topUp(ctx: FundsContext, req: TopUpRequest): Promise<TopUpResult> {
  assertRequest(req.requestId, req.actor);
  if (typeof req.amountMicros !== 'bigint' || req.amountMicros <= 0n) throw new SoldeError('BAD_AMOUNT', `amount must be a positive number of micro-units`);
  if (!ctx.config.topupAmountsMicros.includes(req.amountMicros)) {
    throw new SoldeError('NOT_PREDEFINED_AMOUNT', `allowed: ${ctx.config.topupAmountsMicros.map((a) => String(a / 1_000_000n)).join(', ')}`);
  }
  const account = await requireAccount(ctx.pool, req.accountId);
  if (req.currency !== undefined && req.currency !== account.currency) {
    throw new SoldeError('CURRENCY_MISMATCH', `account ${account.id} is in ${account.currency}, not ${String(req.currency)}`);
  }
  const key = `topup:${req.requestId}`;
  const earlier = await getEntryByKey(ctx.pool, key);
  if (earlier) {
    if (earlier.accountId !== account.id || earlier.amountMicros !== req.amountMicros) throw new SoldeError('IDEMPOTENCY_CONFLICT', req.requestId);
    await syncEntry(ctx, earlier, account.currency);
    return { entry: earlier, created: false };
  }
  const card = await currentPaymentMethod(ctx.pool, account.id);
  if (!card) throw new SoldeError('NO_PAYMENT_METHOD', account.id);
  const result = await ctx.provider.charge({
    requestId: key, token: card.token, amountMicros: req.amountMicros, currency: account.currency, description: `Solde top-up ${account.id}`,
  });
  await recordAttempt(ctx.pool, { accountId: account.id, requestId: key, kind: 'topup', amountMicros: req.amountMicros, result });
  topupsTotal.inc({ kind: 'topup', outcome: result.outcome });
  if (result.outcome === 'unavailable') throw new SoldeError('PAYMENT_UNAVAILABLE', result.detail);
  if (result.outcome !== 'approved') throw new SoldeError('PAYMENT_DECLINED', result.detail ?? result.outcome);
  const posted = await post(ctx.pool, {
    accountId: account.id, kind: 'topup', amountMicros: req.amountMicros, idempotencyKey: key, actor: req.actor,
    metadata: { paymentReference: result.reference, provider: ctx.provider.name, card: `${card.brand} ${card.last4}` },
  });
  await syncEntry(ctx, posted.entry, account.currency);
  return { entry: posted.entry, created: posted.created };
}
