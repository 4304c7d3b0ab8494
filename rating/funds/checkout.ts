// Processor-hosted pages (Stripe Checkout, or the simulator's page): the card holder saves a new card
// (setup) or pays a top-up that needed authentication (payment). Finished on the browser's return and
// on the processor's webhook, whichever comes first; the second changes nothing.
import { SoldeError } from '../../core/errors';
import { requireAccount } from './accounts';
import type { CardPayments } from './card-payments';
import type { FundsContext } from './context';
import { getPayment } from './card-payments';
import { addPaymentMethod, currentPaymentMethod, type PaymentMethod } from './payment-methods';
import { SESSION_ID, type CheckoutStart, type CheckoutUrls } from './payments';

export type CheckoutDone =
  | { readonly kind: 'setup'; readonly card: PaymentMethod }
  | { readonly kind: 'payment'; readonly status: string; readonly entryId: string | null }
  | { readonly kind: 'open' };

export async function startCardChange(ctx: FundsContext, accountId: string, urls: CheckoutUrls): Promise<CheckoutStart> {
  if (!ctx.provider.configured) throw new SoldeError('PAYMENTS_NOT_CONFIGURED');
  const account = await requireAccount(ctx.pool, accountId);
  return ctx.provider.startCardChange({ accountId: account.id, accountName: account.name, currency: account.currency, ...urls });
}

/** Only a top-up that needs authentication can be paid on a hosted page. */
export async function startAuthentication(ctx: FundsContext, accountId: string, paymentKey: string, urls: CheckoutUrls): Promise<CheckoutStart> {
  if (!ctx.provider.configured) throw new SoldeError('PAYMENTS_NOT_CONFIGURED');
  const payment = await getPayment(ctx.pool, paymentKey);
  if (!payment || payment.accountId !== accountId) throw new SoldeError('UNKNOWN_PAYMENT', paymentKey);
  if (payment.status !== 'needs_authentication') throw new SoldeError('BAD_INPUT', `this top-up is ${payment.status}, not waiting for authentication`);
  return ctx.provider.startAuthentication({ accountId, paymentKey, amountMicros: payment.amountMicros, currency: payment.currency, ...urls });
}

/**
 * Applies a finished checkout. `accountId` (the caller's tenant) must be the session's; undefined from
 * a webhook, whose signature already proves where it came from.
 */
export async function finishCheckout(ctx: FundsContext, payments: CardPayments, sessionId: string, accountId?: string): Promise<CheckoutDone> {
  if (!ctx.provider.configured) throw new SoldeError('PAYMENTS_NOT_CONFIGURED');
  if (!SESSION_ID.test(sessionId)) throw new SoldeError('BAD_INPUT', 'not a checkout session id');
  const result = await ctx.provider.checkoutResult(sessionId);
  if (accountId !== undefined && result.accountId !== accountId) throw new SoldeError('UNKNOWN_PAYMENT', sessionId);
  if (result.kind === 'open') return { kind: 'open' };
  if (result.kind === 'setup') {
    const current = await currentPaymentMethod(ctx.pool, result.accountId);
    if (current?.token === result.card.token) return { kind: 'setup', card: current };
    return { kind: 'setup', card: await addPaymentMethod(ctx.pool, { accountId: result.accountId, ...result.card }) };
  }
  const payment = await getPayment(ctx.pool, result.paymentKey);
  if (!payment || payment.accountId !== result.accountId) throw new SoldeError('UNKNOWN_PAYMENT', result.paymentKey);
  const settled = await payments.credit(payment.key, result.reference);
  return { kind: 'payment', status: settled.payment.status, entryId: settled.payment.entryId };
}
