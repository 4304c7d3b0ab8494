import type Srf from 'drachtio-srf';
import type { Classification, Hold, Tariff } from '../../rating/contracts';
import type { Micros } from '../../rating/money';
import type { Grant } from '../../rating/tariffs/cost';
import type { Logger } from '../../core/log';
import type { AccountInfo } from '../deps';
import type { MediaCall } from '../media/rtpengine';
import type { RefusalReason } from '../refusals';
import type { Meter } from './meter';
import type { SessionServices } from './services';
import type { CallTimers } from './timers';

// What a call's flows (flows.ts), settlement (settle.ts) and record (record.ts) read and drive. CallSession
// implements it; those modules depend on this interface, not on the class, so the session can call them
// without an import cycle.

export type Phase = 'authorizing' | 'announcing' | 'ringing' | 'answered' | 'ended';

export interface Ending {
  readonly reason: string;
  /** Final status for the caller's INVITE, if none was sent yet. */
  readonly status: number;
  readonly phrase?: string;
  readonly headers?: Record<string, string>;
}

export interface Call {
  phase: Phase;
  readonly services: SessionServices;
  readonly req: Srf.SrfRequest;
  readonly res: Srf.SrfResponse;
  /** Solde's id of the call (funds idempotency, call record). */
  readonly key: string;
  readonly receivedAtMs: number;
  readonly accountId: string;
  readonly account: AccountInfo | null;
  readonly extension: string;
  readonly dialled: string;
  /** The INVITE's Max-Forwards (at least 1 once validated): the B leg goes out with one less. */
  readonly maxForwards: number;
  readonly classification: Classification | null;
  readonly tariff: Tariff | null;
  readonly grant: Grant | null;
  readonly hold: Hold | null;
  /** A funds hold exists for this call (reserve answered ok). */
  readonly reserved: boolean;
  mediaAnchored: boolean;
  readonly answeredAtMs: number | null;
  readonly finalStatus: number;
  /** Milestones for the latency measurements, ms since the epoch. */
  readonly marks: { bInviteSentMs?: number; earlyMediaSentMs?: number };
  meter: Meter | null;
  /** Session-Expires (+ Require) for the caller's 200 (session-timer.ts). */
  readonly sessionTimerHeaders: Record<string, string>;
  readonly timers: CallTimers;
  readonly log: Logger;
  readonly mediaCall: MediaCall;
  readonly isOver: boolean;
  readonly isPaid: boolean;
  now(): number;
  /** The balance this call may use, for the announcement: what was available plus its own first hold. */
  availableToCall(): Micros;
  refuse(reason: RefusalReason): Promise<void>;
  end(ending: Ending): Promise<void>;
  bLegSent(request: Srf.SrfRequest): void;
  bLegFailed(error: unknown): Promise<void>;
  answered(uas: Srf.Dialog, uac: Srf.Dialog): void;
}
