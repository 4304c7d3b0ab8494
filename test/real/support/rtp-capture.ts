import { createSocket, type Socket } from 'node:dgram';

// The caller's RTP port: keeps every packet rtpengine sends it, to check that the caller heard an
// announcement (not silence) and for how long.

export interface RtpCapture {
  readonly port: number;
  readonly packets: ReadonlyArray<{ readonly atMs: number; readonly payloadType: number; readonly payload: Buffer }>;
  /** Resolves once `count` packets arrived (bounded). */
  waitForPackets(count: number, timeoutMs: number): Promise<void>;
  close(): void;
}

export async function startRtpCapture(): Promise<RtpCapture> {
  const socket: Socket = createSocket('udp4');
  const packets: Array<{ atMs: number; payloadType: number; payload: Buffer }> = [];
  const waiters = new Set<() => void>();
  socket.on('message', (message) => {
    if (message.length < 12 || packets.length >= 100_000) return;
    const csrcBytes = (message[0]! & 0x0f) * 4;
    packets.push({ atMs: performance.now(), payloadType: message[1]! & 0x7f, payload: message.subarray(12 + csrcBytes) });
    for (const wake of waiters) wake();
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return {
    port: socket.address().port,
    packets,
    waitForPackets(count, timeoutMs) {
      if (packets.length >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const wake = () => { if (packets.length >= count) { waiters.delete(wake); clearTimeout(timer); resolve(); } };
        const timer = setTimeout(() => { waiters.delete(wake); reject(new Error(`caller RTP: ${packets.length} of ${count} packets within ${timeoutMs} ms`)); }, timeoutMs);
        waiters.add(wake);
      });
    },
    close: () => socket.close(),
  };
}

/** G.711 mu-law byte to linear PCM (ITU-T G.711). */
function muLawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const magnitude = ((((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4)) - 0x84;
  return u & 0x80 ? -magnitude : magnitude;
}

/** Root mean square of the PCMU audio in these packets (0 = digital silence; speech is in the thousands). */
export function pcmuRms(packets: RtpCapture['packets']): number {
  let sum = 0;
  let samples = 0;
  for (const packet of packets) {
    if (packet.payloadType !== 0) continue;
    for (const byte of packet.payload) { const v = muLawToLinear(byte); sum += v * v; samples += 1; }
  }
  return samples === 0 ? 0 : Math.sqrt(sum / samples);
}

/** Milliseconds of PCMU audio received (8 samples a millisecond). */
export function pcmuAudioMs(packets: RtpCapture['packets']): number {
  return packets.filter((p) => p.payloadType === 0).reduce((ms, p) => ms + p.payload.length / 8, 0);
}

/** The packets before and after the longest pause between two packets (two announcements apart). */
export function splitAtLongestGap(packets: RtpCapture['packets']): [RtpCapture['packets'], RtpCapture['packets']] {
  let at = 0;
  let longest = -1;
  for (let i = 1; i < packets.length; i += 1) {
    const gap = packets[i]!.atMs - packets[i - 1]!.atMs;
    if (gap > longest) { longest = gap; at = i; }
  }
  return [packets.slice(0, at), packets.slice(at)];
}
