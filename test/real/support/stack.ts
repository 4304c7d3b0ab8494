import { afterAll, beforeAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createTestFunds, fundAccount } from '../../../rating/funds/harness';
import type { FundsService } from '../../../rating/funds/index';
import { readCallRecord } from '../../../sip/cdr/call-records';
import { addPbxSource } from '../../../sip/trust/pbx-sources';
import { createTestDatabase, type TestDatabase } from '../../support/pg';
import { createTestRedis, TEST_REDIS_URL, type TestRedis } from '../../support/redis';
import { startRtpengine, type TestRtpengine } from '../../support/rtpengine';
import { startRealDrachtio, type RealDrachtio } from './drachtio-server';
import { freeTcpPort, freeUdpPort } from './ports';
import { startSoldeProcess, type SoldeProcess } from './solde-process';
import { startWireProxy, type WireProxy } from './wire-proxy';

// One real-server test file's whole stack: its own Postgres database and Redis prefix, a real rtpengine,
// the real drachtio-server, and Solde as a separate process (src/main.ts). The accounts exist before
// Solde starts (it loads the trusted PBX sources at start). The test keeps a funds service of its own on
// the same database and prefix to read balances.

const SECRET = 'real-server-test';

/** Morocco at 1 EUR a second on 1/1 increments (easy arithmetic); the US on minutes with a connect fee. */
const DECK = `prefix,country,destination,rate_per_minute,connect_fee,initial_increment,subsequent_increment,minimum_charge
212,MA,Morocco,60,0,1,1,0
1,US,United States,0.6,0.1,60,60,0
`;

export interface StackAccount {
  readonly id: string;
  readonly balanceMicros: bigint;
  /** The PBX's address (a /32); default 127.0.0.1. */
  readonly source?: string;
  /** Default 50. */
  readonly maxConcurrentCalls?: number;
}

export interface StackOptions {
  readonly mode: 'inbound' | 'outbound';
  readonly meterIntervalSeconds: number;
  readonly accounts: readonly StackAccount[];
  /** Inbound mode: Solde connects through a frame-keeping pipe (recording transcripts). */
  readonly recordWire?: boolean;
  /** An rtpengine started by the caller (benchmarks need more ports); stopped by the caller too. */
  readonly rtpengine?: TestRtpengine;
  /** Blocks of 100 RTP ports for the stack's own rtpengine (default 1). */
  readonly rtpPortBlocks?: number;
  /** More environment for the Solde process (e.g. SOLDE_INSTANCE_ID, SOLDE_OWNER_LEASE_SECONDS). */
  readonly soldeEnv?: Record<string, string>;
}

