// A whole Solde SIP application for tests and benchmarks, on real Postgres (own database), real Redis
// (own key prefix) and a real rtpengine, driven through the test-side drachtio-server emulator
// (test/support/drachtio). Not used by the server.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Srf from 'drachtio-srf';
import type { Tariff } from '../../rating/contracts';
import type { Micros } from '../../rating/money';
import { createClassifier } from '../../rating/classify/index';
import { TariffIndex } from '../../rating/tariffs/tariff-index';
import { createTestFunds, fundAccount } from '../../rating/funds/harness';
import type { FundsService } from '../../rating/funds/index';
import { createFundsRedis } from '../../rating/funds/redis-client';
import { createLogger } from '../../core/log';
import { createTestDatabase, type TestDatabase } from './pg';
import { Redis } from 'ioredis';
import { createTestRedis, TEST_REDIS_URL, type TestRedis } from './redis';
import { startRtpengine, type TestRtpengine } from './rtpengine';
import { startDrachtioServer, type DrachtioServer } from './drachtio/index';
import { createAnnouncer } from '../../sip/announce/index';
import { startSip, type SipApp } from '../../sip/app';
import type { Accounts, Announcer, SipConfig } from '../../sip/deps';
import { createRtpengineMedia, type MediaControl } from '../../sip/media/rtpengine';
import { addPbxSource } from '../../sip/trust/pbx-sources';

export const PBX = { address: '127.0.0.1', port: 5090 } as const;
const SECRET = 'cymru';

export interface TestbedOptions {
  readonly meterIntervalSeconds?: number;
  readonly tariffs?: readonly Tariff[];
  /** 'short': a 300 ms tone for every announcement (fast tests); 'real': sip/announce's assembled prompts. */
  readonly announcer?: 'short' | 'real';
  readonly drainDeadlineSeconds?: number;
  /** Length of the 'short' announcer's tone (default 300 ms). */
  readonly toneMs?: number;
  /** An rtpengine started by the caller (benchmarks need a wider port range than the tests' one). */
  readonly rtpengine?: TestRtpengine;
  /** Point the media client at a port where no rtpengine listens (media failure tests). */
  readonly brokenMedia?: boolean;
  /** Session-timer intervals (default the production 1800/90; tests use a few seconds). */
  readonly sessionTimer?: SipConfig['sessionTimer'];
  /**
   * A second Solde instance: its own app, emulator, funds engine and instance id, on this testbed's
   * Postgres database, Redis prefix and rtpengine (accounts are created on the first; close this one first).
   */
  readonly shareWith?: Testbed;
  /** The SIP layer's Redis (SipDeps.redis) at this URL, e.g. through a proxy; keys keep the testbed's prefix. */
  readonly sipRedisUrl?: string;
  /**
   * The Redis of the funds engine and the cluster state (default: the shared one, under a prefix of its
   * own), e.g. a test's own server that it stops and starts (test/support/redis-server.ts). The funds
   * engine then uses the production client (createFundsRedis: no offline queue, 500 ms timeout).
   */
  readonly redisUrl?: string;
}

export interface Testbed {
  readonly server: DrachtioServer;
  readonly app: SipApp;
  readonly srf: Srf;
  readonly db: TestDatabase;
  readonly redis: TestRedis;
  /** SipConfig.cluster.instanceId of this app. */
  readonly instanceId: string;
  readonly funds: FundsService;
  readonly media: MediaControl;
  readonly rtpengine: TestRtpengine;
  readonly announcer: Announcer;
  /** Every announcement Solde asked for, in order: which message and with what arguments. */
  /** Closes the funds engine's Redis connection: from now on Redis is unreachable for it. */
  breakFundsRedis(): void;
  readonly announced: Array<{ readonly kind: keyof Announcer; readonly args: readonly unknown[] }>;
  /** An active account, funded, whose PBX is 127.0.0.1/32 unless another source is given. */
  account(id: string, options?: { balanceMicros?: Micros; maxConcurrentCalls?: number; source?: string; language?: 'fr' | 'en' }): Promise<void>;
  close(): Promise<void>;
}

/** 1/1 increments at 60 EUR/min (1 EUR a second), no connect fee: easy arithmetic in tests. */
export const TEST_TARIFFS: readonly Tariff[] = [
  { prefix: '212', country: 'MA', destination: 'Morocco', perMinuteMicros: 60_000_000n, connectFeeMicros: 0n,
    initialIncrementSeconds: 1, subsequentIncrementSeconds: 1, minimumChargeMicros: 0n },
  { prefix: '1', country: 'US', destination: 'United States', perMinuteMicros: 600_000n, connectFeeMicros: 100_000n,
    initialIncrementSeconds: 60, subsequentIncrementSeconds: 60, minimumChargeMicros: 0n },
];

