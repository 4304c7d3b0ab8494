import { relayReinvites } from './reinvite';
import type Srf from 'drachtio-srf';
import type { Classification, Hold, Tariff } from '../../rating/contracts';
import type { Micros } from '../../rating/money';
import type { Grant } from '../../rating/tariffs/cost';
import { activeCalls, callsTotal } from '../metrics';
import type { Logger } from '../../core/log';
import type { AccountInfo } from '../deps';
import { MediaError, type MediaCall } from '../media/rtpengine';
import { REFUSALS, reasonHeader, refusalHeaders, type RefusalReason } from '../refusals';
import type { SessionServices } from './services';
import { CallTimers } from './timers';
import { connectFree, connectPaid, refuseAfterAnnouncement } from './flows';
import { settleCall, type Settlement } from './settle';
import { recordCall } from './record';
import { sendFinal } from './respond';
import { isSessionExpiry } from './session-timer';
import type { Meter } from './meter';
import type { Call, Ending, Phase } from './call';

// One call, from the INVITE to its call record. The session owns everything the call holds (timers, the
// rtpengine call, the funds hold, a concurrency slot, the dialogs) and releases all of it in finish(),
// which runs exactly once whatever the way the call ends.


/** How long a B leg being canceled (shutdown, funds) may take to confirm before the call is finished anyway. */
const CANCEL_CONFIRM_MS = 4_000;

export class CallSession implements Call {
  phase: Phase = 'authorizing';
  accountId = '';
  account: AccountInfo | null = null;
  extension = '';
  /** The user part of the request URI: what the PBX dialled. */
  dialled = '';
  /** The INVITE's Max-Forwards (at least 1 once validated): the B leg goes out with one less. */
  maxForwards = 70;
  classification: Classification | null = null;
  tariff: Tariff | null = null;
  grant: Grant | null = null;
  hold: Hold | null = null;
  /** A funds hold exists for this call (reserve answered ok). */
  reserved = false;
  holdsSlot = false;
  mediaAnchored = false;
  cancelled = false;
  answeredAtMs: number | null = null;
  finalStatus = 0;
  /** Milestones for the latency measurements, ms since the epoch. */
  readonly marks: { bInviteSentMs?: number; earlyMediaSentMs?: number } = {};
  uas: Srf.Dialog | null = null;
  uac: Srf.Dialog | null = null;
  bRequest: Srf.SrfRequest | null = null;
  meter: Meter | null = null;
  /** Session-Expires (+ Require) for the caller's 200, from the checkSessionInterval step (session-timer.ts). */
  sessionTimerHeaders: Record<string, string> = {};
  readonly timers: CallTimers;
  readonly log: Logger;
  private requestedEnding: Ending | null = null;
  private countedClass: string | null = null;
  private resolveEnded: () => void = () => undefined;
  readonly ended: Promise<void>;

  constructor(
    readonly services: SessionServices,
    readonly req: Srf.SrfRequest,
    readonly res: Srf.SrfResponse,
    readonly key: string,
    readonly callId: string,
    readonly fromTag: string,
    readonly receivedAtMs: number,
  ) {
    this.ended = new Promise((resolve) => { this.resolveEnded = resolve; });
    this.log = services.logger.child({ call: key });
    this.timers = new CallTimers((error) => this.fail(error));
    req.on('cancel', () => this.onCancel());
  }

  get mediaCall(): MediaCall {
    return { callId: this.callId, fromTag: this.fromTag };
  }

  get isOver(): boolean {
    return this.phase === 'ended' || this.cancelled || this.requestedEnding !== null;
  }

  get isPaid(): boolean {
    return this.classification?.class === 'PREMIUM' || this.classification?.class === 'INTERNATIONAL';
  }

  now(): number {
    return this.services.clock.now();
  }

  classified(classification: Classification): void {
    this.classification = classification;
    this.countedClass = classification.class;
    activeCalls.inc({ class: classification.class });
  }

