// Proves the drachtio-server emulator (test/support/drachtio) against a minimal drachtio-srf app
// written here (not Solde), flow by flow as recorded in shared/drachtio/ (transcript + flows/*.txt).
import net from 'node:net';
import Srf from 'drachtio-srf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ANSWER_SDP, DEFAULT_OFFER_SDP, sofiaVerdict, startDrachtioServer, type DrachtioServer } from './support/drachtio';

type Handler = (req: Srf.SrfRequest, res: Srf.SrfResponse) => void | Promise<void>;

const SECRET = 'cymru';
const ANNOUNCE_SDP = 'v=0\r\no=announce 7 7 IN IP4 127.0.0.1\r\ns=announce\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 30988 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendonly\r\n';
const B_FACING_SDP = 'v=0\r\no=rtpengine 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 30974 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';
const A_FACING_SDP = 'v=0\r\no=rtpengine 2 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 30000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';
const TRUNK = 'sip:uas@127.0.0.1:5070';

let server: DrachtioServer;
let srf: Srf;
let handler: Handler = () => undefined;

beforeAll(async () => {
  server = await startDrachtioServer({ secret: SECRET });
  srf = new Srf();
  srf.invite((req, res) => { void handler(req, res); });
  srf.connect({ host: server.host, port: server.port, secret: SECRET });
  await server.waitForApp();
});

afterAll(async () => {
  srf.disconnect();
  await server.close();
  expect(server.protocolErrors).toEqual([]);
});

