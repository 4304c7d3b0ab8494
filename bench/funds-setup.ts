// Shared set-up of the funds benchmarks: a fresh migrated database, a key prefix of its own on the local
// Redis, funded accounts, a concurrent runner on top of tinybench, redis-benchmark of a funds script, and
// the results-table writer for bench/README.md's "## Funds" section.
import { writeResultBlock } from './readme-writer';
import { execFile } from 'node:child_process';
import { cpus } from 'node:os';
import { promisify } from 'node:util';
import { Bench } from 'tinybench';
import { cpuPerOp, sampleCpu, type CpuPerOp } from './cpu-meter';
import type { Redis } from 'ioredis';
import { createTestDatabase, type TestDatabase } from '../test/support/pg';
import { deleteByPrefix } from '../test/support/redis';
import { createFundsRedis } from '../rating/funds/redis-client';
import { createTestFunds, fundAccount } from '../rating/funds/harness';
import { fundsLibrary, loadFundsLibrary, type ScriptName } from '../rating/funds/scripts';
import type { FundsService } from '../rating/funds/service';

const run = promisify(execFile);
export const REDIS_URL = process.env.SOLDE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

export interface FundsBench {
  readonly db: TestDatabase;
  readonly redis: Redis;
  readonly prefix: string;
  readonly funds: FundsService;
  readonly accounts: readonly string[];
  close(): Promise<void>;
}

/** `count` accounts named bench-0.. each holding `balanceMicros`. */
export async function setUpFunds(count: number, balanceMicros: bigint): Promise<FundsBench> {
  const db = await createTestDatabase();
  db.pool.on('error', () => undefined); // connections ended by the final DROP DATABASE ... WITH (FORCE)
  const redis = createFundsRedis(REDIS_URL);
  await redis.ping().catch(async () => {
    await new Promise((resolve) => setTimeout(resolve, 200));
  });
  const prefix = `solde-bench:${process.pid}:`;
  const { funds } = createTestFunds(db.pool, redis, prefix);
  const accounts = Array.from({ length: count }, (_, i) => `bench-${i}`);
  for (const id of accounts) {
    await funds.createAccount({ id, name: id });
    await fundAccount(funds, id, balanceMicros, `setup:${id}`);
  }
  return {
    db, redis, prefix, funds, accounts,
    async close() {
      await funds.stop();
      await deleteByPrefix(redis, prefix);
      redis.disconnect();
      await db.drop();
    },
  };
}

export interface Measured {
  readonly name: string;
  readonly opsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly samples: number;
  readonly note?: string;
  /** CPU time per operation of each process, over the timed run (cpu-meter.ts). */
  readonly cpu?: CpuPerOp;
}

/**
 * Runs `op` for `timeMs` with `inFlight` operations outstanding; ops/s is over wall time, including
 * `drain` (work the operations left behind, e.g. debits still to be written to Postgres).
 */
export async function measure(name: string, inFlight: number, timeMs: number, op: () => Promise<unknown>, drain?: () => Promise<unknown>): Promise<Measured> {
  const warm = new Bench({ concurrency: 'task', threshold: inFlight, time: 300, iterations: 0, warmup: false });
  warm.add(name, op);
  await warm.run();
  const bench = new Bench({ concurrency: 'task', threshold: inFlight, time: timeMs, iterations: 0, warmup: false });
  bench.add(name, op);
  const cpuBefore = sampleCpu();
  const started = performance.now();
  await bench.run();
  await drain?.();
  const elapsed = performance.now() - started;
  const cpuAfter = sampleCpu();
  const result = bench.tasks[0]?.result;
  if (result?.state !== 'completed') throw new Error(`${name}: the benchmark did not complete (${result?.state})`);
  const samples = result.latency.samplesCount;
  return { name, opsPerSecond: Math.round((samples * 1000) / elapsed), p50Ms: result.latency.p50 ?? 0, p99Ms: result.latency.p99 ?? 0, samples, cpu: cpuPerOp(cpuBefore, cpuAfter, samples) };
}

