import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { randomInt } from 'node:crypto';
import { NgClient } from '../../sip/media/ng-client';

export interface TestRtpengine {
  readonly host: string;
  readonly ngPort: number;
  /** First and last RTP port this instance may use: disjoint from other test files' instances. */
  readonly portMin: number;
  readonly portMax: number;
  /** The daemon's process id (benchmarks read its CPU time). */
  readonly pid?: number;
  stop(): Promise<void>;
}

/**
 * Starts a real rtpengine (Debian's rtpengine-daemon) in userspace for one test file, with its own NG port
 * and its own RTP port range, and waits until it answers an NG ping. `npm test` installs it when missing.
 */
export async function startRtpengine(hundredsOfPorts = 1): Promise<TestRtpengine> {
  if (!Number.isInteger(hundredsOfPorts) || hundredsOfPorts < 1 || hundredsOfPorts > 10) throw new Error(`1 to 10 hundred ports, not ${hundredsOfPorts}`);
  const ngPort = await freeUdpPort();
  // 100 ports by default: 25 bridged calls (RTP and RTCP on both sides); more for tests with many calls up at once.
  const portMin = 20000 + randomInt(0, 401 - hundredsOfPorts) * 100;
  const portMax = portMin + hundredsOfPorts * 100 - 1;
  const args = [
    '--config-file=none', '--table=-1', '--interface=127.0.0.1', `--listen-ng=127.0.0.1:${ngPort}`,
    '--delete-delay=0', '--foreground', '--log-stderr', '--log-level=4', `--port-min=${portMin}`, `--port-max=${portMax}`,
  ];
  const child = spawn('rtpengine', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('error', (error) => { stderr += `\nspawn failed: ${error.message} (is rtpengine-daemon installed? npm test installs it)`; });
  try {
    await waitForPing('127.0.0.1', ngPort, 50);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`rtpengine did not answer on NG port ${ngPort}: ${(error as Error).message}\n${stderr}`);
  }
  return { host: '127.0.0.1', ngPort, portMin, portMax, pid: child.pid, stop: () => stopChild(child, exited) };
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

/** A UDP port nobody on 127.0.0.1 holds right now (the kernel's choice). */
export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

/** Sends NG pings through the product's NG client until one is answered with pong, at most `attempts` times. */
async function waitForPing(host: string, port: number, attempts: number): Promise<void> {
  const client = new NgClient({ host, port, timeoutMs: 100 });
  try {
    for (let attempt = 0; attempt < attempts; attempt += 1) {
      const reply = await client.send('ping', {}).catch(() => undefined);
      if (reply?.result === 'pong') return;
    }
    throw new Error(`no pong after ${attempts} attempts`);
  } finally {
    client.close();
  }
}
