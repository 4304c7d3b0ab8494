// Solde's SIP application alone in a worker thread, for bench/sip-*-latency.ts: in production
// drachtio-server is a process of its own, so the emulator (main thread) must not share Solde's event
// loop. Builds the app on the database, Redis prefix and rtpengine the main thread set up, and answers
// the control messages of bench/worker-control.ts.
import { parentPort, workerData } from 'node:worker_threads';
import Srf from 'drachtio-srf';
import { Redis } from 'ioredis';
import { createClassifier } from '../rating/classify/index';
import { createPool } from '../rating/db/pool';
import { createTestFunds } from '../rating/funds/harness';
import { TariffIndex } from '../rating/tariffs/tariff-index';
import { pino } from 'pino';
import { createLogger } from '../core/log';
import { startSip } from '../sip/app';
import { createRtpengineMedia } from '../sip/media/rtpengine';
import { shortToneAnnouncer, TEST_TARIFFS } from '../test/support/sip-testbed';
import { TEST_REDIS_URL } from '../test/support/redis';
import { answerControlMessages } from './worker-control';

export interface AppWorkerData {
  readonly databaseUrl: string;
  readonly redisPrefix: string;
  readonly ngPort: number;
  readonly drachtioPort: number;
  readonly secret: string;
  readonly toneMs: number;
  readonly workDir: string;
}

const data = workerData as AppWorkerData;
const pool = createPool(data.databaseUrl, 20);
const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
const { funds } = createTestFunds(pool, redis, data.redisPrefix);
const media = createRtpengineMedia({ host: '127.0.0.1', port: data.ngPort, timeoutMs: 1000 });
const config = {
  meterIntervalSeconds: 60, grantValiditySeconds: 180, trunkUri: 'sip:127.0.0.1:5070', drainDeadlineSeconds: 5,
  drachtio: { mode: 'inbound' as const, host: '127.0.0.1', port: data.drachtioPort, secret: data.secret },
  sessionTimer: { expiresSeconds: 1800, minSeconds: 90 },
  cluster: { instanceId: `bench-${process.pid}`, leaseSeconds: 15 },
};
const index = TariffIndex.build(TEST_TARIFFS);
const app = await startSip(config, {
  srf: new Srf(), config, classify: createClassifier({ includedCountries: ['DE', 'BE', 'ES', 'IT', 'NL', 'PT', 'AT', 'CH', 'GB', 'IE', 'LU', 'PL'] }),
  tariffs: { current: () => index }, funds, accounts: { get: async (id) => (await funds.getAccount(id)) ?? null },
  announcer: shortToneAnnouncer(data.workDir, data.toneMs), media, pool, logger: createLogger(process.env.SOLDE_BENCH_LOG_LEVEL ?? 'silent', benchLogDestination()),
  redis, redisKeyPrefix: data.redisPrefix,
});

answerControlMessages(parentPort!, {
  idle: () => app.idle(),
  callsByPhase: () => app.callsByPhase(),
  async stop() {
    await app.stop(0).catch(() => undefined);
    await funds.flush().catch(() => undefined);
    media.close();
    redis.disconnect();
    await pool.end();
  },
});

/** SOLDE_BENCH_LOG_FILE: where the app's log goes when a level is set (default stdout), e.g. /dev/null. */
function benchLogDestination() {
  const file = process.env.SOLDE_BENCH_LOG_FILE;
  return file ? pino.destination({ dest: file, sync: false }) : undefined;
}
