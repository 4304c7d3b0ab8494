// Auto-recharge. The Lua scripts mark a crossing of the threshold once (rpend = the ledger seq at the
// crossing) and tell only that one operation; it calls start(). The charge's request id is
// `auto-recharge:<account>:<seq>`, so even another process, or a crossing seen again after a Redis
// rebuild, cannot charge twice for one crossing. Transient failures are retried with backoff (bounded),
// then after a 5-minute pause (the crossing mark's retry time in common.lua); a decline stops
// auto-recharge and records why.
import { topupsTotal } from './metrics';
import { getAccount, stopAutoRecharge } from './accounts';
import { syncEntry, type FundsContext } from './context';
import { getEntryByKey, post } from './ledger';
import { currentPaymentMethod, recordAttempt } from './payment-methods';

export type RechargeOutcome = 'recharged' | 'already' | 'disabled' | 'no_card' | 'declined' | 'gave_up' | 'error';

export class AutoRecharger {
  private readonly running = new Map<string, Promise<RechargeOutcome>>();

  constructor(private readonly ctx: FundsContext) {}

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
    for (let attempt = 0; attempt < this.ctx.recharge.maxAttempts; attempt += 1) {
      if (attempt > 0) await sleep(this.ctx.recharge.backoffMs * 2 ** (attempt - 1));
      const result = await this.ctx.provider.charge({
        requestId, token: card.token, amountMicros, currency: account.currency, description: `Solde auto-recharge ${accountId}`,
      });
      await recordAttempt(this.ctx.pool, { accountId, requestId, kind: 'auto_recharge', amountMicros, result });
      topupsTotal.inc({ kind: 'auto_recharge', outcome: result.outcome });
      if (result.outcome === 'unavailable') continue;
      if (result.outcome !== 'approved') return this.stop(accountId, `card ${card.last4}: ${result.detail ?? result.outcome}`, 'declined');
      const posted = await post(this.ctx.pool, {
        accountId, kind: 'auto_recharge', amountMicros, idempotencyKey: requestId, actor: 'auto-recharge',
        metadata: { paymentReference: result.reference, provider: this.ctx.provider.name, card: `${card.brand} ${card.last4}`, crossingSeq: crossing },
      });
      await syncEntry(this.ctx, posted.entry, account.currency, true);
      return 'recharged';
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
