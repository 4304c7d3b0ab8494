// Auto-recharge. The Lua scripts mark a crossing of the threshold once (rpend = the ledger seq at the
// crossing) and tell only that one operation; it calls start(). The charge's request id is
// `auto-recharge:<account>:<seq>`, so even another process, or a crossing seen again after a Redis
// rebuild, cannot charge twice for one crossing. Transient failures are retried with backoff (bounded),
// then after a 5-minute pause (the crossing mark's retry time in common.lua); a decline or a bank asking
// for authentication stops auto-recharge and records why. No card processor configured: nothing is charged.
import { getAccount, stopAutoRecharge } from './accounts';
import type { CardPayments } from './card-payments';
import { syncEntry, type FundsContext } from './context';
import { getEntryByKey } from './ledger';
import { currentPaymentMethod } from './payment-methods';

export type RechargeOutcome = 'recharged' | 'already' | 'disabled' | 'no_card' | 'declined' | 'gave_up' | 'not_configured' | 'error';

export class AutoRecharger {
  private readonly running = new Map<string, Promise<RechargeOutcome>>();

  constructor(private readonly ctx: FundsContext, private readonly payments: CardPayments) {}

  /** Starts the recharge of one crossing in the background (the call path never waits for a card). */
  start(accountId: string, crossing: string): void {
    const key = `${accountId}\n${crossing}`;
    if (this.running.has(key)) return;
    const work = this.recharge(accountId, crossing)
      .catch((error: unknown) => {
        this.ctx.log.error({ err: error, accountId }, 'auto-recharge failed');
        return 'error' as const;
      })
      .finally(() => this.running.delete(key));
    this.running.set(key, work);
  }

  /** Waits for recharges in progress (tests, shutdown). */
  async idle(): Promise<void> {
    for (let round = 0; round < 100 && this.running.size > 0; round += 1) await Promise.all(this.running.values());
  }

  async recharge(accountId: string, crossing: string): Promise<RechargeOutcome> {
    if (!this.ctx.provider.configured) {
      this.ctx.log.warn({ accountId }, 'auto-recharge: card payments are not configured (SOLDE_CARD_PROCESSOR), nothing charged');
      return 'not_configured';
    }
    const account = await getAccount(this.ctx.pool, accountId);
    if (!account || !account.autoRecharge.enabled) {
      if (account) await this.ctx.syncAccount(account, true); // installs threshold 0: no more crossings
      return 'disabled';
    }
    const requestId = `auto-recharge:${accountId}:${crossing}`;
    const done = await getEntryByKey(this.ctx.pool, requestId);
    if (done) {
      await syncEntry(this.ctx, done, account.currency, true);
      return 'already';
    }
    const card = await currentPaymentMethod(this.ctx.pool, accountId);
    if (!card) return this.stop(accountId, 'no card on file', 'no_card');
    const amountMicros = account.autoRecharge.amountMicros;
    const payment = {
      key: requestId, accountId, kind: 'auto_recharge' as const, amountMicros, currency: account.currency, token: card.token,
      card: `${card.brand} ${card.last4}`, actor: 'auto-recharge', description: `Solde auto-recharge ${accountId}`,
    };
    for (let attempt = 0; attempt < this.ctx.recharge.maxAttempts; attempt += 1) {
      if (attempt > 0) await sleep(this.ctx.recharge.backoffMs * 2 ** (attempt - 1));
      const { payment: p } = await this.payments.pay(payment);
      if (p.status === 'succeeded') return 'recharged';
      if (p.status === 'pending') continue;
      const why = p.status === 'needs_authentication' ? 'the bank asks for the card holder to confirm: pay one top-up in the portal' : p.detail ?? p.status;
      return this.stop(accountId, `card ${card.last4}: ${why}`, 'declined');
    }
    // Still unavailable: the crossing mark stays, so no operation starts another round at once; the first
    // one after the mark's retry pause (common.lua: RECHARGE_RETRY_MS, 5 min) takes it over, same request id.
    this.ctx.log.warn({ accountId, crossing }, 'auto-recharge: card processor unavailable, trying again in 5 minutes if still under the threshold');
    return 'gave_up';
  }

  private async stop(accountId: string, reason: string, outcome: RechargeOutcome): Promise<RechargeOutcome> {
    await stopAutoRecharge(this.ctx.pool, accountId, reason);
    const account = await getAccount(this.ctx.pool, accountId);
    if (account) await this.ctx.syncAccount(account, true);
    this.ctx.log.warn({ accountId, reason }, 'auto-recharge stopped');
    return outcome;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
