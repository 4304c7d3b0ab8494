// The funds service: one object the rest of Solde uses. Session control calls only its CallFunds methods;
// the portal and the CLI call the account methods. See README.md in this folder for the model.
import type { Redis, Cluster } from 'ioredis';
import type { Pool } from '../db/pool';
import type { Logger } from '../../core/log';
import type { CallFunds, Committed, Hold } from '../contracts';
import type { Micros } from '../money';
import { SoldeError } from '../../core/errors';
import {
  createAccount, getAccount, requireAccount, saveAutoRecharge, assertAccountId,
  type Account, type AutoRechargeSettings, type NewAccount,
} from './accounts';
import { CallFundsEngine, type BalanceView, type CallDetails } from './call-funds';
import { FundsContext, type FundsConfig, type RechargeOptions } from './context';
import { DebitWriter } from './debit-writer';
import { ledgerPage, type LedgerPage } from './ledger';
import { addPaymentMethod, type NewPaymentMethod, type PaymentMethod } from './payment-methods';
import type { PaymentProvider } from './payments';
import { AutoRecharger } from './recharge';
import { CardPayments, getPayment, type CardPayment } from './card-payments';
import { finishCheckout, startAuthentication, startCardChange, type CheckoutDone } from './checkout';
import type { CheckoutStart, CheckoutUrls } from './payments';
import { reconcile, type Difference } from './reconcile';
import { reverse, type ReverseRequest } from './reversal';
import { FundsStore } from './store';
import { SettlementJournal } from './settlement-journal';
import { Settlements, type RetryReport } from './settlements';
import { sweepOnce, type SweepReport } from './sweeper';
import { topUp, type TopUpRequest, type TopUpResult } from './topups';

export interface FundsOptions {
  readonly pool: Pool;
  readonly redis: Redis | Cluster;
  readonly keyPrefix: string;
  readonly config: FundsConfig;
  readonly provider: PaymentProvider;
  readonly log: Logger;
  readonly recharge?: Partial<RechargeOptions>;
}

export class FundsService implements CallFunds {
  readonly ctx: FundsContext;
  readonly recharger: AutoRecharger;
  readonly payments: CardPayments;
  /** Settles Redis did not take: the ledger-direct ones' Redis settle, and the local journal (settlements.ts). */
  readonly settlements: Settlements;
  private readonly calls: CallFundsEngine;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(o: FundsOptions) {
    const store = new FundsStore(o.redis, o.keyPrefix);
    const writer = new DebitWriter(o.pool, store, o.log);
    const recharge = { maxAttempts: 5, backoffMs: 500, ...o.recharge };
    this.ctx = new FundsContext(o.pool, store, writer, o.config, o.provider, o.log, recharge);
    this.payments = new CardPayments(this.ctx);
    this.recharger = new AutoRecharger(this.ctx, this.payments);
    this.ctx.onCrossing = (accountId, crossing) => this.recharger.start(accountId, crossing);
    const journal = new SettlementJournal(o.config.stateDir, o.log);
    this.settlements = new Settlements(this.ctx, journal, (s) => this.calls.settleInRedis(s));
    this.calls = new CallFundsEngine(this.ctx, this.ctx.onCrossing, this.settlements);
  }

  // --- CallFunds (session control) ---
  reserve(req: { accountId: string; callId: string; amountMicros: Micros; validitySeconds: number }): Promise<Hold> {
    return this.calls.reserve(req);
  }
  update(req: { accountId: string; callId: string; seq: number; usedTotalMicros: Micros; nextMicros: Micros; validitySeconds: number; details?: CallDetails }): Promise<Hold> {
    return this.calls.update(req);
  }
  settle(req: { accountId: string; callId: string; finalMicros: Micros; details?: CallDetails }): Promise<Hold> {
    return this.calls.settle(req);
  }
  release(req: { accountId: string; callId: string }): Promise<Hold> {
    return this.calls.release(req);
  }
  committed(req: { accountId: string; callId: string }): Promise<Committed> {
    return this.calls.committed(req);
  }
  balance(accountId: string): Promise<BalanceView> {
    return this.calls.balance(accountId);
  }

