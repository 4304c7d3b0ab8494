// What the parts of the funds engine share: the two stores, the debit writer, configuration, and the one
// way to bring an account's Redis state in line with Postgres.
import type { Pool } from '../db/pool';
import type { Logger } from '../../core/log';
import type { FundsStatus } from '../contracts';
import { getAccount, type Account } from './accounts';
import type { DebitWriter } from './debit-writer';
import type { PaymentProvider } from './payments';
import type { FundsStore } from './store';

/** The funds engine's share of the configuration (src/config.ts reads it from the environment). */
export interface FundsConfig {
  /** Predefined top-up amounts, in micro-units. */
  readonly topupAmountsMicros: readonly bigint[];
  /** Predefined auto-recharge thresholds, in micro-units. */
  readonly rechargeThresholdsMicros: readonly bigint[];
  /** Validity of a reservation (RFC 4006 grant): a hold nobody renews frees its money after this. */
  readonly grantValiditySeconds: number;
  /** Currency of new accounts. */
  readonly currency: string;
  /** This process' own folder for the settlement journal (settlement-journal.ts): one per process, on a disk that survives restarts. */
  readonly stateDir: string;
}

export interface RechargeOptions {
  /** Charge attempts per crossing while the processor answers 'unavailable'. */
  readonly maxAttempts: number;
  /** First backoff delay; doubled after every attempt. */
  readonly backoffMs: number;
}

export class FundsContext {
  private readonly rebuilding = new Map<string, Promise<FundsStatus>>();
  /** Told of an auto-recharge crossing that a sync found (set by FundsService: starts the recharge). */
  onCrossing: (accountId: string, crossing: string) => void = () => undefined;

  constructor(
    readonly pool: Pool,
    readonly store: FundsStore,
    readonly writer: DebitWriter,
    readonly config: FundsConfig,
    readonly provider: PaymentProvider,
    readonly log: Logger,
    readonly recharge: RechargeOptions,
  ) {}

  client(): FundsStore['client'] {
    return this.store.client;
  }

  /**
   * Installs the Postgres balance of an account in Redis (after a flush, a restart, or when Redis is
   * older). Concurrent callers for one account share one rebuild. 'not_found': no such account.
   */
  rebuild(accountId: string): Promise<FundsStatus> {
    const running = this.rebuilding.get(accountId);
    if (running) return running;
    const work = this.doRebuild(accountId).finally(() => this.rebuilding.delete(accountId));
    this.rebuilding.set(accountId, work);
    return work;
  }

  private async doRebuild(accountId: string): Promise<FundsStatus> {
    await this.writer.flush(); // debits buffered in memory reach Postgres first, so the balance read has them
    let account: Account | undefined;
    try {
      account = await getAccount(this.pool, accountId);
    } catch (error) {
      this.log.warn({ err: error, accountId }, 'cannot rebuild the Redis state: Postgres unavailable');
      return 'unavailable';
    }
    if (!account) return 'not_found';
    const result = await this.syncAccount(account);
    this.log.info({ accountId, ledgerSeq: String(account.ledgerSeq), status: result }, 'funds state installed from Postgres');
    return result === 'unavailable' ? 'unavailable' : 'ok';
  }

  /** Installs an account row (balance at its ledger seq, auto-recharge threshold) in Redis. */
  async syncAccount(account: Account, clearRecharge = false): Promise<FundsStatus> {
    const r = await this.store.sync(account.id, {
      balanceMicros: account.balanceMicros,
      ledgerSeq: account.ledgerSeq,
      currency: account.currency,
      thresholdMicros: account.autoRecharge.enabled ? account.autoRecharge.thresholdMicros : 0n,
      clearRecharge,
    });
    if (r.crossing !== null) this.onCrossing(account.id, r.crossing);
    return r.status;
  }
}

/** After a Postgres write: installs the balance at the entry's seq (an older one is ignored by sync.lua). */
export async function syncEntry(ctx: FundsContext, e: { accountId: string; balanceAfterMicros: bigint; seq: bigint }, currency: string, clearRecharge = false, lookForCrossing = true): Promise<FundsStatus> {
  const r = await ctx.store.sync(e.accountId, { balanceMicros: e.balanceAfterMicros, ledgerSeq: e.seq, currency, clearRecharge, lookForCrossing });
  if (r.crossing !== null) ctx.onCrossing(e.accountId, r.crossing);
  return r.status;
}
