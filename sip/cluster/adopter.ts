import type Srf from 'drachtio-srf';
import type { CallFunds } from '../../rating/contracts';
import type { Pool } from '../../rating/db/pool';
import { billedSeconds } from '../../rating/tariffs/cost';
import type { Logger } from '../../core/log';
import { writeCallRecord } from '../cdr/call-records';
import type { MediaControl } from '../media/rtpengine';
import { reasonHeader } from '../refusals';
import { paidUntil } from '../session/billing';
import type { DialogRecord, DialogStore, LegRecord } from './dialog-store';
import { every, type OwnerLeases } from './owner-lease';

// Adoption of a dead owner's calls. Every live instance looks for lapsed owner leases every leaseMs/3
// (with jitter, so instances do not all ask at once); one claim wins per lapsed owner (owner-lease.ts).
// The adopter ends each of the owner's calls: BYE on both legs through drachtio-server (by dialog id: the
// server accepts it from any connection), rtpengine delete when anchored, settlement at the money already
// committed to the call (debited + held: the cost of its granted time), the call record (`owner-lost`,
// written once: ON CONFLICT DO NOTHING), then drops the dialog record. Emergency calls are never ended:
// their record is dropped and they are logged (the PBX or the carrier ends them; they cost nothing).
// Every step is idempotent, so an adopter that dies mid-way and is itself adopted repeats harmlessly.

export interface AdopterDeps {
  readonly instanceId: string;
  readonly srf: Srf;
  readonly leases: OwnerLeases;
  readonly dialogs: DialogStore;
  readonly funds: CallFunds;
  readonly media: MediaControl;
  readonly pool: Pool;
  readonly logger: Logger;
  /** Signalling possible now (inbound link to drachtio-server up): no claim is made otherwise. */
  readonly canSignal: () => boolean;
  /** Frees the dead instance's concurrency slots cluster-wide; resolves with how many were freed. */
  readonly releaseSlotsOf: (deadInstanceId: string) => Promise<number>;
  readonly byeTimeoutMs?: number;
  readonly callsPerRound?: number;
}

export interface AdoptionReport {
  readonly ownerId: string;
  readonly ended: number;
  /** Emergency calls left up (record dropped). */
  readonly kept: number;
  /** Calls given up after MAX_ATTEMPTS (their holds expire by themselves). */
  readonly abandoned: number;
  readonly slotsReleased: number;
  readonly outcome: 'done' | 'lost' | 'stopped' | 'busy';
}

const DEFAULT_BYE_TIMEOUT_MS = 5_000;
const DEFAULT_CALLS_PER_ROUND = 50;
/** Calls ended at once within a round: bounds the BYEs and funds operations in flight. */
const PARALLEL = 10;
/** Rounds of one adoption: with 50 calls a round, 100 000 calls; a bigger backlog waits for the next claim. */
const MAX_ROUNDS = 2_000;
/** A call whose ending failed this many times (Redis or Postgres away) is given up. */
const MAX_ATTEMPTS = 3;
const RETRY_PAUSE_MS = 500;

type LegOutcome = 'ok' | 'gone' | 'timeout' | 'failed';

export class Adopter {
  private scanner: { stop(): Promise<void> } | null = null;
  private stopped = false;
  private readonly attempts = new Map<string, number>();
  private readonly log: Logger;

  constructor(private readonly deps: AdopterDeps) {
    this.log = deps.logger.child({ part: 'adopter' });
  }

