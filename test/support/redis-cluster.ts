// A real 3-master Redis Cluster for one test file: three redis-server processes in cluster mode on
// loopback ports (each with its bus port at +10000), in a temporary directory, joined with
// `redis-cli --cluster create`, torn down (processes killed, directory removed) by stop().
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomInt } from 'node:crypto';
import { Cluster } from 'ioredis';

const run = promisify(execFile);
const MASTERS = 3;

export interface TestRedisCluster {
  readonly ports: readonly number[];
  readonly cluster: Cluster;
  stop(): Promise<void>;
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Ports p with p and p + 10000 (the cluster bus) free; bounded search. */
async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let attempt = 0; attempt < 200 && ports.length < count; attempt += 1) {
    const port = randomInt(31000, 39000);
    if (ports.includes(port)) continue;
    if ((await portFree(port)) && (await portFree(port + 10000))) ports.push(port);
  }
  if (ports.length < count) throw new Error('no free port pairs for a Redis Cluster between 31000 and 49000');
  return ports;
}

async function waitFor(check: () => Promise<boolean>, what: string, rounds = 100): Promise<void> {
  for (let i = 0; i < rounds; i += 1) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Redis Cluster: timed out waiting for ${what}`);
}

export async function startRedisCluster(): Promise<TestRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'solde-redis-cluster-'));
  const ports = await freePorts(MASTERS);
  const servers: ChildProcess[] = ports.map((port) => spawn('redis-server', [
    '--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`),
    '--dir', dir, '--save', '', '--appendonly', 'no', '--protected-mode', 'no', '--logfile', join(dir, `${port}.log`),
  ], { stdio: 'ignore' }));
  const stop = async () => {
    for (const s of servers) s.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) {
      await waitFor(async () => (await run('redis-cli', ['-p', String(port), 'ping'])).stdout.trim() === 'PONG', `redis-server on ${port}`);
    }
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
    await waitFor(async () => (await run('redis-cli', ['-p', String(ports[0]), 'cluster', 'info'])).stdout.includes('cluster_state:ok'), 'cluster_state:ok');
  } catch (error) {
    await stop();
    throw error;
  }
  const cluster = new Cluster(ports.map((port) => ({ host: '127.0.0.1', port })), { enableAutoPipelining: true });
  return {
    ports,
    cluster,
    async stop() {
      cluster.disconnect();
      await stop();
    },
  };
}
