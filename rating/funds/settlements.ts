// Nothing left unsettled: a call's final debit that Redis did not take goes, in this order, to
//   1. the Postgres ledger, with a `pending_settlements` row in the same transaction (stage "redis": the
//      debit is charged, the call's hold still sits in Redis until its Redis settle runs), or
//   2. the local journal (settlement-journal.ts, fsync'd; stage "journal") when Postgres is down too.
// A bounded retry loop (backoff 250 ms doubling to 10 s while something is pending, a look every 30 s
// otherwise, for rows another process left) takes a journal entry to Redis or else the ledger, and runs the
// Redis settle of every "redis" row; everything under the same idempotency key `call:<id>:final`, so the
// ledger charges each call once whichever path got there first. Every change of stage is logged.
import type { FundsStatus } from '../contracts';
import { dependencyErrors } from '../../core/metrics';
import { writeCallDebits } from './call-debits';
import type { FundsContext } from './context';
import type { QueuedPayload } from './debit-writer';
import { fundsSettledInLedger, settlementsPending } from './metrics';
import { countPendingSettlements, deletePendingSettlement, insertPendingSettlement, listPendingSettlements } from './pending-settlements';
import type { PendingSettle, SettlementJournal } from './settlement-journal';

/** Runs the settle through Redis only (settle.lua, rebuilding a lost account first): 'unavailable' if it could not. */
export type RedisSettle = (s: PendingSettle) => Promise<FundsStatus>;

/** What the call path needs when Redis did not take a settle. */
export interface SettleFallback {
  afterRedisFailed(s: PendingSettle): Promise<FundsStatus>;
}

export interface RetryReport {
  /** Still pending after the round, by stage (the "redis" count is Postgres', all processes). */
  readonly journal: number;
  readonly redis: number;
  readonly progressed: boolean;
}

const PER_ROUND = 500;
const MIN_DELAY_MS = 250;
const MAX_DELAY_MS = 10_000;
const IDLE_LOOK_MS = 30_000;

export class Settlements implements SettleFallback {
  private timer: NodeJS.Timeout | undefined;
  private delayMs = MIN_DELAY_MS;
  private idle = true;
  private stopped = true;
  private running: Promise<RetryReport> | undefined;
  private redisStage = 0;

  constructor(private readonly ctx: FundsContext, readonly journal: SettlementJournal, private readonly redis: RedisSettle) {}

  async afterRedisFailed(s: PendingSettle): Promise<FundsStatus> {
    const log = this.ctx.log.child({ accountId: s.accountId, callId: s.callId, finalMicros: String(s.finalMicros) });
    if (await this.toLedger(s)) {
      fundsSettledInLedger.inc();
      this.ctx.writer.markPending([s.accountId]);
      this.redisStage += 1;
      this.show();
      log.warn('Redis unavailable: call settled in the Postgres ledger directly; its Redis settle (freeing the hold) waits for Redis');
      this.kick();
      return 'ok';
    }
    if (await this.journal.add(s)) {
      this.show();
      log.warn({ path: this.journal.path }, 'Redis and Postgres both unavailable: settle kept in the local journal until one returns');
      this.kick();
      return 'ok';
    }
    log.error('call not settled: Redis, Postgres and the local journal all unavailable; its hold expires uncharged');
    return 'unavailable';
  }

  /** One bounded round (concurrent callers share it). */
  retry(): Promise<RetryReport> {
    this.running ??= this.round().finally(() => { this.running = undefined; });
    return this.running;
  }

  /** The background loop of a running server; replays the journal a previous run left. */
  start(): void {
    this.stopped = false;
    this.schedule(0, false);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
    await this.journal.close();
  }

  private async round(): Promise<RetryReport> {
    let progressed = false;
    // Redis first (it frees the hold too); once it failed in this round, each attempt would only wait for
    // its timeout again: the ledger takes the rest.
    let redisUp = true;
    for (const s of (await this.journal.entries()).slice(0, PER_ROUND)) {
      const log = this.ctx.log.child({ accountId: s.accountId, callId: s.callId, finalMicros: String(s.finalMicros) });
      const status: FundsStatus = redisUp ? await this.redis(s) : 'unavailable';
      redisUp = status !== 'unavailable';
      if (status !== 'unavailable') {
        await this.journal.done(s.idempotencyKey);
        log.info({ status }, 'journaled settle taken by Redis');
      } else if (await this.toLedger(s)) {
        await this.journal.done(s.idempotencyKey);
        this.redisStage += 1;
        log.info('journaled settle written to the Postgres ledger; its Redis settle waits for Redis');
      } else {
        break; // both still down: the rest would fail the same way
      }
      progressed = true;
    }
    progressed = (await this.settleRowsInRedis()) || progressed;
    try {
      this.redisStage = await countPendingSettlements(this.ctx.pool);
    } catch {
      // Postgres down: the last count stays shown
    }
    this.show();
    return { journal: this.journal.size, redis: this.redisStage, progressed };
  }

  /** Runs the Redis settle of calls settled in the ledger directly; true if any was done. */
  private async settleRowsInRedis(): Promise<boolean> {
    let rows: PendingSettle[];
    try {
      rows = await listPendingSettlements(this.ctx.pool, PER_ROUND);
    } catch {
      return false;
    }
    let done = false;
    for (const s of rows) {
      const status = await this.redis(s);
      if (status === 'unavailable') break;
      const log = this.ctx.log.child({ accountId: s.accountId, callId: s.callId });
      if (status === 'ok') log.info('Redis settle after a ledger-direct settle: the hold is released');
      else log.error({ status }, 'Redis settle after a ledger-direct settle refused; the ledger debit stands, the row is dropped');
      try {
        await deletePendingSettlement(this.ctx.pool, s.idempotencyKey);
      } catch {
        break; // Postgres went away: the row stays, the next round repeats the (idempotent) settle
      }
      done = true;
    }
    return done;
  }

  private async toLedger(s: PendingSettle): Promise<boolean> {
    const metadata = (JSON.parse(s.payload) as QueuedPayload).m;
    try {
      await writeCallDebits(this.ctx.pool, [{ accountId: s.accountId, idempotencyKey: s.idempotencyKey, callId: s.callId, usedTotalMicros: s.finalMicros, metadata }],
        (c) => insertPendingSettlement(c, s));
      return true;
    } catch (error) {
      dependencyErrors.inc({ dependency: 'postgres' });
      this.ctx.log.warn({ err: error, accountId: s.accountId, callId: s.callId }, 'settle not written to the Postgres ledger');
      return false;
    }
  }

  private show(): void {
    settlementsPending.set({ stage: 'journal' }, this.journal.size);
    settlementsPending.set({ stage: 'redis' }, this.redisStage);
  }

  /** Something became pending: an idle loop looks again soon instead of in 30 s. */
  private kick(): void {
    if (!this.stopped && this.idle) this.schedule(MIN_DELAY_MS, false);
  }

  private schedule(ms: number, idle: boolean): void {
    clearTimeout(this.timer);
    this.idle = idle;
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const report = await this.retry().catch((err: unknown) => {
      this.ctx.log.warn({ err }, 'settlement retry failed');
      return undefined;
    });
    if (this.stopped) return;
    const pending = !report || report.journal + report.redis > 0;
    this.delayMs = report?.progressed || !pending ? MIN_DELAY_MS : Math.min(this.delayMs * 2, MAX_DELAY_MS);
    this.schedule(pending ? this.delayMs : IDLE_LOOK_MS, !pending);
  }
}