  /** Connects the authorized call: straight to the trunk, or through the balance announcement. */
  async connect(): Promise<void> {
    try {
      if (this.isPaid) await connectPaid(this);
      else await connectFree(this);
    } catch (error) {
      this.fail(error);
    }
  }

  /** Insufficient balance: the announcement as early media, then 402. */
  async refuseWithAnnouncement(): Promise<void> {
    try {
      await refuseAfterAnnouncement(this);
    } catch (error) {
      this.log.warn({ err: error }, 'insufficient-balance announcement failed; refusing without it');
      await this.refuse('insufficient-funds');
    }
  }

  refuse(reason: RefusalReason): Promise<void> {
    const refusal = REFUSALS[reason];
    return this.finish({ reason, status: refusal.status, phrase: refusal.phrase, headers: refusalHeaders(reason) });
  }

  /**
   * Ends the call for a reason of Solde's own (funds, shutdown, media). While the B leg is ringing it is
   * canceled first, and the call finishes when the cancel is confirmed (createB2BUA rejects).
   */
  end(ending: Ending): Promise<void> {
    if (this.phase === 'ended' || this.requestedEnding) return this.ended;
    if (this.phase === 'ringing') {
      this.requestedEnding = ending;
      if (this.bRequest) this.cancelB();
      this.timers.after(CANCEL_CONFIRM_MS, () => this.finish(ending));
      return this.ended;
    }
    return this.finish(ending);
  }

  /** The B-leg INVITE went out (createB2BUA's cbRequest). */
  bLegSent(request: Srf.SrfRequest): void {
    this.bRequest = request;
    this.marks.bInviteSentMs = this.now();
    if (this.requestedEnding) this.cancelB();
  }

