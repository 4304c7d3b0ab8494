import type Srf from 'drachtio-srf';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from '../core/log';
import type { CallFunds, Classification, Tariff } from '../rating/contracts';
import type { Micros } from '../rating/money';
import type { Pool } from '../rating/db/pool';
import type { MediaControl } from './media/rtpengine';

// What the SIP application is built from. Everything is injected, so tests build it from real Redis,
// Postgres and rtpengine with a short meter interval, and src/main.ts from the production configuration.

/** The tenant as session control needs it (rating/funds getAccount). */
export interface AccountInfo {
  readonly id: string;
  readonly currency: string;
  readonly language: 'fr' | 'en';
  /** Anything but 'active' refuses every call except emergency ones. */
  readonly status: string;
  /** Concurrent calls allowed (emergency calls neither count nor are limited); 0 or less = no limit. */
  readonly maxConcurrentCalls: number;
}

export interface Accounts {
  get(accountId: string): Promise<AccountInfo | null>;
}

export interface Announcement {
  readonly path: string;
  readonly durationMs: number;
}

/** sip/announce's createAnnouncer(): WAV files rtpengine can read, with their duration. */
export interface Announcer {
  balance(lang: 'fr' | 'en', availableMicros: Micros, currency: string, minutesLeft?: number): Promise<Announcement>;
  insufficient(lang: 'fr' | 'en', availableMicros: Micros, currency: string): Promise<Announcement>;
  lowFunds(lang: 'fr' | 'en', secondsLeft: number): Promise<Announcement>;
}

export interface TariffLookup {
  current(): { lookup(ratingKey: string): Tariff | null | undefined };
}

export type DrachtioConfig =
  | { readonly mode: 'inbound'; readonly host: string; readonly port: number; readonly secret: string }
  | { readonly mode: 'outbound'; readonly listenPort: number; readonly secret: string };

/** Call control's share of the configuration (src/config.ts reads it from the environment). */
export interface SipConfig {
  /** Metering interval of a paid call. */
  readonly meterIntervalSeconds: number;
  /** Validity of a reservation (RFC 4006 grant): a hold nobody renews frees its money after this. */
  readonly grantValiditySeconds: number;
  /** SIP URI of the carrier trunk that B legs are sent to, e.g. sip:trunk.example.net:5060 */
  readonly trunkUri: string;
  readonly drachtio: DrachtioConfig;
  /** How long SIGTERM waits for live calls before settling them by force. */
  readonly drainDeadlineSeconds: number;
  /** RFC 4028 session timers on both legs of a bridged call (sip/session/session-timer.ts). */
  readonly sessionTimer: SessionTimerConfig;
  /** This process among the Solde instances sharing one Redis (sip/cluster/). */
  readonly cluster: ClusterConfig;
}

export interface SessionTimerConfig {
  /** Session-Expires Solde asks for (SOLDE_SESSION_EXPIRES_SECONDS, default 1800). */
  readonly expiresSeconds: number;
  /** The smallest interval Solde accepts (Min-SE, SOLDE_SESSION_MIN_SE_SECONDS, at least 90: RFC 4028). */
  readonly minSeconds: number;
}

export interface ClusterConfig {
  /** Unique among live instances (SOLDE_INSTANCE_ID; default host-pid-random). Owns this process's calls. */
  readonly instanceId: string;
  /** An owner whose heartbeat is older than this is dead: its calls are adopted (SOLDE_OWNER_LEASE_SECONDS). */
  readonly leaseSeconds: number;
}

/** What startSipFromConfig needs besides SipConfig: where media and announcements come from. */
export interface SipProcessConfig extends SipConfig {
  readonly rtpengineNg: { readonly host: string; readonly port: number };
  readonly announcementsDir: string;
  readonly voice: string;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export interface SipDeps {
  readonly srf: Srf;
  readonly config: SipConfig;
  readonly classify: (dialled: string) => Classification;
  readonly tariffs: TariffLookup;
  readonly funds: CallFunds;
  readonly accounts: Accounts;
  readonly announcer: Announcer;
  readonly media: MediaControl;
  /** Postgres: PBX sources (tenant identification) and call records. */
  readonly pool: Pool;
  /** Cluster-wide call state (concurrency slots, dialogs, owner leases): the funds engine's Redis. */
  readonly redis: Redis | Cluster;
  /** Prepended to every key this layer writes (SOLDE_REDIS_PREFIX, tests: their own). */
  readonly redisKeyPrefix: string;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** How long a tenant's status and limits are cached (default 5 s; 0: read on every INVITE). */
  readonly accountCacheMs?: number;
}
