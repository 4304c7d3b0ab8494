// Shared by bench/sip-*.ts: a Solde SIP app on real Postgres, Redis and rtpengine behind the drachtio
// emulator, an open-loop call generator (calls offered at a fixed rate whatever the answers), and the
// writer of this area's block in bench/README.md ("## SIP").
import { writeResultBlock } from './readme-writer';
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createTestFunds, fundAccount } from '../rating/funds/harness';
import { addPbxSource } from '../sip/trust/pbx-sources';
import { startDrachtioServer, type DrachtioServer } from '../test/support/drachtio/index';
import { createTestDatabase } from '../test/support/pg';
import { createTestRedis } from '../test/support/redis';
import type { TestRtpengine } from '../test/support/rtpengine';
import type { AppWorkerData } from './sip-app-worker';

/** rtpengine with room for a few hundred concurrent calls (4 ports each). */
export async function startBenchRtpengine(): Promise<TestRtpengine> {
  const ngPort = 23000 + Math.floor(Math.random() * 1000);
  const portMin = 40000;
  const portMax = 44999;
  const child = spawn('rtpengine', ['--config-file=none', '--table=-1', '--interface=127.0.0.1', `--listen-ng=127.0.0.1:${ngPort}`,
    '--delete-delay=0', '--foreground', '--log-stderr', '--log-level=3', `--port-min=${portMin}`, `--port-max=${portMax}`],
  { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A benchmark that crashes must not leave its rtpengine behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.removeListener('exit', killOnExit));
  for (let attempt = 0; attempt < 50; attempt += 1) {
    if (await pings(ngPort)) {
      return { host: '127.0.0.1', ngPort, portMin, portMax, pid: child.pid, stop: async () => { child.kill('SIGTERM'); await exited; } };
    }
  }
  child.kill('SIGKILL');
  throw new Error(`rtpengine did not answer on NG port ${ngPort} (is rtpengine-daemon installed?)`);
}

function pings(port: number): Promise<boolean> {
  const socket = createSocket('udp4');
  return new Promise((resolve) => {
    const timer = setTimeout(() => { socket.close(); resolve(false); }, 100);
    socket.once('message', () => { clearTimeout(timer); socket.close(); resolve(true); });
    socket.send('p d7:command4:pinge', port, '127.0.0.1');
  });
}

export interface OpenLoopResult {
  readonly offered: number;
  readonly measured: number[];
  readonly failures: number;
  readonly elapsedMs: number;
  /** How long offering took (the rest of elapsedMs is waiting for the last calls to end). */
  readonly offerMs: number;
  /** A few of the errors calls failed with. */
  readonly errors: string[];
}

/**
 * Offers `total` calls at `perSecond`, on schedule even when earlier calls are slow (open loop), and
 * collects each call's latency (ms). `placeCall(i)` resolves with the latency of call i, or null on failure.
 */
export async function openLoop(perSecond: number, total: number, placeCall: (i: number) => Promise<number | null>,
  progress: (line: string) => void): Promise<OpenLoopResult> {
  const started = performance.now();
  const running: Promise<void>[] = [];
  const measured: number[] = [];
  let failures = 0;
  const errors: string[] = [];
  for (let i = 0; i < total; i += 1) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    running.push(placeCall(i).then((latency) => { if (latency === null) failures += 1; else measured.push(latency); },
      (error: unknown) => { failures += 1; if (errors.length < 5) errors.push((error as Error).message); }));
    if ((i + 1) % perSecond === 0) progress(`offered ${i + 1}/${total} calls, ${measured.length} measured, ${failures} failed`);
  }
  const offerMs = performance.now() - started;
  await Promise.all(running);
  return { offered: total, measured, failures, elapsedMs: performance.now() - started, offerMs, errors };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function row(name: string, latencies: readonly number[], note: string): string {
  const sorted = [...latencies].sort((a, b) => a - b);
  return `| ${name} | ${sorted.length} | ${percentile(sorted, 50).toFixed(2)} | ${percentile(sorted, 99).toFixed(2)} | ${sorted.at(-1)?.toFixed(2) ?? '-'} | ${note} |`;
}

export const TABLE_HEAD = '| scenario | calls measured | p50 ms | p99 ms | max ms | note |\n|---|---:|---:|---:|---:|---|';

export function environment(file: string): string {
  return `Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model.trim()}), load average ${loadavg()[0]!.toFixed(1)} at the end, ${new Date().toISOString().slice(0, 10)}; ${file}`;
}

const SECTION = '## SIP';
const INTRO = `Call control (sip/) driven through the drachtio wire protocol by the test-side drachtio-server emulator
(test/support/drachtio), with real Postgres, Redis and rtpengine. Solde runs in a worker thread, so its event
loop is its own as it is beside a real drachtio-server; the emulator and the load generator run in the main
thread. Latency is measured where drachtio-server would see it: from the INVITE frame written to Solde's TCP
connection to the B-leg INVITE frame (included call) or the 183 (paid call: rating, first grant reserved in
Redis, rtpengine offer and early answer; the announcement that follows is excluded) coming back. Calls are
offered open-loop at a fixed rate (a slow answer does not slow the offer); each call is then answered and
hung up, so the rest of every call (ACK, BYE, settlement, call record, rtpengine delete) loads the machine
too. Everything shares the machine's 2 cores with the other engineers' work (their Redis benchmarks
included): the figures are upper bounds. Run a file with \`node --import tsx bench/<file>\`; it rewrites its
own block below.

Reading. Rates are offered in ascending order so that the code is warm at the top rate: offered cold, or
while other engineers' benchmarks load Redis and the CPUs (load average 5-8), 200 paid calls/s saturated
Solde's thread and 7-70% of the calls were shed with 503 + Retry-After when rtpengine's replies missed their
1 s budget (Solde never waits unboundedly and never charges a shed call); 150/s held. In the CPU profile of
Solde's thread, drachtio-srf's message parsing and the socket writes take most of the time; sip/ code is
about 3%. A paid call costs five rtpengine NG round trips and two Redis scripts more than an included one.`;

/** Replaces this file's block (between markers) inside bench/README.md's "## SIP" section. */
export function writeResults(file: string, title: string, body: string): void {
  writeResultBlock(SECTION, INTRO, file, title, body);
}

export interface Scenario {
  /** bench/<file>, also the block name in README.md. */
  readonly file: string;
  readonly title: string;
  /** Offered rates, calls/s: one open-loop run each. */
  readonly rates: readonly number[];
  readonly seconds: number;
  readonly app: AppHandle;
  /** One whole call; resolves with the measured latency (ms), or null when the call was refused. */
  readonly oneCall: () => Promise<number | null>;
  readonly singleNote: string;
  /** Why calls were refused ("503 media server unavailable"), counted. */
  readonly refusals: Map<string, number>;
  readonly log: (line: string) => void;
}

/** The unloaded reference (tinybench, one call at a time), then the open loop; writes the README block. */
export async function runScenario(s: Scenario): Promise<void> {
  s.log('unloaded reference: one call at a time (tinybench)');
  const { Bench } = await import('tinybench');
  const bench = new Bench({ name: s.title, time: 2_000, warmupTime: 300 });
  const single: number[] = [];
  bench.add('one call at a time', async () => {
    const latency = await s.oneCall();
    if (latency !== null) single.push(latency);
  });
  await bench.run();
  await s.app.idle();
  s.refusals.clear();

  const rows = [row('one call at a time (tinybench)', single, s.singleNote)];
  for (const rate of s.rates) rows.push(await loadedRow(s, rate));
  const body = `${environment(`bench/${s.file}`)}\n\n${TABLE_HEAD}\n${rows.join('\n')}\n`;
  console.log(body);
  writeResults(s.file, s.title, body);
}

/** Solde's app as the main thread sees it when it runs in a worker. */
export interface AppHandle {
  phases(): Promise<Record<string, number>>;
  /** Share of time Solde's event loop was busy since the previous call. */
  busy(): Promise<number>;
  /** CPU time Solde's thread has used so far (user + system), µs. */
  cpuMicros(): Promise<number>;
  /** Starts sampling Solde's thread (V8 CPU profiler, 100 µs interval). */
  profileStart(): Promise<void>;
  /** Stops sampling and returns the profile (Profiler.Profile). */
  profileStop(): Promise<unknown>;
  idle(): Promise<void>;
}

export interface SplitBed {
  readonly server: DrachtioServer;
  readonly app: AppHandle;
  close(): Promise<void>;
}

/**
 * The emulator and the load in this thread; Solde in a worker thread (its own event loop, as next to a
 * real drachtio-server); Postgres, Redis and rtpengine shared. One funded account whose PBX is 127.0.0.1.
 */
export async function startSplitBed(options: { toneMs: number; balanceMicros: bigint; app?: 'solde' | 'bare-b2bua' }): Promise<SplitBed> {
  const db = await createTestDatabase();
  const redis = await createTestRedis();
  const rtpengine = await startBenchRtpengine();
  const secret = 'cymru';
  const server = await startDrachtioServer({ secret });
  const { funds } = createTestFunds(db.pool, redis.redis, redis.prefix);
  await funds.createAccount({ id: 'bench', name: 'bench', language: 'en', maxConcurrentCalls: 5000 });
  await fundAccount(funds, 'bench', options.balanceMicros, 'fund-bench');
  await addPbxSource(db.pool, 'bench', '127.0.0.1/32');
  const workDir = mkdtempSync(join(tmpdir(), 'solde-bench-'));
  const data: AppWorkerData = { databaseUrl: db.url, redisPrefix: redis.prefix, ngPort: rtpengine.ngPort, drachtioPort: server.port,
    secret, toneMs: options.toneMs, workDir };
  // A worker does not inherit tsx's loader: register it first, then load the TypeScript entry.
  const entry = new URL(options.app === 'bare-b2bua' ? './bare-b2bua-worker.ts' : './sip-app-worker.ts', import.meta.url).href;
  const worker = new Worker(`import { register } from 'tsx/esm/api'; register(); await import(${JSON.stringify(entry)});`,
    { eval: true, workerData: data });
  const reply = (type: string) => new Promise<{ type: string; phases?: Record<string, number>; utilization?: number; micros?: number; profile?: unknown }>((resolve, reject) => {
    const onMessage = (message: { type: string }) => {
      if (message.type !== type) return;
      worker.off('message', onMessage);
      worker.off('error', reject);
      resolve(message);
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
  });
  await reply('ready');
  await server.waitForApp();
  return {
    server,
    app: {
      phases: async () => { const answer = reply('phases'); worker.postMessage({ type: 'phases' }); return (await answer).phases ?? {}; },
      busy: async () => { const answer = reply('busy'); worker.postMessage({ type: 'busy' }); return (await answer).utilization ?? Number.NaN; },
      profileStart: async () => { const answer = reply('profile-start'); worker.postMessage({ type: 'profile-start' }); await answer; },
      profileStop: async () => { const answer = reply('profile-stop'); worker.postMessage({ type: 'profile-stop' }); return (await answer).profile; },
      cpuMicros: async () => { const answer = reply('cpu'); worker.postMessage({ type: 'cpu' }); return (await answer).micros ?? Number.NaN; },
      idle: async () => { const answer = reply('idle'); worker.postMessage({ type: 'idle' }); await answer; },
    },
    async close() {
      const stopped = reply('stopped');
      worker.postMessage({ type: 'stop' });
      await stopped;
      await worker.terminate();
      await funds.flush().catch(() => undefined);
      await server.close();
      await rtpengine.stop();
      await redis.cleanup();
      db.pool.on('error', () => undefined);
      await db.drop();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

async function loadedRow(s: Scenario, rate: number): Promise<string> {
  s.refusals.clear();
  s.log(`open loop: ${rate} calls/s for ${s.seconds} s`);
  await s.app.busy();
  const { monitorEventLoopDelay } = await import('node:perf_hooks');
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const loaded = await openLoop(rate, rate * s.seconds, s.oneCall, s.log);
  lag.disable();
  const busy = await s.app.busy();
  s.log(`load generator's event loop delay during the open loop: p50 ${(lag.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(lag.percentile(99) / 1e6).toFixed(1)} ms, max ${(lag.max / 1e6).toFixed(1)} ms`);
  const phases = await s.app.phases();
  if (Object.keys(phases).length > 0) s.log(`calls still in progress: ${JSON.stringify(phases)}`);
  await s.app.idle();
  if (loaded.errors.length > 0) s.log(`errors: ${loaded.errors.join(' | ')}`);
  const refused = [...s.refusals].map(([why, n]) => `${n}x ${why}`).join(', ');
  return row(`${rate} calls/s offered, ${s.seconds} s`, loaded.measured, `${loaded.offered} offered in ${(loaded.offerMs / 1000).toFixed(1)} s, `
    + `${loaded.failures} not measured${refused ? ` (refused: ${refused})` : ''}; Solde's event loop busy ${(busy * 100).toFixed(0)}% of the time`);
}

/** BENCH_RATES="100,150,200" (the default): ascending, so that the code is warm when the top rate is offered. */
export function ratesFromEnv(): number[] {
  return (process.env.BENCH_RATES ?? '100,150,200').split(',').map(Number).filter((rate) => Number.isInteger(rate) && rate > 0);
}
