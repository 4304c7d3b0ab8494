import type Srf from 'drachtio-srf';
import type { CallFunds } from '../../rating/contracts';
import type { Pool } from '../../rating/db/pool';
import type { Logger } from '../../src/log';
import type { CallSlots } from '../concurrency';
import type { Announcer, Clock, SipConfig } from '../deps';
import type { MediaControl } from '../media/rtpengine';
import type { CallSession } from './call-session';

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
  /** Called once by a session when it has finished. */
  forget(session: CallSession): void;
}