  /** Looks for lapsed owners every leaseMs/3 plus up to leaseMs/6 of jitter. */
  start(): void {
    if (this.scanner) return;
    const periodMs = Math.floor(this.deps.leases.leaseMs / 3);
    this.scanner = every(periodMs, async () => {
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * periodMs / 2)).unref());
      if (this.stopped) return;
      await this.runOnce().catch((error) => this.log.warn({ err: error }, 'adoption round failed'));
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.scanner?.stop();
  }

  /** Claims one lapsed owner, if any, and ends its calls. */
  async runOnce(): Promise<AdoptionReport | null> {
    if (this.stopped || !this.deps.canSignal()) return null;
    const ownerId = await this.deps.leases.claimLapsed(this.deps.instanceId);
    if (ownerId === null) return null;
    this.log.warn({ owner: ownerId }, 'owner lease lapsed: adopting its calls');
    let lost = false;
    const keeper = every(Math.floor(this.deps.leases.leaseMs / 3), async () => {
      const held = await this.deps.leases.renewAdoption(ownerId, this.deps.instanceId).catch(() => true);
      if (!held) lost = true;
    });
    try {
      const report = await this.adopt(ownerId, () => lost);
      this.log.warn({ ...report }, 'adoption finished');
      return report;
    } finally {
      await keeper.stop();
    }
  }

  private async adopt(ownerId: string, isLost: () => boolean): Promise<AdoptionReport> {
    const counts = { ended: 0, kept: 0, abandoned: 0, retry: 0 };
    const limit = this.deps.callsPerRound ?? DEFAULT_CALLS_PER_ROUND;
    const report = (outcome: AdoptionReport['outcome'], slotsReleased = 0): AdoptionReport =>
      ({ ownerId, ended: counts.ended, kept: counts.kept, abandoned: counts.abandoned, slotsReleased, outcome });
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      if (this.stopped) return report('stopped');
      if (isLost()) return report('lost');
      const page = await this.deps.dialogs.page(ownerId, limit);
      if (page.length === 0) break;
      const retriesBefore = counts.retry;
      for (let i = 0; i < page.length; i += PARALLEL) {
        await Promise.all(page.slice(i, i + PARALLEL).map(async ({ callKey, record, text }) => {
          const outcome = await this.endOne(ownerId, callKey, record, text);
          counts[outcome] += 1;
        }));
      }
      // A call that failed is tried again next round, after a pause (a Redis or Postgres blip), MAX_ATTEMPTS times.
      if (counts.retry > retriesBefore) await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
    }
    if (await this.deps.dialogs.count(ownerId) > 0) return report('busy');
    // Slots after the calls: a slot freed while its call is still up would admit one call too many.
    const slotsReleased = await this.deps.releaseSlotsOf(ownerId);
    const finished = await this.deps.leases.finishAdoption(ownerId, this.deps.instanceId);
    return report(finished, slotsReleased);
  }

  private async endOne(ownerId: string, callKey: string, record: DialogRecord | null, text: string): Promise<'ended' | 'kept' | 'abandoned' | 'retry'> {
    const log = this.log.child({ owner: ownerId, call: callKey });
    if (record === null) {
      log.error({ text: text.slice(0, 500) }, 'unreadable dialog record dropped');
      await this.deps.dialogs.remove(ownerId, callKey);
      return 'abandoned';
    }
    if (record.emergency) {
      log.warn({ caller: record.caller, callee: record.callee }, 'emergency call of a lost owner left up (never ended by Solde)');
      await this.deps.dialogs.remove(ownerId, callKey);
      return 'kept';
    }
    const attempts = (this.attempts.get(callKey) ?? 0) + 1;
    try {
      await this.endCall(record, log, attempts === MAX_ATTEMPTS);
    } catch (error) {
      this.attempts.set(callKey, attempts);
      log.warn({ err: error, attempts }, 'ending an adopted call failed');
      if (attempts < MAX_ATTEMPTS) return 'retry';
      log.error({ record }, 'adopted call abandoned: its hold expires by itself');
      this.attempts.delete(callKey);
      await this.deps.dialogs.remove(ownerId, callKey);
      return 'abandoned';
    }
    this.attempts.delete(callKey);
    await this.deps.dialogs.remove(ownerId, callKey);
    return 'ended';
  }

  /**
   * BYE both legs, media, money, record. Throws when a BYE could not be sent (before the last attempt: the
   * money is settled anyway then) or the money or the record could not be written.
   */
  private async endCall(record: DialogRecord, log: Logger, lastAttempt: boolean): Promise<void> {
    const headers = { Reason: reasonHeader(16, 'owner-lost') };
    const [caller, callee] = await Promise.all([record.caller, record.callee].map((leg) => this.bye(leg, headers, log)));
    if ((caller === 'failed' || callee === 'failed') && !lastAttempt) throw new Error(`BYE not sent (caller ${caller}, callee ${callee})`);
    if (record.media) await this.deps.media.delete(record.media).catch((error) => log.warn({ err: error }, 'rtpengine delete failed'));
    const endedAtMs = Date.now();
    const money = await this.settle(record);
    await writeCallRecord(this.deps.pool, {
      callId: record.callKey, accountId: record.accountId, extension: record.extension, class: record.class,
      dialled: record.dialled, e164: record.e164, country: record.country, rule: record.rule,
      tariffPrefix: record.tariff?.prefix ?? null, perMinuteMicros: record.tariff?.perMinuteMicros ?? null,
      startedAt: new Date(record.receivedAtMs), answeredAt: new Date(record.answeredAtMs), endedAt: new Date(endedAtMs),
      billedSeconds: money.billedSeconds, costMicros: money.costMicros, endingReason: 'owner-lost', sipStatus: 200,
      settleStatus: money.status,
    });
    log.info({ caller, callee, costMicros: money.costMicros.toString(), billedSeconds: money.billedSeconds }, 'adopted call ended');
  }

  private async settle(record: DialogRecord): Promise<{ status: string; billedSeconds: number; costMicros: bigint }> {
    if (!record.paid || record.tariff === null) return { status: 'none', billedSeconds: 0, costMicros: 0n };
    const call = { accountId: record.accountId, callId: record.callKey };
    const committed = await this.deps.funds.committed(call);
    if (committed.status === 'unavailable') throw new Error('funds unavailable: committed money unknown');
    if (committed.status !== 'ok') return { status: committed.status, billedSeconds: 0, costMicros: 0n };
    const seconds = paidUntil(record.tariff, committed.committedMicros);
    const details = { destination: record.tariff.destination, number: record.e164 ?? record.dialled, durationSeconds: seconds };
    const settled = await this.deps.funds.settle({ ...call, finalMicros: committed.committedMicros, details });
    if (settled.status === 'unavailable') throw new Error('funds unavailable: settle failed');
    return { status: settled.status, billedSeconds: seconds === 0 ? 0 : billedSeconds(record.tariff, seconds), costMicros: committed.committedMicros };
  }

  /**
   * A BYE in a dialog another connection created. 'gone': drachtio-server no longer has the dialog (its
   * far end hung up: the server answered that BYE 481 itself, no app being left, and cleared the dialog).
   */
  private bye(leg: LegRecord, headers: Record<string, string>, log: Logger): Promise<LegOutcome> {
    const timeoutMs = this.deps.byeTimeoutMs ?? DEFAULT_BYE_TIMEOUT_MS;
    const request = this.deps.srf.request.bind(this.deps.srf) as unknown as (
      opts: Record<string, unknown>, callback: (error: (Error & { code?: string }) | null, req?: Srf.SrfRequest) => void) => void;
    return new Promise<LegOutcome>((resolve) => {
      const timer = setTimeout(() => { log.warn({ dialogId: leg.dialogId }, 'BYE unanswered'); resolve('timeout'); }, timeoutMs);
      const done = (outcome: LegOutcome) => { clearTimeout(timer); resolve(outcome); };
      try {
        // drachtio-srf needs a request URI; drachtio-server sends an in-dialog request to the dialog's own
        // remote target and route set, whatever this says.
        request({ uri: leg.remoteTarget, method: 'BYE', stackDialogId: leg.dialogId, headers }, (error, req) => {
          if (error || !req) {
            if (error?.code === 'ENODIALOG') return done('gone');
            log.warn({ err: error, dialogId: leg.dialogId, callId: leg.callId }, 'BYE not sent');
            return done('failed');
          }
          (req as unknown as { on(event: 'response', listener: (res: { status: number }) => void): void })
            .on('response', (res) => done(res.status < 300 ? 'ok' : res.status === 481 ? 'gone' : 'failed'));
        });
      } catch (error) {
        log.warn({ err: error, dialogId: leg.dialogId }, 'BYE not sent');
        done('failed');
      }
    });
  }
}