export async function startTestbed(options: TestbedOptions = {}): Promise<Testbed> {
  const shared = options.shareWith;
  const db = shared?.db ?? await createTestDatabase();
  const redis: TestRedis = shared?.redis ?? await createTestRedis(options.redisUrl);
  if (options.redisUrl) redis.redis.on('error', () => undefined); // a Redis the test stops: reconnects, quietly
  const rtpengine = options.rtpengine ?? shared?.rtpengine ?? await startRtpengine();
  const instanceId = `testbed-${process.pid}-${randomBytes(3).toString('hex')}`;
  const server = await startDrachtioServer({ secret: SECRET });
  // The funds engine gets a connection of its own, so a test can cut it (Redis unreachable) and still clean up.
  const fundsRedis = options.redisUrl ? createFundsRedis(options.redisUrl) : new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  fundsRedis.on('error', () => undefined); // an outage the test makes: the funds engine answers 'unavailable'
  const sipRedis = options.sipRedisUrl === undefined ? redis.redis : new Redis(options.sipRedisUrl, { maxRetriesPerRequest: 1 });
  const { funds } = createTestFunds(db.pool, fundsRedis, redis.prefix);
  const media = createRtpengineMedia({ host: rtpengine.host, port: options.brokenMedia ? 9 : rtpengine.ngPort, timeoutMs: options.brokenMedia ? 200 : 1000 });
  const workDir = mkdtempSync(join(tmpdir(), 'solde-sip-'));
  const announced: Testbed['announced'] = [];
  const announcer = recording(options.announcer === 'real' ? createAnnouncer({ outputDir: join(workDir, 'announcements') }) : shortToneAnnouncer(workDir, options.toneMs), announced);
  const logger = createLogger(process.env.SOLDE_TEST_LOG_LEVEL ?? 'silent');
  const config: SipConfig = {
    meterIntervalSeconds: options.meterIntervalSeconds ?? 60,
    grantValiditySeconds: 180,
    trunkUri: 'sip:127.0.0.1:5070',
    drachtio: { mode: 'inbound', host: server.host, port: server.port, secret: SECRET },
    drainDeadlineSeconds: options.drainDeadlineSeconds ?? 5,
    sessionTimer: options.sessionTimer ?? { expiresSeconds: 1800, minSeconds: 90 },
    cluster: { instanceId, leaseSeconds: 15 },
  };
  const index = TariffIndex.build(options.tariffs ?? TEST_TARIFFS);
  const accounts: Accounts = { get: async (id) => (await funds.getAccount(id)) ?? null };
  const srf = new Srf();
  const app = await startSip(config, {
    srf, config, classify: createClassifier({ includedCountries: ['DE', 'BE', 'ES', 'IT', 'NL', 'PT', 'AT', 'CH', 'GB', 'IE', 'LU', 'PL'] }),
    tariffs: { current: () => index }, funds, accounts, announcer, media, pool: db.pool, logger,
    redis: sipRedis, redisKeyPrefix: redis.prefix,
  });
  await server.waitForApp();
  return {
    server, app, srf, db, redis, instanceId, funds, media, rtpengine, announcer, announced,
    breakFundsRedis: () => fundsRedis.disconnect(),
    async account(id, opts = {}) {
      await funds.createAccount({ id, name: id, language: opts.language ?? 'en', maxConcurrentCalls: opts.maxConcurrentCalls ?? 10 });
      const balance = opts.balanceMicros ?? 0n;
      if (balance > 0n) await fundAccount(funds, id, balance, `fund-${id}`);
      await addPbxSource(db.pool, id, opts.source ?? '127.0.0.1/32');
      await app.reloadPbxSources();
    },
    async close() {
      await app.stop(0).catch(() => undefined);
      await funds.flush().catch(() => undefined);
      await server.close();
      fundsRedis.disconnect();
      if (sipRedis !== redis.redis) sipRedis.disconnect();
      media.close();
      rmSync(workDir, { recursive: true, force: true });
      if (shared) return; // the first testbed owns the database, the prefix and rtpengine
      await rtpengine.stop();
      await redis.cleanup();
      db.pool.on('error', () => undefined); // the drop terminates connections the funds engine may still hold
      await db.drop();
    },
  };
}

/** A stand-in announcer: every message is the same 300 ms tone at 22.05 kHz (the shape rtpengine plays well). */
export function shortToneAnnouncer(workDir: string, durationMs = 300): Announcer {
  mkdirSync(workDir, { recursive: true });
  const path = join(workDir, `tone-${durationMs}.wav`);
  execFileSync('sox', ['-n', '-r', '22050', '-b', '16', '-c', '1', path, 'synth', String(durationMs / 1000), 'sine', '440']);
  const announcement = { path, durationMs };
  return {
    balance: async () => announcement,
    insufficient: async () => announcement,
    lowFunds: async () => announcement,
  };
}

function recording(announcer: Announcer, log: Testbed['announced']): Announcer {
  return {
    balance: (...args) => { log.push({ kind: 'balance', args }); return announcer.balance(...args); },
    insufficient: (...args) => { log.push({ kind: 'insufficient', args }); return announcer.insufficient(...args); },
    lowFunds: (...args) => { log.push({ kind: 'lowFunds', args }); return announcer.lowFunds(...args); },
  };
}