/** A promise the app's handler settles (within 5 s), so the test can assert what the app saw. */
function deferred<T>(what = 'the app'): { promise: Promise<T>; resolve(value: T): void; reject(error: unknown): void } {
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

function tagOf(header: string | undefined): string | undefined {
  return /;tag=([^;]+)/.exec(header ?? '')?.[1];
}

/** The app's 183 as flows/early-tuned.txt sends it: reason phrase and Contact given explicitly. */
function send183(res: Srf.SrfResponse): Promise<void> {
  return new Promise((resolve, reject) => {
    res.send(183, 'Session Progress', { headers: { Contact: '<sip:127.0.0.1:5060>' }, body: ANNOUNCE_SDP },
      (err: unknown) => (err ? reject(err) : resolve()));
  });
}

describe('handshake', () => {
  it('answers authenticate with the hostport and version, and route with OK, as v0.9.4 does', () => {
    const frames = server.wire.slice(0, 4).map((r) => `${r.direction} ${r.payload.split('|').slice(1).join('|')}`);
    expect(frames[0]).toBe(`app->server authenticate|${SECRET}|`);
    expect(frames[1]).toMatch(/^server->app response\|[0-9a-f-]{36}\|OK\|udp\/127\.0\.0\.1:5060\|1\.0\.0\|udp\/127\.0\.0\.1:5060$/);
    expect(frames[2]).toBe('app->server route|invite');
    expect(frames[3]).toMatch(/^server->app response\|[0-9a-f-]{36}\|OK$/);
  });

  it('refuses a wrong secret with NO|incorrect secret and the app does not connect', async () => {
    const other = new Srf();
    const failed = new Promise<unknown>((resolve) => other.on('connect', (err: unknown) => resolve(err)));
    other.connect({ host: server.host, port: server.port, secret: 'wrong' });
    const err = await failed;
    other.disconnect();
    expect(err).toBeInstanceOf(Error);
    expect(server.wire.some((r) => r.payload.endsWith('|NO|incorrect secret'))).toBe(true);
  });
});

describe('rejection path', () => {
  it('app answers 486: the caller sees drachtio 100 Trying then 486 with a To-tag', async () => {
    const seen = deferred<Srf.SrfRequest>();
    handler = (req, res) => { seen.resolve(req); res.send(486); };
    const caller = server.placeCall({ from: 'caller', to: 'busy' });
    const trying = await caller.nextResponse();
    expect(trying.status).toBe(100);
    const final = await caller.nextResponse();
    expect(final.startLine).toBe('SIP/2.0 486 Busy Here');
    expect(tagOf(final.get('to'))).toMatch(/^[A-Za-z0-9]{13}$/);
    expect(final.get('contact')).toBeUndefined();
    const req = await seen.promise;
    expect(req.source_address).toBe('127.0.0.1');
    expect(String(req.source_port)).toBe('5090');
    expect(req.protocol).toBe('udp');
    expect(req.get('via')).toContain(';rport=5090');
  });

  it('app answers 402 with a Reason header: the caller gets both, nothing else', async () => {
    const seen = deferred<Srf.SrfRequest>();
    handler = (req, res) => { seen.resolve(req); res.send(402, { headers: { Reason: 'Q.850;cause=31;text="insufficient balance"' } }); };
    const caller = server.placeCall({ from: '"Accueil" <sip:100@pbx.example>', to: '0044123456789', headers: { 'P-Asserted-Identity': '<sip:+33123456789@pbx.example>' } });
    const req = await seen.promise;
    expect(req.get('from')).toMatch(/^"Accueil" <sip:100@pbx\.example>;tag=[0-9a-f]{8}$/);
    expect(req.callingNumber).toBe('+33123456789'); // srf prefers P-Asserted-Identity over From
    expect(req.calledNumber).toBe('0044123456789');
    expect(req.get('p-asserted-identity')).toBe('<sip:+33123456789@pbx.example>');
    const final = await caller.waitForFinal();
    expect(final.status).toBe(402);
    expect(final.reason).toBe('Payment Required');
    expect(final.get('reason')).toBe('Q.850;cause=31;text="insufficient balance"');
    expect(caller.state).toBe('terminated');
  });
});

describe('UAS answer then caller BYE (transcript call 2)', () => {
  it('createUAS 200, ACK reaches the app, caller BYE ends the dialog', async () => {
    const destroyed = deferred<void>();
    const established = deferred<Srf.Dialog>();
    handler = async (req, res) => {
      const uas = await srf.createUAS(req, res, { localSdp: DEFAULT_ANSWER_SDP });
      uas.on('destroy', () => destroyed.resolve());
      established.resolve(uas);
    };
    const caller = server.placeCall({ from: 'caller', to: 'answer' });
    const ok = await caller.waitForStatus(200);
    expect(ok.get('contact')).toBe('<sip:127.0.0.1:5060>');
    expect(ok.get('content-type')).toBe('application/sdp');
    expect(ok.body).toBe(DEFAULT_ANSWER_SDP);
    await established.promise; // createUAS resolves only once the ACK came back through the server
    const byeResponse = await caller.bye();
    expect(byeResponse.status).toBe(200);
    expect(byeResponse.get('via')).toMatch(/;rport=5090$/);
    expect(byeResponse.get('to')).toBe(ok.get('to'));
    expect(byeResponse.get('cseq')).toBe('2 BYE');
    await destroyed.promise;
  });
});

describe('early media, then B2BUA (flows/early-tuned.txt)', () => {
  it('183 with SDP, B INVITE, B 180 not relayed, B 200 gives caller 200 on the same To-tag; BYE reaches B', async () => {
    const app = deferred<{ uas: Srf.Dialog; uac: Srf.Dialog }>();
    handler = async (req, res) => {
      try {
        await send183(res);
        const legs = await srf.createB2BUA(req, res, TRUNK, {
          localSdpB: B_FACING_SDP, localSdpA: () => A_FACING_SDP, passProvisionalResponses: false,
        });
        legs.uas.on('destroy', () => { void legs.uac.destroy(); });
        app.resolve(legs);
      } catch (error) { app.reject(error); }
    };
    const caller = server.placeCall({ from: 'caller', to: 'early-tuned' });
    const early = await caller.waitForStatus(183);
    expect(early.startLine).toBe('SIP/2.0 183 Session Progress');
    expect(early.get('contact')).toBe('<sip:127.0.0.1:5060>');
    expect(early.body).toBe(ANNOUNCE_SDP);

    const bLeg = await server.nextBLeg();
    expect(bLeg.requestUri).toBe(TRUNK);
    expect(bLeg.sdp).toBe(B_FACING_SDP);
    expect(bLeg.header('from')).toMatch(/^<sip:caller@127\.0\.0\.1:5060>;tag=[A-Za-z0-9]{13}$/);
    expect(bLeg.header('via')).toMatch(/^SIP\/2\.0\/UDP 127\.0\.0\.1;rport;branch=z9hG4bK/);
    bLeg.respond(100);
    bLeg.respond(180);
    bLeg.answer();
    await bLeg.waitForAck();

    const ok = await caller.nextResponse();
    expect(ok.status).toBe(200); // B's 180 was not relayed
    expect(tagOf(ok.get('to'))).toBe(tagOf(early.get('to')));
    expect(ok.body).toBe(A_FACING_SDP);
    const { uas, uac } = await app.promise;
    expect([uas.type, uac.type]).toEqual(['uas', 'uac']);
    expect(uac.remote.sdp).toBe(DEFAULT_ANSWER_SDP);
    expect(uas.local.sdp).toBe(A_FACING_SDP);

    expect((await caller.bye()).status).toBe(200);
    const bye = await bLeg.waitForBye();
    expect(bye.startLine).toBe(`BYE ${TRUNK} SIP/2.0`);
    expect(bLeg.state).toBe('ended');
  });

  it('relays B 180 after the 183 when passProvisionalResponses is left at its default (flows/early.txt)', async () => {
    const established = deferred<void>('createB2BUA');
    const done = deferred<void>('uas destroy');
    handler = async (req, res) => {
      res.send(183, { body: ANNOUNCE_SDP });
      const { uas, uac } = await srf.createB2BUA(req, res, TRUNK, { localSdpB: B_FACING_SDP });
      uas.on('destroy', () => { void uac.destroy(); done.resolve(); });
      established.resolve();
    };
    const caller = server.placeCall({ from: 'caller', to: 'early' });
    const early = await caller.waitForStatus(183);
    expect(early.reason).toBe('Session in Progress');
    expect(early.get('contact')).toBeUndefined();
    const bLeg = await server.nextBLeg();
    bLeg.respond(180);
    const ringing = await caller.nextResponse();
    expect(ringing.status).toBe(180);
    expect(tagOf(ringing.get('to'))).toBe(tagOf(early.get('to')));
    bLeg.answer();
    expect((await caller.waitForFinal()).status).toBe(200);
    await established.promise; // a BYE before createB2BUA resolves would find no 'destroy' listener yet
    await caller.bye();
    await done.promise;
    await bLeg.waitForBye();
  });
});

describe('CANCEL', () => {
  it('before any B leg: the server answers 200 + 487 itself, the app only gets the event (flows/early-cancel-before-b.txt)', async () => {
    const lateSend = deferred<unknown>();
    handler = async (req, res) => {
      req.on('cancel', () => res.send(487, (err: unknown) => lateSend.resolve(err)));
      await send183(res);
    };
    const caller = server.placeCall({ from: 'caller', to: 'early-cancel' });
    const early = await caller.waitForStatus(183);
    const { cancelResponse, inviteResponse } = caller.cancel();
    expect(cancelResponse.startLine).toBe('SIP/2.0 200 OK');
    expect(cancelResponse.cseqMethod).toBe('CANCEL');
    expect(inviteResponse?.status).toBe(487);
    expect(tagOf(inviteResponse?.get('to'))).toBe(tagOf(early.get('to')));
    expect(await lateSend.promise).toBe('Response not sent due to unknown transaction');
  });

  it('while B rings: createB2BUA cancels B and rejects with 487 (flows/early-cancel.txt)', async () => {
    const failure = deferred<{ status: number; finalResponseSent: boolean }>();
    handler = async (req, res) => {
      await send183(res);
      try {
        await srf.createB2BUA(req, res, TRUNK, { localSdpB: B_FACING_SDP });
        failure.reject(new Error('createB2BUA resolved'));
      } catch (error) {
        failure.resolve({ status: (error as { status: number }).status, finalResponseSent: res.finalResponseSent });
      }
    };
    const caller = server.placeCall({ from: 'caller', to: 'early-cancel' });
    await caller.waitForStatus(183);
    const bLeg = await server.nextBLeg();
    bLeg.respond(180);
    await caller.waitForStatus(180);
    caller.cancel();
    const cancel = await bLeg.waitForCancel();
    expect(cancel.startLine).toBe(`CANCEL ${TRUNK} SIP/2.0`);
    expect(cancel.get('via')).toBe(bLeg.header('via'));
    const outcome = await failure.promise;
    expect(outcome.status).toBe(487);
    expect(bLeg.state).toBe('failed');
    expect(caller.responses.filter((r) => r.status >= 200).map((r) => r.status)).toEqual([487]);
  });
});

describe('B leg failure', () => {
  it('503 is relayed by default and createB2BUA rejects with it (flows/b-fail.txt)', async () => {
    const failure = deferred<{ status: number; finalResponseSent: boolean }>();
    handler = async (req, res) => {
      try {
        await srf.createB2BUA(req, res, TRUNK, { localSdpB: B_FACING_SDP });
      } catch (error) {
        failure.resolve({ status: (error as { status: number }).status, finalResponseSent: res.finalResponseSent });
      }
    };
    const caller = server.placeCall({ from: 'caller', to: 'b-fail' });
    const bLeg = await server.nextBLeg();
    bLeg.respond(100);
    bLeg.respond(503);
    const final = await caller.waitForFinal();
    expect(final.startLine).toBe('SIP/2.0 503 Service Unavailable');
    expect(await failure.promise).toEqual({ status: 503, finalResponseSent: true });
    const ackNok = server.wire.find((r) => r.payload.includes('|NOK|Server error: ACK for non-success final response'));
    expect(ackNok).toBeDefined();
  });

  it('passFailure false lets the app answer 480 with its own Reason (flows/b-fail-nopass.txt)', async () => {
    handler = async (req, res) => {
      try {
        await srf.createB2BUA(req, res, TRUNK, { localSdpB: B_FACING_SDP, passFailure: false });
      } catch {
        if (!res.finalResponseSent) res.send(480, { headers: { Reason: 'SIP;cause=503;text="B leg: Service Unavailable"' } });
      }
    };
    const caller = server.placeCall({ from: 'caller', to: 'b-fail-nopass' });
    (await server.nextBLeg()).respond(503);
    const final = await caller.waitForFinal();
    expect(final.status).toBe(480);
    expect(final.get('reason')).toBe('SIP;cause=503;text="B leg: Service Unavailable"');
  });
});

describe('hang-ups', () => {
  it('B hangs up first: the app gets uac destroy and BYEs the caller (flows/callee-bye.txt)', async () => {
    handler = async (req, res) => {
      const { uas, uac } = await srf.createB2BUA(req, res, TRUNK, { localSdpB: B_FACING_SDP });
      uac.on('destroy', () => { void uas.destroy(); });
    };
    const caller = server.placeCall({ from: 'caller', to: 'callee-bye' });
    const bLeg = await server.nextBLeg();
    bLeg.answer();
    await caller.waitForStatus(200);
    await bLeg.waitForAck();
    const response = await bLeg.bye();
    expect(response.status).toBe(200);
    const bye = await caller.waitForBye();
    expect(bye.startLine).toBe('BYE sip:caller@127.0.0.1:5090 SIP/2.0');
    expect(bye.get('cseq')).toBe('2 BYE');
    expect(caller.state).toBe('terminated');
  });

  it('the app destroys both legs with a Reason header: both get BYE with it (flows/app-bye.txt)', async () => {
    const destroyed = deferred<void>();
    const reason = 'Q.850;cause=16;text="prepaid credit exhausted"';
    handler = async (req, res) => {
      const { uas, uac } = await srf.createB2BUA(req, res, TRUNK, { localSdpB: B_FACING_SDP });
      uas.on('ack', () => undefined);
      await Promise.all([uas.destroy({ headers: { Reason: reason } }), uac.destroy({ headers: { Reason: reason } })]);
      destroyed.resolve();
    };
    const caller = server.placeCall({ from: 'caller', to: 'app-bye' });
    const bLeg = await server.nextBLeg();
    bLeg.answer();
    await caller.waitForStatus(200);
    const [callerBye, bBye] = await Promise.all([caller.waitForBye(), bLeg.waitForBye()]);
    expect(callerBye.get('reason')).toBe(reason);
    expect(bBye.get('reason')).toBe(reason);
    await destroyed.promise;
  });
});

describe('malformed INVITEs', () => {
  const raw = (lines: string[], body = ''): string => `${lines.join('\r\n')}\r\n\r\n${body}`;
  const base = [
    'INVITE sip:0612345678@127.0.0.1:5060 SIP/2.0',
    'Via: SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bKmalformed1;rport',
    'From: <sip:100@127.0.0.1:5090>;tag=abc',
    'To: <sip:0612345678@127.0.0.1:5060>',
    'Call-ID: malformed-1@127.0.0.1',
    'CSeq: 1 INVITE',
  ];

  it('without SDP, Contact or Max-Forwards reaches the app, which can refuse it', async () => {
    const seen = deferred<Srf.SrfRequest>();
    handler = (req, res) => { seen.resolve(req); res.send(488); };
    const caller = server.placeCall({ from: '', to: '', rawRequest: raw([...base, 'Content-Length: 0']) });
    expect(caller.serverVerdict.delivered).toBe(true);
    expect((await caller.waitForFinal()).status).toBe(488);
    expect((await seen.promise).body).toBe('');
  });

  it('missing Call-ID is answered 400 by the server itself and never reaches the app', async () => {
    let appSawIt = false;
    handler = (_req, res) => { appSawIt = true; res.send(500); };
    const caller = server.placeCall({ from: '', to: '', rawRequest: raw(base.filter((l) => !l.startsWith('Call-ID'))) });
    expect(caller.serverVerdict).toMatchObject({ delivered: false, serverAnswer: 400 });
    expect((await caller.nextResponse()).status).toBe(400);
    expect(caller.invite).toBeUndefined();
    expect(appSawIt).toBe(false);
  });

  it('the server gate: what sofia drops, answers itself, or delivers', () => {
    const verdict = (text: string) => {
      const v = sofiaVerdict(text);
      return v.deliver ? 'deliver' : String(v.serverAnswer);
    };
    const body = 'v=0\r\n';
    expect(verdict(raw(base.filter((l) => !l.startsWith('Via'))))).toBe('null');
    expect(verdict('INVITE sip:+33 1 23 45 67 89@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5090\r\n\r\n')).toBe('null');
    expect(verdict(raw([...base.filter((l) => !l.startsWith('CSeq')), 'CSeq: 1 BYE']))).toBe('400');
    expect(verdict(raw([...base, 'Max-Forwards: 0']))).toBe('deliver'); // the real server hands it to the app (recordings/malformed-invites.json)
    expect(verdict(raw([...base, 'Max-Forwards: many']))).toBe('400');
    expect(verdict(raw([...base, 'Content-Length: abc']))).toBe('400');
    expect(verdict(raw(base).replace(/\r\n/g, '\n'))).toBe('deliver');
    expect(verdict(raw([base[0]!.replace('sip:0612345678', 'tel:+33612345678'), ...base.slice(1)]))).toBe('deliver');
    const cut = sofiaVerdict(raw([...base, `Content-Length: ${body.length}`], `${body}garbage`));
    expect(cut.deliver && cut.message.body).toBe(body);
  });

  it('a Content-Length past the end of the datagram is refused by the server (400)', () => {
    const caller = server.placeCall({ from: '', to: '', rawRequest: raw([...base, 'Content-Length: 5000'], DEFAULT_OFFER_SDP) });
    expect(caller.serverVerdict).toMatchObject({ delivered: false, serverAnswer: 400 });
  });
});

describe('harness hygiene', () => {
  it('two calls at once stay apart: responses, ACKs and BYEs go to their own legs', async () => {
    handler = async (req, res) => {
      try {
        const { uas, uac } = await srf.createB2BUA(req, res, TRUNK, { localSdpB: B_FACING_SDP, headers: { 'X-Dialled': req.calledNumber } });
        uas.on('destroy', () => { void uac.destroy(); });
      } catch { /* the 486 call: relayed by createB2BUA */ }
    };
    const first = server.placeCall({ from: '100', to: '0033111111111' });
    const second = server.placeCall({ from: '101', to: '0033222222222' });
    const bLegs = [await server.nextBLeg(), await server.nextBLeg()];
    const forFirst = bLegs.find((b) => b.header('x-dialled') === '0033111111111');
    const forSecond = bLegs.find((b) => b.header('x-dialled') === '0033222222222');
    if (forFirst === undefined || forSecond === undefined) throw new Error('B legs not told apart by X-Dialled');
    forSecond.answer({ sdp: A_FACING_SDP });
    forFirst.respond(486);
    expect((await second.waitForFinal()).status).toBe(200);
    expect((await first.waitForFinal()).status).toBe(486);
    await forSecond.waitForAck();
    await new Promise((resolve) => setTimeout(resolve, 20)); // let createB2BUA resolve in the app
    await second.bye();
    await forSecond.waitForBye();
    expect([forFirst.state, forSecond.state]).toEqual(['failed', 'ended']);
  });

  it('a wait that gets nothing fails in bounded time and says what it waited for', async () => {
    const pending = deferred<Srf.SrfResponse>();
    handler = (_req, res) => { pending.resolve(res); };
    const caller = server.placeCall({ from: 'caller', to: 'silent' });
    await caller.nextResponse(); // drachtio's own 100 Trying
    await expect(caller.waitForFinal(50)).rejects.toThrow(/no final response within 50 ms/);
    (await pending.promise).send(480);
    expect((await caller.waitForFinal()).status).toBe(480);
    expect(() => caller.ack()).toThrow(/needs a 2xx/);
  });

  it('a B leg cannot answer twice; a failed B leg NOKs the ACK srf sends for it', async () => {
    handler = async (req, res) => {
      try { await srf.createB2BUA(req, res, TRUNK, { localSdpB: B_FACING_SDP }); } catch { /* relayed */ }
    };
    const caller = server.placeCall({ from: 'caller', to: 'twice' });
    const bLeg = await server.nextBLeg();
    const before = server.wire.length;
    bLeg.respond(404);
    expect(() => bLeg.answer()).toThrow(/already failed/);
    expect((await caller.waitForFinal()).status).toBe(404);
    const after = server.wire.slice(before).map((r) => r.payload.split('\r')[0] ?? '');
    expect(after.some((leader) => leader.endsWith('|NOK|Server error: ACK for non-success final response is automatically generated by server'))).toBe(true);
  });

  it('an app that reconnects is routed again; what came for it while away is dropped', async () => {
    const local = await startDrachtioServer({ secret: 'again' });
    const first = new Srf();
    first.invite((_req, res) => { res.send(183, { body: ANNOUNCE_SDP }); });
    first.connect({ host: local.host, port: local.port, secret: 'again' });
    await local.waitForApp();
    const stranded = local.placeCall({ from: 'caller', to: 'stranded' });
    await stranded.waitForStatus(183);
    first.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 50));
    stranded.cancel(); // sofia answers the phone; the CANCEL has nobody to go to
    expect(local.undeliverable).toBe(1);
    const second = new Srf();
    second.invite((_req, res) => { res.send(404); });
    second.connect({ host: local.host, port: local.port, secret: 'again' });
    await local.waitForApp();
    expect((await local.placeCall({ from: 'caller', to: 'nobody' }).waitForFinal()).status).toBe(404);
    second.disconnect();
    await local.close();
  });

  it('refuses calls before an app is routed, and close() ends pending waits and the listener', async () => {
    const lonely = await startDrachtioServer({ secret: 'other' });
    expect(() => lonely.placeCall({ from: 'a', to: 'b' })).toThrow(/waitForApp/);
    const port = lonely.port;
    const waiting = lonely.nextBLeg(2_000);
    await lonely.close();
    await expect(waiting).rejects.toThrow(/closed/);
    await lonely.close(); // twice is fine
    const refused = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.on('connect', () => { socket.destroy(); resolve(false); });
      socket.on('error', () => resolve(true));
    });
    expect(refused).toBe(true);
    expect(() => lonely.port).toThrow(/not listening/);
  });
});
