// Proves the drachtio-server emulator against a minimal drachtio-srf app (not Solde), as recorded in
// test/support/drachtio/recordings/: B-leg failures, hang-ups, malformed INVITEs, and the harness' own
// hygiene (calls kept apart, bounded waits, reconnects). The set-up flows: drachtio-harness.test.ts.
import net from 'node:net';
import Srf from 'drachtio-srf';
import { describe, expect, it } from 'vitest';
import { DEFAULT_OFFER_SDP, sofiaVerdict, startDrachtioServer } from './support/drachtio';
import { ANNOUNCE_SDP, B_FACING_SDP, A_FACING_SDP, TRUNK, deferred, server, srf, invite, useEmulatorApp } from './support/drachtio/srf-app-harness';

useEmulatorApp();

describe('B leg failure', () => {
  it('503 is relayed by default and createB2BUA rejects with it (flows/b-fail.txt)', async () => {
    const failure = deferred<{ status: number; finalResponseSent: boolean }>();
    invite.handler = async (req, res) => {
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
    invite.handler = async (req, res) => {
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
    invite.handler = async (req, res) => {
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
    invite.handler = async (req, res) => {
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
    invite.handler = (req, res) => { seen.resolve(req); res.send(488); };
    const caller = server.placeCall({ from: '', to: '', rawRequest: raw([...base, 'Content-Length: 0']) });
    expect(caller.serverVerdict.delivered).toBe(true);
    expect((await caller.waitForFinal()).status).toBe(488);
    expect((await seen.promise).body).toBe('');
  });

  it('missing Call-ID is answered 400 by the server itself and never reaches the app', async () => {
    let appSawIt = false;
    invite.handler = (_req, res) => { appSawIt = true; res.send(500); };
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
    invite.handler = async (req, res) => {
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
    invite.handler = (_req, res) => { pending.resolve(res); };
    const caller = server.placeCall({ from: 'caller', to: 'silent' });
    await caller.nextResponse(); // drachtio's own 100 Trying
    await expect(caller.waitForFinal(50)).rejects.toThrow(/no final response within 50 ms/);
    (await pending.promise).send(480);
    expect((await caller.waitForFinal()).status).toBe(480);
    expect(() => caller.ack()).toThrow(/needs a 2xx/);
  });

  it('a B leg cannot answer twice; a failed B leg NOKs the ACK srf sends for it', async () => {
    invite.handler = async (req, res) => {
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