  /** createB2BUA failed: the B leg failed, the caller canceled, or Solde canceled it. */
  bLegFailed(error: unknown): Promise<void> {
    if (this.requestedEnding) return this.finish(this.requestedEnding);
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number') {
      if (status === 487) return this.finish({ reason: 'caller-cancel', status: 487 });
      // B's failure goes to the caller as is; a redirect is not followed (the trunk is the only route).
      if (status < 400) return this.finish({ reason: 'b-failed', status: 502, phrase: 'Bad Gateway' });
      return this.finish({ reason: 'b-failed', status, phrase: (error as { reason?: string }).reason });
    }
    this.log.error({ err: error }, 'bridging to the trunk failed');
    return this.finish(this.isPaid ? mediaFailed() : internalError());
  }

  /** Both legs are up. */
  answered(uas: Srf.Dialog, uac: Srf.Dialog): void {
    this.uas = uas;
    this.uac = uac;
    this.answeredAtMs = this.now();
    this.finalStatus = 200;
    this.phase = 'answered';
    this.services.cluster.answered(this, uas, uac);
    // srf emits 'destroy' with (req, reason), whatever its typings say; reason is the BYE's Reason text.
    const onBye = (dialog: Srf.Dialog, side: 'caller' | 'callee') => (dialog as unknown as NodeJS.EventEmitter)
      .on('destroy', (_req: unknown, reason: unknown) => this.hungUpBy(side, reason));
    onBye(uas, 'caller');
    onBye(uac, 'callee');
    relayReinvites(this, uas, uac);
    // A BYE can arrive before createB2BUA's promise lets us listen: the dialog is then already down.
    const connected = (dialog: Srf.Dialog) => (dialog as unknown as { connected?: boolean }).connected !== false;
    if (!connected(uas)) this.hungUpBy('caller');
    else if (!connected(uac)) this.hungUpBy('callee');
    // Solde asked to end the call while B was ringing, and B answered before the CANCEL reached it.
    else if (this.requestedEnding) void this.finish(this.requestedEnding);
  }

  private hungUpBy(side: 'caller' | 'callee', reason?: unknown): void {
    if (side === 'caller') this.uas = null;
    else this.uac = null;
    // drachtio-server's own BYE for a leg whose session timer ran out (session-timer.ts): the other leg gets BYE.
    void this.finish({ reason: isSessionExpiry(reason) ? 'session-expired' : `${side}-bye`, status: 200 });
  }

  fail(error: unknown): void {
    if (this.phase === 'ended') return;
    this.log.error({ err: error }, 'call failed');
    void this.finish(error instanceof MediaError || this.mediaAnchored ? mediaFailed() : internalError());
  }

  private onCancel(): void {
    // drachtio-server already answered the CANCEL (200) and the INVITE (487). Once the B leg started,
    // createB2BUA cancels it and rejects with 487, which finishes the call; before, finish here.
    if (this.phase === 'ringing' || this.phase === 'answered' || this.phase === 'ended') return;
    this.cancelled = true;
    this.finalStatus = 487;
    void this.finish({ reason: 'caller-cancel', status: 487 });
  }

  private cancelB(): void {
    try {
      this.bRequest?.cancel(() => undefined);
    } catch (error) {
      this.log.warn({ err: error }, 'could not cancel the B leg');
    }
  }

  /** Releases everything the call holds, settles it and writes its record. Runs once. */
  private async finish(ending: Ending): Promise<void> {
    if (this.phase === 'ended') return this.ended;
    const wasAnswered = this.phase === 'answered';
    this.phase = 'ended';
    this.timers.clearAll();
    this.meter?.stop();
    const endedAtMs = this.now();
    try {
      await this.hangUp(ending, wasAnswered);
      if (this.mediaAnchored) await this.services.media.delete(this.mediaCall).catch((error) => this.log.warn({ err: error }, 'rtpengine delete failed'));
      const settlement = await settleCall(this, endedAtMs);
      await recordCall(this, ending, settlement, endedAtMs);
      this.count(ending, settlement);
    } catch (error) {
      this.log.error({ err: error }, 'finishing the call failed');
    } finally {
      this.services.cluster.finished(this.key);
      if (this.holdsSlot) {
        this.holdsSlot = false; // before the await: exactly one release
        await this.services.slots.release(this.accountId, this.key).catch((error) => this.log.error({ err: error }, 'slot release failed'));
      }
      if (this.countedClass) activeCalls.dec({ class: this.countedClass });
      this.services.forget(this.key);
      this.resolveEnded();
    }
    return this.ended;
  }

  private async hangUp(ending: Ending, wasAnswered: boolean): Promise<void> {
    if (!wasAnswered) {
      if (this.cancelled || this.res.finalResponseSent) return;
      const problem = await sendFinal(this.res, ending.status, ending.phrase ?? '', ending.headers ?? {});
      if (problem === null) this.finalStatus = ending.status;
      else this.log.debug({ problem }, 'final response not sent');
      return;
    }
    const headers = { Reason: reasonHeader(16, ending.reason) };
    const legs = [ending.reason === 'caller-bye' ? null : this.uas, ending.reason === 'callee-bye' ? null : this.uac];
    await Promise.allSettled(legs.filter((leg): leg is Srf.Dialog => leg !== null).map((leg) =>
      new Promise<void>((resolve) => leg.destroy({ headers }, () => resolve()))));
  }

  private count(ending: Ending, settlement: Settlement): void {
    callsTotal.inc({ class: this.classification?.class ?? 'UNKNOWN', outcome: ending.reason });
    this.log.info({ reason: ending.reason, status: this.finalStatus, billedSeconds: settlement.billedSeconds,
      costMicros: settlement.costMicros.toString(), settle: settlement.status }, 'call ended');
  }

  /** The balance this call may use, for the announcement: what was available plus its own first hold. */
  availableToCall(): Micros {
    return (this.hold?.availableMicros ?? 0n) + (this.grant?.amountMicros ?? 0n);
  }
}

function mediaFailed(): Ending {
  return { reason: 'media-failed', status: REFUSALS['media-failed'].status, phrase: REFUSALS['media-failed'].phrase, headers: refusalHeaders('media-failed') };
}

function internalError(): Ending {
  return { reason: 'internal-error', status: 500, phrase: REFUSALS['internal-error'].phrase, headers: refusalHeaders('internal-error') };
}