  // --- accounts (portal, CLI) ---
  getAccount(accountId: string): Promise<Account | undefined> {
    return getAccount(this.ctx.pool, accountId);
  }
  async createAccount(input: NewAccount): Promise<Account> {
    const account = await createAccount(this.ctx.pool, input, this.ctx.config.currency);
    await this.ctx.syncAccount(account);
    return account;
  }
  topUp(req: TopUpRequest): Promise<TopUpResult> {
    return topUp(this.ctx, this.payments, req);
  }
  async setAutoRecharge(accountId: string, settings: AutoRechargeSettings): Promise<Account> {
    assertAccountId(accountId);
    const t = settings.thresholdMicros;
    if (settings.enabled && t !== undefined && !this.ctx.config.rechargeThresholdsMicros.includes(t)) {
      throw new SoldeError('NOT_PREDEFINED_AMOUNT', `threshold must be one of ${this.ctx.config.rechargeThresholdsMicros.map((a) => String(a / 1_000_000n)).join(', ')}`);
    }
    const a = settings.amountMicros;
    if (settings.enabled && a !== undefined && !this.ctx.config.topupAmountsMicros.includes(a)) {
      throw new SoldeError('NOT_PREDEFINED_AMOUNT', `amount must be one of ${this.ctx.config.topupAmountsMicros.map((x) => String(x / 1_000_000n)).join(', ')}`);
    }
    if (settings.enabled && !this.ctx.provider.configured) throw new SoldeError('PAYMENTS_NOT_CONFIGURED');
    const account = await saveAutoRecharge(this.ctx.pool, accountId, settings);
    await this.ctx.syncAccount(account, true);
    return account;
  }
  async ledger(accountId: string, page: { before?: string; limit?: number } = {}): Promise<LedgerPage> {
    await requireAccount(this.ctx.pool, accountId);
    return ledgerPage(this.ctx.pool, accountId, page);
  }
  reverse(req: ReverseRequest): ReturnType<typeof reverse> {
    return reverse(this.ctx, req);
  }
  addPaymentMethod(m: NewPaymentMethod): Promise<PaymentMethod> {
    assertAccountId(m.accountId);
    return addPaymentMethod(this.ctx.pool, m);
  }

  // --- card payments (payments.ts: the port; card-payments.ts: exactly once) ---
  /** Which processor is configured: the portal hides top-ups when none is. */
  get processor(): { readonly configured: boolean; readonly simulated: boolean; readonly name: string } {
    return this.ctx.provider;
  }
  /** A top-up's state by the caller's request id (pending, needs_authentication, succeeded, declined). */
  async topUpStatus(accountId: string, requestId: string): Promise<CardPayment> {
    const payment = await getPayment(this.ctx.pool, `topup:${requestId}`);
    if (!payment || payment.accountId !== accountId) throw new SoldeError('UNKNOWN_PAYMENT', requestId);
    return payment;
  }
  startCardChange(accountId: string, urls: CheckoutUrls): Promise<CheckoutStart> {
    return startCardChange(this.ctx, accountId, urls);
  }
  startAuthentication(accountId: string, requestId: string, urls: CheckoutUrls): Promise<CheckoutStart> {
    return startAuthentication(this.ctx, accountId, `topup:${requestId}`, urls);
  }
  finishCheckout(accountId: string, sessionId: string): Promise<CheckoutDone> {
    return finishCheckout(this.ctx, this.payments, sessionId, accountId);
  }

  // --- maintenance ---
  /** Installs the Postgres state of an account in Redis. */
  rebuild(accountId: string): ReturnType<FundsContext['rebuild']> {
    return this.ctx.rebuild(accountId);
  }
  reconcile(onProgress?: (line: string) => void): Promise<Difference[]> {
    return reconcile(this.ctx, onProgress);
  }
  sweep(): Promise<SweepReport> {
    return sweepOnce(this.ctx);
  }
  /** Writes queued debits of accounts marked pending (after a Postgres outage). */
  drainPending(): Promise<number> {
    return this.ctx.writer.drainPending();
  }
  /** One round of retrying the settles still pending (journal, then Redis settles after ledger-direct ones). */
  retrySettlements(): Promise<RetryReport> {
    return this.settlements.retry();
  }
  /** Waits until every debit handed to the writer so far has been tried, and recharges in progress end. */
  async flush(): Promise<void> {
    await this.ctx.writer.flush();
    await this.recharger.idle();
  }

  /** Background work of a running server: the drainer (every second, when needed) and the sweeper. */
  start(opts: { drainEveryMs?: number; sweepEveryMs?: number; settleEveryMs?: number } = {}): void {
    const log = this.ctx.log;
    this.timers.push(setInterval(() => {
      if (this.ctx.writer.hasPending) this.drainPending().catch((err: unknown) => log.warn({ err }, 'drain failed'));
    }, opts.drainEveryMs ?? 1_000));
    this.timers.push(setInterval(() => {
      this.sweep().catch((err: unknown) => log.warn({ err }, 'sweep failed'));
    }, opts.sweepEveryMs ?? 30_000));
    if (this.ctx.provider.configured) {
      // Payments whose answer never came (timeout, 5xx, a crash mid-way) are asked again, same key.
      this.timers.push(setInterval(() => {
        this.payments.settlePending().catch((err: unknown) => log.warn({ err }, 'settling pending card payments failed'));
      }, opts.settleEveryMs ?? 60_000));
    }
    for (const t of this.timers) t.unref();
    // Replays the journal a previous run left, then retries whatever is pending with backoff.
    this.settlements.start();
    // Debits another process left queued (it crashed, or Postgres was down) are written at start.
    this.drainPending().catch((err: unknown) => log.warn({ err }, 'initial drain failed'));
  }

  async stop(): Promise<void> {
    for (const t of this.timers.splice(0)) clearInterval(t);
    await this.settlements.stop();
    await this.flush();
  }
}
