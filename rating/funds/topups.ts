// Top-ups: one of the predefined amounts, charged to the card on file (card-payments.ts: once per request
// id, whatever the concurrency), credited in the ledger only on the processor's success and installed in
// Redis. The ledger entry's key is `topup:<requestId>`; a repeat returns the first entry. Refused with
// PAYMENTS_NOT_CONFIGURED when no card processor is configured.
import { SoldeError } from '../../core/errors';
import type { Micros } from '../money';
import { requireAccount } from './accounts';
import { syncEntry, type FundsContext } from './context';
import type { CardPayments, Settled } from './card-payments';
import { getEntryByKey, type LedgerEntry } from './ledger';
import { currentPaymentMethod } from './payment-methods';
import { toMinorUnits } from './payments';

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

export async function topUp(ctx: FundsContext, payments: CardPayments, req: TopUpRequest): Promise<TopUpResult> {
  assertRequest(req.requestId, req.actor);
  if (typeof req.amountMicros !== 'bigint' || req.amountMicros <= 0n) throw new SoldeError('BAD_AMOUNT', `amount must be a positive number of micro-units`);
  if (!ctx.config.topupAmountsMicros.includes(req.amountMicros)) {
    throw new SoldeError('NOT_PREDEFINED_AMOUNT', `allowed: ${ctx.config.topupAmountsMicros.map((a) => String(a / 1_000_000n)).join(', ')}`);
  }
  if (!ctx.provider.configured) throw new SoldeError('PAYMENTS_NOT_CONFIGURED');
  const account = await requireAccount(ctx.pool, req.accountId);
  if (req.currency !== undefined && req.currency !== account.currency) {
    throw new SoldeError('CURRENCY_MISMATCH', `account ${account.id} is in ${account.currency}, not ${String(req.currency)}`);
  }
  toMinorUnits(req.amountMicros, account.currency); // refused before anything is claimed when a card cannot be charged it
  const key = `topup:${req.requestId}`;
  const earlier = await getEntryByKey(ctx.pool, key);
  if (earlier) {
    if (earlier.accountId !== account.id || earlier.amountMicros !== req.amountMicros) throw new SoldeError('IDEMPOTENCY_CONFLICT', req.requestId);
    await syncEntry(ctx, earlier, account.currency);
    return { entry: earlier, created: false };
  }
  const card = await currentPaymentMethod(ctx.pool, account.id);
  if (!card) throw new SoldeError('NO_PAYMENT_METHOD', account.id);
  const settled = await payments.pay({
    key, accountId: account.id, kind: 'topup', amountMicros: req.amountMicros, currency: account.currency, token: card.token,
    card: `${card.brand} ${card.last4}`, actor: req.actor, description: `Solde top-up ${account.id}`,
  });
  return outcomeOf(settled);
}

/** A top-up that did not succeed (now) is a coded error that names its state; the top-up keeps it. */
export function outcomeOf(settled: Settled): TopUpResult {
  const { payment } = settled;
  const meta = { status: payment.status, paymentKey: payment.key };
  switch (payment.status) {
    case 'succeeded': return { entry: settled.entry!, created: settled.created };
    case 'pending': throw new SoldeError('PAYMENT_UNAVAILABLE', payment.detail ?? undefined, meta);
    case 'needs_authentication': throw new SoldeError('PAYMENT_NEEDS_AUTHENTICATION', payment.detail ?? undefined, meta);
    default: throw new SoldeError('PAYMENT_DECLINED', payment.detail ?? 'declined', meta);
  }
}