export interface RedisBenchmarkRun {
  readonly opsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** CPU per request; redis-benchmark's own CPU is under "other". */
  readonly cpu: CpuPerOp;
}

/** Runs redis-benchmark against REDIS_URL (`options` before the command, e.g. -c, -P, -n, -r) and reads its CSV line. */
export async function runRedisBenchmark(options: readonly string[], requests: number, command: readonly string[]): Promise<RedisBenchmarkRun> {
  const url = new URL(REDIS_URL);
  const cpuBefore = sampleCpu();
  const { stdout } = await run('redis-benchmark', ['-h', url.hostname, '-p', url.port || '6379', ...options, '-n', String(requests), '--csv', ...command]);
  // "rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
  const cells = stdout.trim().split('\n').pop()!.split(',').map((c) => c.replace(/"/g, ''));
  return { opsPerSecond: Math.round(Number(cells[1])), p50Ms: Number(cells[4]), p99Ms: Number(cells[6]), cpu: cpuPerOp(cpuBefore, sampleCpu(), requests) };
}

/** redis-benchmark of a funds script by FCALL (library loaded first), every request a new random call id. */
export async function redisBenchmark(redis: Redis, script: ScriptName, keys: readonly string[], args: readonly string[], clients: number, requests: number): Promise<Measured> {
  await loadFundsLibrary(redis);
  const r = await runRedisBenchmark(['-c', String(clients), '-P', '1', '-r', '1000000000'], requests,
    ['FCALL', fundsLibrary().functions[script], String(keys.length), ...keys, ...args]);
  return { name: `redis-benchmark FCALL ${script} -c ${clients} -P 1`, ...r, samples: requests };
}

/**
 * Runs the scenarios in turn, `rounds` times (the machine is shared: alternating spreads its load changes
 * over all of them), and keeps each scenario's median round by ops/s.
 */
export async function alternate(rounds: number, scenarios: ReadonlyArray<() => Promise<Measured>>): Promise<Measured[]> {
  const runs: Measured[][] = scenarios.map(() => []);
  for (let round = 0; round < rounds; round += 1) {
    for (let i = 0; i < scenarios.length; i += 1) runs[i]!.push(await scenarios[i]!());
    console.error(`round ${round + 1}/${rounds} done`);
  }
  return runs.map((r) => [...r].sort((a, b) => a.opsPerSecond - b.opsPerSecond)[Math.floor(r.length / 2)]!);
}

/** The CPU columns: µs of CPU per operation in Node, Redis, Postgres and the rest of the machine (kernel, other). */
function cpuCells(c: CpuPerOp | undefined): string {
  if (!c) return '| | | | |';
  return `| ${c.nodeUs.toFixed(1)} | ${c.redisUs.toFixed(1)} | ${c.postgresUs.toFixed(1)} | ${c.otherUs.toFixed(1)} |`;
}

export function table(rows: readonly Measured[]): string {
  const lines = ['| scenario | ops/s | p50 ms | p99 ms | samples | CPU µs/op: Node | Redis | Postgres | other | note |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|'];
  for (const r of rows) lines.push(`| ${r.name} | ${r.opsPerSecond.toLocaleString('en')} | ${r.p50Ms.toFixed(3)} | ${r.p99Ms.toFixed(3)} | ${r.samples} ${cpuCells(r.cpu)} ${r.note ?? ''} |`);
  return lines.join('\n');
}

export function environment(file: string): string {
  return `Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model.trim()}), ${new Date().toISOString().slice(0, 10)}; ${file}`;
}

const SECTION = '## Funds';

/** Replaces this file's block (between markers) inside bench/README.md's "## Funds" section. */
export function writeResults(file: string, title: string, body: string): void {
  writeResultBlock(SECTION, 'The prepaid funds engine (rating/funds/): Lua in Redis in front of a Postgres ledger. Run a file with `node --import tsx bench/<file>`; it rewrites its own block below.', file, title, body);
}
