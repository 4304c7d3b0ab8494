// SOLDE_CARD_PROCESSOR chooses the adapter of the payment port: stripe, simulator (only when named; a
// warning at every start), or none (unset: every card top-up and auto-recharge is refused).
import type { Logger } from '../../core/log';
import type { Pool } from '../db/pool';
import { CardProcessorSimulator } from './payment-simulator';
import { NoCardProcessor, type PaymentProvider } from './payments';
import { StripeProvider } from './stripe/stripe-provider';

/** Which card processor charges top-ups (src/config.ts reads it from SOLDE_CARD_PROCESSOR and SOLDE_STRIPE_*). */
export type PaymentsConfig =
  | { readonly processor: 'simulator' }
  | { readonly processor: 'stripe'; readonly secretKey: string; readonly webhookSecret: string;
      /** SOLDE_STRIPE_API_URL: another Stripe API address (stripe-mock, a local fake), else api.stripe.com. */
      readonly api: { readonly host: string; readonly port: number; readonly protocol: 'http' | 'https' } | null };

export function createPaymentProvider(payments: PaymentsConfig | null, pool: Pool, log: Logger): PaymentProvider {
  if (payments === null) {
    log.warn('payments: SOLDE_CARD_PROCESSOR is not set, so card top-ups and auto-recharge are refused (PAYMENTS_NOT_CONFIGURED); set it to stripe (see docs/PAYMENTS.md) or simulator on a test system');
    return new NoCardProcessor();
  }
  if (payments.processor === 'simulator') {
    log.warn('payments: the card processor SIMULATOR is in use (SOLDE_CARD_PROCESSOR=simulator): test cards only, no real card is charged, and its ledger entries say SIMULATED');
    return new CardProcessorSimulator();
  }
  const live = payments.secretKey.includes('_live_');
  log.info({ mode: live ? 'live' : 'test', api: payments.api ? `${payments.api.protocol}://${payments.api.host}:${payments.api.port}` : 'api.stripe.com' }, 'payments: Stripe');
  return new StripeProvider({ secretKey: payments.secretKey, ...(payments.api ?? {}) }, pool, log);
}
