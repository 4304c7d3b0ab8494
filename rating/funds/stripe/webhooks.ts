// Stripe webhook events: the raw body is verified with the endpoint's signing secret
// (stripe.webhooks.constructEvent: HMAC-SHA256, 5-minute tolerance), each event id is applied once
// (processor_events), and every payment outcome reaches the ledger through the same idempotent steps as
// Solde's own answers: a late success credits the top-up once, a refund or a dispute reverses it.
import Stripe from 'stripe';
import { isSoldeError, SoldeError } from '../../../core/errors';
import type { Logger } from '../../../core/log';
import { fromMinorUnits } from '../payments';
import { finishCheckout } from '../checkout';
import { getPayment, type CardPayments } from '../card-payments';
import type { FundsContext } from '../context';
import { reverseForProcessor } from '../processor-reversal';

export interface WebhookReceipt {
  readonly eventId: string;
  readonly type: string;
  /** False: this event id had been applied before; nothing changed. */
  readonly applied: boolean;
}

export class StripeWebhooks {
  constructor(
    private readonly stripe: Stripe,
    private readonly secret: string,
    private readonly funds: { readonly ctx: FundsContext; readonly payments: CardPayments },
    private readonly log: Logger,
  ) {}

  async receive(rawBody: Buffer, signature: string | undefined): Promise<WebhookReceipt> {
    let event: Stripe.Event;
    try {
      event = this.stripe.webhooks.constructEvent(rawBody, signature ?? '', this.secret);
    } catch (error) {
      throw new SoldeError('BAD_WEBHOOK_SIGNATURE', (error as Error).message);
    }
    const pool = this.funds.ctx.pool;
    const seen = await pool.query('SELECT 1 FROM processor_events WHERE event_id = $1', [event.id]);
    if (seen.rowCount) return { eventId: event.id, type: event.type, applied: false };
    await this.apply(event);
    // Recorded after it was applied: a crash in between redelivers it, and applying is idempotent anyway.
    await pool.query('INSERT INTO processor_events (event_id, type) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING', [event.id, event.type]);
    return { eventId: event.id, type: event.type, applied: true };
  }

  private async apply(event: Stripe.Event): Promise<void> {
    const { ctx, payments } = this.funds;
    switch (event.type) {
      case 'payment_intent.succeeded': {
        const key = await this.soldeKey(event.data.object);
        if (key) await payments.credit(key, event.data.object.id);
        return;
      }
      case 'payment_intent.payment_failed': {
        const intent = event.data.object;
        const key = await this.soldeKey(intent);
        const e = intent.last_payment_error;
        if (!key) return;
        if (e?.code === 'authentication_required') await payments.refuse(key, 'needs_authentication', intent.id, e.message ?? 'authentication required');
        else await payments.refuse(key, 'declined', intent.id, `${e?.decline_code ?? e?.code ?? 'declined'}: ${e?.message ?? ''}`.trim());
        return;
      }
      case 'charge.refunded': {
        const charge = event.data.object;
        const reference = idOf(charge.payment_intent);
        if (!reference) return;
        await reverseForProcessor(ctx, {
          reference, cause: 'refund', amountMicros: fromMinorUnits(charge.amount_refunded, charge.currency),
          key: `stripe-refund:${charge.id}:${charge.amount_refunded}`, reason: 'refunded at Stripe',
        });
        return;
      }
      case 'charge.dispute.created': {
        const dispute = event.data.object;
        const reference = idOf(dispute.payment_intent);
        if (!reference) return;
        await reverseForProcessor(ctx, {
          reference, cause: 'dispute', amountMicros: fromMinorUnits(dispute.amount, dispute.currency),
          key: `stripe-dispute:${dispute.id}`, reason: `disputed at Stripe (${dispute.reason})`,
        });
        return;
      }
      case 'checkout.session.completed': {
        if (!event.data.object.metadata?.solde_account) return;
        // A session naming a payment Solde has no record of is acknowledged (logged), or Stripe would
        // redeliver it for days.
        await finishCheckout(ctx, payments, event.data.object.id).catch((error: unknown) => {
          if (!isSoldeError(error, 'UNKNOWN_PAYMENT')) throw error;
          this.log.warn({ sessionId: event.data.object.id, err: (error as Error).message }, 'stripe checkout for a payment Solde does not know: ignored');
        });
        return;
      }
      default:
        this.log.debug({ type: event.type, eventId: event.id }, 'stripe webhook event not used by Solde');
    }
  }

  /** The Solde payment a PaymentIntent belongs to (its metadata), if Solde knows it. */
  private async soldeKey(intent: Stripe.PaymentIntent): Promise<string | undefined> {
    const key = intent.metadata?.solde_key;
    if (!key) return undefined;
    if (await getPayment(this.funds.ctx.pool, key)) return key;
    this.log.warn({ key, intent: intent.id }, 'stripe webhook for a payment Solde has no record of: ignored');
    return undefined;
  }
}

function idOf(x: string | { id: string } | null | undefined): string | undefined {
  return typeof x === 'string' ? x : x?.id;
}
