// An assembled announcement played by a real rtpengine (`play media` with `file`, through the same media
// control a call uses) reaches the listener as 20 ms PCMU packets whose sequence numbers and timestamps
// span the message's duration: the duration Solde waits for is the duration heard.
// UDP may drop a packet on a loaded machine, so the test checks what a lost packet cannot fake: the span
// of the RTP sequence (first to last packet sent) covers the whole message, every timestamp sits exactly
// where its sequence number says, and nearly every packet arrived.
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAmount } from '../rating/money';
import { createAnnouncer, type Announcement } from '../sip/announce/index';
import { createRtpengineMedia, type MediaControl } from '../sip/media/rtpengine';
import { startRtpengine, type TestRtpengine } from './support/rtpengine';

const PACKET_MS = 20;
const PCMU_PAYLOAD_BYTES = 160;
const RTP_HEADER_BYTES = 12;
/** Playback is over when no packet came for this long (bounded below by the announced duration). */
const QUIET_MS = 800;
const MAX_EXTRA_WAIT_MS = 10_000;

let rtpengine: TestRtpengine;
let media: MediaControl;
const outputDir = mkdtempSync(join(tmpdir(), 'solde-announce-rtp-'));

beforeAll(async () => {
  rtpengine = await startRtpengine();
  media = createRtpengineMedia({ host: rtpengine.host, port: rtpengine.ngPort, timeoutMs: 2000 });
});

afterAll(async () => {
  media?.close();
  await rtpengine?.stop();
  rmSync(outputDir, { recursive: true, force: true });
});

interface Leg { socket: Socket; packets: Buffer[]; lastAtMs: number }

function bindLeg(): Promise<Leg> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const leg: Leg = { socket, packets: [], lastAtMs: 0 };
    socket.on('message', (packet) => { leg.packets.push(packet); leg.lastAtMs = performance.now(); });
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve(leg));
  });
}

const sdpFor = (leg: Leg): string =>
  `v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n` +
  `m=audio ${leg.socket.address().port} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n`;

/** Waits for the announced duration, then until the listener has heard nothing for QUIET_MS (bounded). */
async function untilQuiet(leg: Leg, durationMs: number): Promise<void> {
  const startMs = performance.now();
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  while (performance.now() - startMs < durationMs + MAX_EXTRA_WAIT_MS) {
    if (leg.packets.length > 0 && performance.now() - leg.lastAtMs >= QUIET_MS) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Sets up a call between two local sockets, plays the announcement to one side, returns what arrived. */
async function playThroughRtpengine(callId: string, announcement: Announcement, toSide: 'caller' | 'callee') {
  const caller = await bindLeg();
  const callee = await bindLeg();
  const call = { callId, fromTag: 'caller' };
  try {
    await media.offer(call, sdpFor(caller));
    await media.answer(call, sdpFor(callee));
    // rtpengine plays to the party named by from-tag; the callee's tag is the one answer() gave it.
    const replyDurationMs = await media.play(toSide === 'caller' ? call : { callId, fromTag: 'b2b-caller' }, announcement.path);
    const [heard, other] = toSide === 'caller' ? [caller, callee] : [callee, caller];
    await untilQuiet(heard, announcement.durationMs);
    await media.delete(call);
    return { replyDurationMs, heard: heard.packets, other: other.packets };
  } finally {
    caller.socket.close();
    callee.socket.close();
  }
}

function expectPacedPcmu(packets: Buffer[], durationMs: number): void {
  expect(packets.length).toBeGreaterThan(0);
  for (const packet of packets) {
    expect(packet[0]! >> 6, 'RTP version').toBe(2);
    expect(packet[1]! & 0x7f, 'payload type PCMU').toBe(0);
    expect(packet.length - RTP_HEADER_BYTES, 'payload of 20 ms').toBe(PCMU_PAYLOAD_BYTES);
  }
  const first = packets[0]!;
  const sequenceOffset = (packet: Buffer) => (packet.readUInt16BE(2) - first.readUInt16BE(2) + 65536) % 65536;
  const offsets = packets.map(sequenceOffset);
  // Every packet's timestamp is exactly 160 samples per sequence step after the first: no skipped or
  // stretched audio, whatever UDP dropped.
  for (const [index, packet] of packets.entries()) {
    expect((packet.readUInt32BE(4) - first.readUInt32BE(4)) >>> 0, `timestamp of packet ${index}`).toBe(offsets[index]! * PCMU_PAYLOAD_BYTES);
  }
  expect(new Set(offsets).size, 'no packet twice').toBe(packets.length);
  // The sequence spans the message: what rtpengine sent lasts as long as the announcement.
  const sent = Math.max(...offsets) + 1;
  const expected = durationMs / PACKET_MS;
  expect(Math.abs(sent - expected), `${sent} packets sent for ${durationMs} ms`).toBeLessThanOrEqual(expected * 0.02 + 2);
  // Loopback UDP loses little even under load; a broken pacing or a truncated playback loses much more.
  expect(packets.length, `${packets.length} of ${sent} packets arrived`).toBeGreaterThanOrEqual(Math.floor(sent * 0.97));
  // Speech, not silence: PCMU silence is 0xff/0x7f; a spoken message has many loud samples.
  const loud = packets.flatMap((p) => [...p.subarray(RTP_HEADER_BYTES)]).filter((b) => (b & 0x7f) < 0x40).length;
  expect(loud).toBeGreaterThan(packets.length * 10);
}

describe('announcement played by rtpengine', () => {
  it('sends 20 ms packets spanning the message, to the caller and to the callee', async () => {
    const announcer = createAnnouncer({ outputDir });
    const warning = await announcer.lowFunds('fr', 30);
    const balance = await announcer.balance('en', parseAmount('21.05'), 'GBP');
    const [toCaller, toCallee] = await Promise.all([
      playThroughRtpengine('announce-rtp-1', warning, 'caller'),
      playThroughRtpengine('announce-rtp-2', balance, 'callee'),
    ]);
    for (const [played, announcement] of [[toCaller, warning], [toCallee, balance]] as const) {
      expect(Math.abs(played.replyDurationMs - announcement.durationMs)).toBeLessThanOrEqual(PACKET_MS);
      expectPacedPcmu(played.heard, announcement.durationMs);
      expect(played.other).toHaveLength(0);
    }
  });
});
