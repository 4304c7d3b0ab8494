import Srf from 'drachtio-srf';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from '../core/log';
import type { CallFunds, Classification } from '../rating/contracts';
import type { Pool } from '../rating/db/pool';
import { createAnnouncer } from './announce/index';
import { attachToDrachtio, createSipApp, type SipApp } from './app';
import type { AccountInfo, SipProcessConfig, TariffLookup } from './deps';
import { createRtpengineMedia } from './media/rtpengine';
import { trackSipLink } from './link-state';

// The one call src/main.ts needs: builds the SIP application's dependencies from the configuration and
// the parts the process already has (Postgres pool, funds engine, tariff store), and connects to
// drachtio-server. stop() drains (SIGTERM): no new calls, live calls settled, bounded by the deadline.

export { createSipApp, startSip, attachToDrachtio, type SipApp } from './app';
export type { SipDeps, AccountInfo, Accounts, Announcer, SipConfig, SipProcessConfig, DrachtioConfig } from './deps';

export interface SipParts {
  readonly pool: Pool;
  readonly funds: CallFunds & { getAccount(id: string): Promise<AccountInfo | undefined> };
  readonly tariffs: TariffLookup;
  /** The process's classifier (built once from the included-countries plan), shared with the HTTP API. */
  readonly classify: (dialled: string) => Classification;
  readonly logger: Logger;
  /** The funds engine's Redis: cluster-wide call state lives beside the holds. */
  readonly redis: Redis | Cluster;
  readonly redisKeyPrefix: string;
}

export interface RunningSip {
  readonly app: SipApp;
  /** The link to drachtio-server is up (readiness). */
  linkUp(): boolean;
  stop(deadlineSeconds?: number): Promise<void>;
}

export async function startSipFromConfig(config: SipProcessConfig, parts: SipParts): Promise<RunningSip> {
  const media = createRtpengineMedia({ host: config.rtpengineNg.host, port: config.rtpengineNg.port, timeoutMs: 1000 });
  const srf = new Srf();
  const logger = parts.logger.child({ part: 'sip' });
  const app = await createSipApp({
    srf,
    config,
    classify: parts.classify,
    tariffs: parts.tariffs,
    funds: parts.funds,
    accounts: { get: async (id) => (await parts.funds.getAccount(id)) ?? null },
    announcer: createAnnouncer({ outputDir: config.announcementsDir, voice: config.voice }),
    media,
    pool: parts.pool,
    redis: parts.redis,
    redisKeyPrefix: parts.redisKeyPrefix,
    logger,
  });
  const link = trackSipLink(srf, config.drachtio);
  attachToDrachtio(srf, config.drachtio, logger);
  return {
    app,
    linkUp: link.up,
    async stop(deadlineSeconds) {
      await app.stop(deadlineSeconds);
      media.close();
    },
  };
}
