// One Stripe Customer per Solde account, created on first need and remembered in payment_customers. Its
// creation carries an Idempotency-Key named after the account, so concurrent first top-ups (in any number
// of processes) make one Customer.
import type Stripe from 'stripe';
import type { Pool } from '../../db/pool';

export const STRIPE_PROCESSOR = 'stripe';

export class StripeCustomers {
  private readonly creating = new Map<string, Promise<string>>();

  constructor(private readonly stripe: Stripe, private readonly pool: Pool) {}

  /** The account's Customer id, created when it has none. */
  customerOf(accountId: string, name?: string): Promise<string> {
    const running = this.creating.get(accountId);
    if (running) return running;
    const work = this.findOrCreate(accountId, name).finally(() => this.creating.delete(accountId));
    this.creating.set(accountId, work);
    return work;
  }

  private async findOrCreate(accountId: string, name: string | undefined): Promise<string> {
    const known = await this.known(accountId);
    if (known) return known;
    const customer = await this.stripe.customers.create(
      { name: name ?? accountId, metadata: { solde_account: accountId } },
      { idempotencyKey: `solde-customer:${accountId}` });
    await this.pool.query(
      `INSERT INTO payment_customers (account_id, processor, customer_id) VALUES ($1, $2, $3) ON CONFLICT (account_id) DO NOTHING`,
      [accountId, STRIPE_PROCESSOR, customer.id]);
    return (await this.known(accountId))!;
  }

  private async known(accountId: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ customer_id: string }>('SELECT customer_id FROM payment_customers WHERE account_id = $1', [accountId]);
    return rows[0]?.customer_id;
  }
}
