import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { freeTcpPort } from './ports';

// A Redis server of one test's own, that the test really stops and starts again (the process ends, its
// port refuses connections), without persistence: a restart loses everything, as a Redis configured
// without RDB/AOF does in production. The shared Redis at 127.0.0.1:6379 is never touched.

export interface OwnRedis {
  readonly port: number;
  readonly url: string;
  /** True while the server process runs. */
  readonly running: boolean;
  /** Ends the server process (SIGKILL: nothing is saved, as in a crash) and waits until it is gone. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty, and waits until it answers PING. */
  start(): Promise<void>;
  close(): Promise<void>;
}

const START_TIMEOUT_MS = 10_000;

export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freeTcpPort();
  let child: ChildProcess | undefined;
  const spawnServer = async () => {
    const started = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'], { stdio: 'ignore' });
    child = started;
    await waitForPing(port, () => started.exitCode === null);
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGKILL');
    await exited;
  };
  await spawnServer();
  return {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    get running() {
      return child !== undefined && child.exitCode === null;
    },
    stop,
    start: spawnServer,
    close: stop,
  };
}

async function waitForPing(port: number, alive: () => boolean): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (let attempt = 0; attempt < 1_000 && Date.now() < deadline && alive(); attempt += 1) {
    const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') return;
    } catch {
      // not listening yet
    } finally {
      probe.disconnect();
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`redis-server on port ${port} did not answer PING within ${START_TIMEOUT_MS} ms`);
}
