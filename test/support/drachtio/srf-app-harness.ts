// What the emulator's own tests share (test/drachtio-harness*.test.ts): the emulator started once per test
// file with a minimal drachtio-srf app connected to it (not Solde), the SDPs of the recorded flows, and
// small waiting helpers. The bindings below are live: a test file reads `server` and `srf` after
// useEmulatorApp()'s beforeAll has run, and sets `invite.handler` to answer the next INVITEs.
import Srf from 'drachtio-srf';
import { afterAll, beforeAll, expect } from 'vitest';
import { startDrachtioServer, type DrachtioServer } from './index';

export type Handler = (req: Srf.SrfRequest, res: Srf.SrfResponse) => void | Promise<void>;

export const SECRET = 'cymru';
export const ANNOUNCE_SDP = 'v=0\r\no=announce 7 7 IN IP4 127.0.0.1\r\ns=announce\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 30988 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendonly\r\n';
export const B_FACING_SDP = 'v=0\r\no=rtpengine 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 30974 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';
export const A_FACING_SDP = 'v=0\r\no=rtpengine 2 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 30000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';
export const TRUNK = 'sip:uas@127.0.0.1:5070';

export let server: DrachtioServer;
export let srf: Srf;
/** The app's INVITE handler: each test sets the one it needs. */
export const invite: { handler: Handler } = { handler: () => undefined };

/** Starts the emulator and connects the app before the file's tests; closes both after, with no protocol error. */
export function useEmulatorApp(): void {
  beforeAll(async () => {
    server = await startDrachtioServer({ secret: SECRET });
    srf = new Srf();
    srf.invite((req, res) => { void invite.handler(req, res); });
    srf.connect({ host: server.host, port: server.port, secret: SECRET });
    await server.waitForApp();
  });
  afterAll(async () => {
    srf.disconnect();
    await server.close();
    expect(server.protocolErrors).toEqual([]);
  });
}

/** A promise the app's handler settles (within 5 s), so the test can assert what the app saw. */
export function deferred<T>(what = 'the app'): { promise: Promise<T>; resolve(value: T): void; reject(error: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const settled = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_res, rej) => {
    timer = setTimeout(() => rej(new Error(`${what} did not get there within 5 s`)), 5_000);
  });
  const promise = Promise.race([settled, timeout]).finally(() => clearTimeout(timer));
  return { promise, resolve, reject };
}

export function tagOf(header: string | undefined): string | undefined {
  return /;tag=([^;]+)/.exec(header ?? '')?.[1];
}

/** The app's 183 as flows/early-tuned.txt sends it: reason phrase and Contact given explicitly. */
export function send183(res: Srf.SrfResponse): Promise<void> {
  return new Promise((resolve, reject) => {
    res.send(183, 'Session Progress', { headers: { Contact: '<sip:127.0.0.1:5060>' }, body: ANNOUNCE_SDP },
      (err: unknown) => (err ? reject(err) : resolve()));
  });
}
