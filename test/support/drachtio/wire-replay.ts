// Replays recorded drachtio flows against a fresh emulator with the same drachtio-srf calls as the
// recording, and compares the frames' shapes (test/drachtio-harness-wire.test.ts).
import Srf from 'drachtio-srf';
import { expect } from 'vitest';
import { startDrachtioServer, type DrachtioServer } from './index';
import { frameShape, maskedFrame, recordedFrames } from './transcripts';
import type { WireRecord } from './server';

export type Handler = (req: Srf.SrfRequest, res: Srf.SrfResponse, srf: Srf) => Promise<void>;
export type Drive = (server: DrachtioServer, appDone: Promise<void>) => Promise<void>;

export const TRUNK = 'sip:uas@127.0.0.1:5070';
export const ANNOUNCE_SDP = 'v=0\r\no=announce 7 7 IN IP4 127.0.0.1\r\ns=announce\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 30988 RTP/AVP 0\r\n';

/** Runs one recorded flow against a fresh emulator and returns the shapes of every frame. */
export async function replay(calls: ReadonlyArray<{ handler: Handler; drive: Drive }>): Promise<WireRecord[]> {
  const server = await startDrachtioServer({ secret: 'cymru' });
  const srf = new Srf();
  let current: { handler: Handler; done(): void; failed(error: unknown): void } | undefined;
  srf.invite((req, res) => {
    const call = current;
    if (call === undefined) throw new Error('INVITE with no call expected');
    call.handler(req, res, srf).then(() => call.done(), (error: unknown) => call.failed(error));
  });
  srf.connect({ host: server.host, port: server.port, secret: 'cymru' });
  try {
    await server.waitForApp();
    for (const call of calls) {
      const appDone = new Promise<void>((resolve, reject) => { current = { handler: call.handler, done: resolve, failed: reject }; });
      await call.drive(server, appDone);
      await appDone;
    }
    await quiet(server);
    expect(server.protocolErrors).toEqual([]);
    return [...server.wire];
  } finally {
    srf.disconnect();
    await server.close();
  }
}

/** Waits until no frame has moved for 50 ms (bounded: 2 s). */
export async function quiet(server: DrachtioServer): Promise<void> {
  let seen = -1;
  for (let round = 0; round < 40 && seen !== server.wire.length; round += 1) {
    seen = server.wire.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Same frames in the same order per direction: shapes first (clear diffs), then the masked text. */
export function expectLikeRecording(records: readonly WireRecord[], file: string): void {
  const recorded = recordedFrames(file);
  expect(byDirection(records.map(frameShape))).toEqual(byDirection(recorded.map(frameShape)));
  expect(byDirection(records.map(maskedFrame))).toEqual(byDirection(recorded.map(maskedFrame)));
}

/**
 * Frames of each direction in order, server->app first. The interleaving of the two directions is
 * timing (a real server answers a few hundred microseconds later), not protocol.
 */
export function byDirection(shapes: string[]): string[] {
  return [...shapes.filter((s) => s.startsWith('server->app')), ...shapes.filter((s) => s.startsWith('app->server'))];
}

export const early183 = (res: Srf.SrfResponse): Promise<void> => new Promise((resolve, reject) => {
  res.send(183, 'Session in Progress', { body: ANNOUNCE_SDP }, (err: unknown) => (err ? reject(err) : resolve()));
});

export const b2bThenCallerBye = (to: string): Drive => async (server, appDone) => {
  const caller = server.placeCall({ from: 'caller', to });
  const b = await server.nextBLeg();
  b.respond(100);
  b.respond(180);
  await pause(30); // the recorded carrier answered 300 ms after ringing
  b.answer();
  await caller.waitForFinal();
  await appDone;
  await caller.bye();
  await b.waitForBye();
};

/**
 * The length field of `sip|network|<n>|` and of `response|..|OK|application|<n>|` against the SIP text
 * that follows: 0 for what drachtio built or received as is, -5 for a request whose Via `;rport` sofia
 * filled in with `=5090` (the field is the received packet's size). CANCEL repeats its INVITE's size.
 */
export function lengthDeltas(records: ReadonlyArray<{ payload: string }>): string[] {
  return records.flatMap(({ payload }) => {
    const cr = payload.indexOf('\r');
    const tokens = (cr === -1 ? payload : payload.slice(0, cr)).split('|');
    const field = tokens[1] === 'sip' && tokens[2] === 'network' ? tokens[3] : tokens[4] === 'application' ? tokens[5] : undefined;
    if (field === undefined || cr === -1) return [];
    const sip = payload.slice(cr + 2);
    if (tokens[2] === 'network' && sip.startsWith('CANCEL')) return [];
    return [`${sip.split(' ')[0]} ${Number(field) - Buffer.byteLength(sip)}`];
  });
}
