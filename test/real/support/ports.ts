import { readFile } from 'node:fs/promises';
import { createSocket } from 'node:dgram';
import { freeUdpPort } from '../../support/rtpengine';
import { freeTcpPort } from '../../support/ports';

// Ports for one test file's processes, chosen by the kernel so parallel files never collide.

export { freeTcpPort, freeUdpPort };

/** Resolves once some process has bound UDP 127.0.0.1:port (read from /proc/net/udp, nothing is sent). */
export async function waitForUdpBound(port: number, timeoutMs: number, what: string, alive: () => boolean = () => true): Promise<void> {
  const needle = `:${port.toString(16).toUpperCase().padStart(4, '0')} `;
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; attempt < 10_000; attempt += 1) {
    const table = await readFile('/proc/net/udp', 'utf8');
    if (table.split('\n').some((line) => line.trim().split(/\s+/)[1]?.endsWith(needle.trim()))) return;
    if (Date.now() > deadline || !alive()) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${what}: nothing bound UDP port ${port} within ${timeoutMs} ms`);
}

/** Holds the carrier trunk's port while a call must not reach it; counts what arrives there anyway. */
export async function watchTrunk(port: number): Promise<{ readonly packets: number; close(): void }> {
  const socket = createSocket('udp4');
  let packets = 0;
  socket.on('message', () => { packets += 1; });
  await new Promise<void>((resolve) => socket.bind(port, '127.0.0.1', () => resolve()));
  return { get packets() { return packets; }, close: () => socket.close() };
}