export interface RealStack {
  readonly drachtio: RealDrachtio;
  readonly solde: SoldeProcess;
  readonly rtpengine: TestRtpengine;
  readonly db: TestDatabase;
  readonly funds: FundsService;
  /** The carrier trunk's SIP port on 127.0.0.1 (SOLDE_TRUNK_URI). */
  readonly trunkPort: number;
  readonly announcementsDir: string;
  /** With recordWire: every frame between Solde and drachtio-server. */
  readonly wire?: WireProxy;
  /** The Redis key prefix of this stack (SOLDE_REDIS_PREFIX). */
  readonly redisPrefix: string;
  /** One more Solde process on the same stack, with `env` over the first one's (stopped by close()). */
  startAnotherSolde(env: Record<string, string>): Promise<SoldeProcess>;
  /** The call record Solde wrote for a caller's Call-ID and From tag, once it is there (bounded wait). */
  callRecord(callId: string, fromTag: string, timeoutMs?: number): ReturnType<typeof readCallRecord>;
  /** Calls in progress in the Solde process (its /metrics solde_active_calls). */
  activeCalls(): Promise<number>;
  /** Resolves once Solde has no call in progress; fails after timeoutMs. */
  waitIdle(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export async function startRealStack(options: StackOptions): Promise<RealStack> {
  const db = await createTestDatabase();
  const redis: TestRedis = await createTestRedis();
  const fundsRedis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 2 });
  const { funds } = createTestFunds(db.pool, fundsRedis, redis.prefix);
  const dir = mkdtempSync(join(tmpdir(), 'solde-real-'));
  const cleanups: Array<() => Promise<unknown>> = [
    async () => rmSync(dir, { recursive: true, force: true }),
    async () => { db.pool.on('error', () => undefined); await db.drop(); },
    async () => { await redis.cleanup(); fundsRedis.disconnect(); },
  ];
  const close = async () => { for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined); };
  try {
    for (const account of options.accounts) {
      await funds.createAccount({ id: account.id, name: account.id, language: 'en', maxConcurrentCalls: account.maxConcurrentCalls ?? 50 });
      if (account.balanceMicros > 0n) await fundAccount(funds, account.id, account.balanceMicros, `fund-${account.id}`);
      await addPbxSource(db.pool, account.id, `${account.source ?? '127.0.0.1'}/32`);
    }
    await funds.flush();
    const rtpengine = options.rtpengine ?? await startRtpengine(options.rtpPortBlocks);
    if (options.rtpengine === undefined) cleanups.push(() => rtpengine.stop());
    const appPort = options.mode === 'outbound' ? await freeTcpPort() : undefined;
    const drachtio = await startRealDrachtio({ secret: SECRET, outboundAppPort: appPort });
    cleanups.push(() => drachtio.stop());
    const wire = options.recordWire ? await startWireProxy(drachtio.adminPort) : undefined;
    if (wire) cleanups.push(() => wire.close());
    const trunkPort = await freeUdpPort();
    const deckPath = join(dir, 'deck.csv');
    writeFileSync(deckPath, DECK);
    const announcementsDir = join(dir, 'announcements');
    const env: Record<string, string> = {
      SOLDE_DATABASE_URL: db.url, SOLDE_REDIS_URL: TEST_REDIS_URL, SOLDE_REDIS_PREFIX: redis.prefix,
      SOLDE_HTTP_PORT: '0', SOLDE_METRICS_PORT: '0', SOLDE_SAMPLE_DECK: deckPath, SOLDE_ANNOUNCEMENTS_DIR: announcementsDir,
      SOLDE_METER_INTERVAL_SECONDS: String(options.meterIntervalSeconds), SOLDE_DRAIN_DEADLINE_SECONDS: '2',
      SOLDE_RTPENGINE_NG: `${rtpengine.host}:${rtpengine.ngPort}`, SOLDE_TRUNK_URI: `sip:127.0.0.1:${trunkPort}`,
      DRACHTIO_SECRET: SECRET,
      ...(appPort === undefined
        ? { DRACHTIO_HOST: '127.0.0.1', DRACHTIO_PORT: String(wire?.port ?? drachtio.adminPort) }
        : { DRACHTIO_LISTEN_PORT: String(appPort) }),
      ...options.soldeEnv,
    };
    const ready = options.mode === 'inbound' ? /connected to drachtio-server/ : /listening for drachtio-server/;
    const solde = await startSoldeProcess(env, ready);
    cleanups.push(() => solde.stop());
    const startAnotherSolde = async (more: Record<string, string>) => {
      const another = await startSoldeProcess({ ...env, ...more }, ready);
      cleanups.push(() => another.stop());
      return another;
    };
    const activeCalls = () => readActiveCalls(solde.metricsAddress);
    return {
      drachtio, solde, rtpengine, db, funds, trunkPort, announcementsDir, wire, close, activeCalls, startAnotherSolde,
      redisPrefix: redis.prefix,
      callRecord: (callId, fromTag, timeoutMs = 10_000) => waitForRecord(db, callId, fromTag, timeoutMs),
      async waitIdle(timeoutMs) {
        const deadline = Date.now() + timeoutMs;
        for (let attempt = 0; attempt < 10_000; attempt += 1) {
          const live = await activeCalls();
          if (live === 0) return;
          if (Date.now() > deadline) throw new Error(`Solde still has ${live} calls in progress after ${timeoutMs} ms`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function waitForRecord(db: TestDatabase, callId: string, fromTag: string, timeoutMs: number) {
  const { callKey } = await import('../../../sip/pipeline/call-key');
  const key = callKey(callId, fromTag);
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; attempt < 1000; attempt += 1) {
    const record = await readCallRecord(db.pool, key);
    if (record !== null || Date.now() > deadline) return record;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return null;
}

async function readActiveCalls(metricsAddress: string): Promise<number> {
  const text = await (await fetch(`${metricsAddress}/metrics`)).text();
  let live = 0;
  for (const line of text.split('\n')) if (line.startsWith('solde_active_calls{')) live += Number(line.split(' ').at(-1));
  return live;
}

export const EUR = 1_000_000n;

/**
 * One stack for a test file: started in beforeAll, closed in afterAll. The object returned stands for the
 * started stack (its properties are read from it once beforeAll has run).
 */
export function useRealStack(options: StackOptions): RealStack {
  let started: RealStack | undefined;
  beforeAll(async () => { started = await startRealStack(options); });
  afterAll(async () => { await started?.close(); });
  return new Proxy({} as RealStack, {
    get(_target, property) {
      if (started === undefined) throw new Error('the real-server stack is not started (beforeAll failed, see above)');
      return Reflect.get(started, property);
    },
  });
}
