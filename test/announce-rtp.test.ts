// An assembled announcement played by a real rtpengine (`play media` with `file`) reaches the caller as
// one 20 ms PCMU packet per 20 ms of message: the duration Solde waits for is the duration heard.
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAmount } from '../rating/money';
import { createAnnouncer, type Announcement } from '../sip/announce/index';
import { createNgClient, type NgClient } from '../sip/announce/ng-client';
import { startRtpengine, type TestRtpengine } from './support/rtpengine';

const PACKET_MS = 20;
const PCMU_PAYLOAD_BYTES = 160;
const RTP_HEADER_BYTES = 12;

let rtpengine: TestRtpengine;
let ng: NgClient;
const outputDir = mkdtempSync(join(tmpdir(), 'solde-announce-rtp-'));

beforeAll(async () => {
  rtpengine = await startRtpengine();
  ng = createNgClient({ host: rtpengine.host, port: rtpengine.ngPort });
});

afterAll(async () => {
  ng?.close();
  await rtpengine?.stop();
  rmSync(outputDir, { recursive: true, force: true });
});

interface Leg { socket: Socket; packets: Buffer[] }

function bindLeg(): Promise<Leg> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const leg: Leg = { socket, packets: [] };
    socket.on('message', (packet) => leg.packets.push(packet));
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve(leg));
  });
}

const sdpFor = (leg: Leg): string =>
  `v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n` +
  `m=audio ${leg.socket.address().port} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n`;

/** Sets up a call between two local sockets, plays the announcement to one side, returns what arrived. */
async function playThroughRtpengine(callId: string, announcement: Announcement, toSide: 'caller' | 'callee') {
  const caller = await bindLeg();
  const callee = await bindLeg();
  try {
    await ng.send('offer', { 'call-id': callId, 'from-tag': 'caller', sdp: sdpFor(caller) });
    await ng.send('answer', { 'call-id': callId, 'from-tag': 'caller', 'to-tag': 'callee', sdp: sdpFor(callee) });
    // rtpengine plays to the party named by from-tag.
    const reply = await ng.send('playMedia', { 'call-id': callId, 'from-tag': toSide, file: announcement.path });
    await new Promise((resolve) => setTimeout(resolve, announcement.durationMs + 500));
    await ng.send('delete', { 'call-id': callId, 'from-tag': 'caller' });
    const [heard, other] = toSide === 'caller' ? [caller, callee] : [callee, caller];
    return { replyDurationMs: Number(reply.duration), heard: heard.packets, other: other.packets };
  } finally {
    caller.socket.close();
    callee.socket.close();
  }
}

function expectPacedPcmu(packets: Buffer[], durationMs: number): void {
  const expected = durationMs / PACKET_MS;
  expect(Math.abs(packets.length - expected)).toBeLessThanOrEqual(expected * 0.05 + 3);
  for (const [index, packet] of packets.entries()) {
    expect(packet[0]! >> 6, 'RTP version').toBe(2);
    expect(packet[1]! & 0x7f, 'payload type PCMU').toBe(0);
    expect(packet.length - RTP_HEADER_BYTES, 'payload of 20 ms').toBe(PCMU_PAYLOAD_BYTES);
    if (index === 0) continue;
    const previous = packets[index - 1]!;
    expect((packet.readUInt16BE(2) - previous.readUInt16BE(2) + 65536) % 65536, 'sequence').toBe(1);
    expect(packet.readUInt32BE(4) - previous.readUInt32BE(4), 'timestamp step').toBe(PCMU_PAYLOAD_BYTES);
  }
  // Speech, not silence: PCMU silence is 0xff/0x7f; a spoken message has many loud samples.
  const loud = packets.flatMap((p) => [...p.subarray(RTP_HEADER_BYTES)]).filter((b) => (b & 0x7f) < 0x40).length;
  expect(loud).toBeGreaterThan(packets.length * 10);
}

describe('announcement played by rtpengine', () => {
  it('sends one 20 ms packet per 20 ms of message, to the caller and to the callee', async () => {
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
