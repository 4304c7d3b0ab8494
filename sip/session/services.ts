import type Srf from 'drachtio-srf';
import type { AnsweredCall } from '../cluster/dialog-store';
import type { CallFunds } from '../../rating/contracts';
import type { Pool } from '../../rating/db/pool';
import type { Logger } from '../../core/log';
import type { CallSlots } from '../cluster/call-slots';
import type { CallRecordBatcher } from '../cdr/record-batcher';
import type { Announcer, Clock, SipConfig } from '../deps';
import type { MediaControl } from '../media/rtpengine';

/** What every call session shares: the app's dependencies plus its concurrency slots and registry. */
export interface SessionServices {
  readonly srf: Srf;
  readonly config: SipConfig;
  readonly funds: CallFunds;
  readonly media: MediaControl;
  readonly announcer: Announcer;
  readonly pool: Pool;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly slots: CallSlots;
  /** Call records, written in batches (sip/cdr/record-batcher.ts). */
  readonly records: CallRecordBatcher;
  /** Dialog records of answered calls, for adoption if this instance dies (sip/cluster/). */
  readonly cluster: ClusterCalls;
  /** Called once by a session, with its key, when it has finished. */
  forget(callKey: string): void;
}

/** What a call session tells the cluster (implemented by sip/cluster/index.ts). */
export interface ClusterCalls {
  /** The call is answered: its dialog record is written (after the answer, never on the setup path). */
  answered(session: AnsweredCall, uas: Srf.Dialog, uac: Srf.Dialog): void;
  /** The call is over: its dialog record, if any, is deleted. */
  finished(callKey: string): void;
}
