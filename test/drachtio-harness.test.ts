// Proves the drachtio-server emulator (test/support/drachtio) against a minimal drachtio-srf app written
// here (not Solde), flow by flow as recorded in test/support/drachtio/recordings/ (transcript + flows/*.txt):
// the handshake, refusals, answers, early media then B2BUA, CANCEL. Endings, malformed INVITEs and the
// harness' own hygiene: drachtio-harness-endings.test.ts.
import Srf from 'drachtio-srf';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ANSWER_SDP } from './support/drachtio';
import { ANNOUNCE_SDP, B_FACING_SDP, A_FACING_SDP, TRUNK, SECRET, deferred, tagOf, send183, server, srf, invite, useEmulatorApp } from './support/drachtio/srf-app-harness';

useEmulatorApp();

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
    invite.handler = (req, res) => { seen.resolve(req); res.send(486); };
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
    invite.handler = (req, res) => { seen.resolve(req); res.send(402, { headers: { Reason: 'Q.850;cause=31;text="insufficient balance"' } }); };
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
    invite.handler = async (req, res) => {
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
    invite.handler = async (req, res) => {
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
    invite.handler = async (req, res) => {
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
    invite.handler = async (req, res) => {
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
    invite.handler = async (req, res) => {
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
