// The emulator's wire against the recorded one: each flow of test/support/drachtio/recordings/ is replayed with the same
// drachtio-srf calls as the recording, and every frame in both directions must have the same shape
// (leader fields, SIP start line, header names in order, body or not) as the real drachtio-server's.
import Srf from 'drachtio-srf';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ANSWER_SDP, startDrachtioServer, type DrachtioServer } from './support/drachtio';
import { FrameDecoder, encodeFrame } from './support/drachtio/framing';
import { recordedFrames } from './support/drachtio/transcripts';
import { ANNOUNCE_SDP, Drive, TRUNK, b2bThenCallerBye, early183, expectLikeRecording, lengthDeltas, pause, quiet, replay } from './support/drachtio/wire-replay';

describe('framing', () => {
  it('encodes the handshake frames byte for byte as recorded', () => {
    const [auth, authOk] = recordedFrames('wire-transcript-v0.9.4.txt');
    expect(auth?.payload).toBe('435bfa8d-d348-4cc6-b9f9-d2e44d9e8911|authenticate|cymru|');
    expect(encodeFrame('authenticate|cymru|', '435bfa8d-d348-4cc6-b9f9-d2e44d9e8911').bytes)
      .toBe('56#435bfa8d-d348-4cc6-b9f9-d2e44d9e8911|authenticate|cymru|');
    expect(Buffer.byteLength(authOk?.payload ?? '')).toBe(authOk?.declaredLength);
  });

  it('cuts a stream of frames split at every byte back into the frames', () => {
    const payloads = ['a|route|invite', 'b|sip|x|\r\nINVITE sip:é@h SIP/2.0\r\nContent-Length: 0\r\n\r\n', 'c|ping'];
    const stream = Buffer.from(payloads.map((p) => `${Buffer.byteLength(p)}#${p}`).join(''));
    const decoder = new FrameDecoder();
    const out: string[] = [];
    for (let i = 0; i < stream.length; i += 1) out.push(...decoder.push(stream.subarray(i, i + 1)));
    expect(out).toEqual(payloads);
    expect(() => new FrameDecoder().push(Buffer.from('12x#abc'))).toThrow(/bad length prefix/);
  });
});

describe('the emulator wire has the recorded shape', () => {
  it('length fields follow the recorded rule (requests from the network: packet size before rport=)', async () => {
    const recorded = ['wire-transcript-v0.9.4.txt', 'flows/early-cancel.txt', 'flows/callee-bye.txt'].flatMap((file) =>
      // the transcript lost trailing CRLFs: rebuild the exact SIP size from the declared frame length
      recordedFrames(file).map((frame) => {
        const cr = frame.payload.indexOf('\r');
        if (cr === -1) return frame;
        const sipBytes = frame.declaredLength - Buffer.byteLength(frame.payload.slice(0, cr)) - 2;
        const sip = frame.payload.slice(cr + 2);
        return { ...frame, payload: `${frame.payload.slice(0, cr)}\r\n${sip}${'\r\n'.repeat(Math.max(0, (sipBytes - Buffer.byteLength(sip)) / 2))}` };
      }));
    const rule = (deltas: string[]) => [...new Set(deltas)].sort();
    const expected = ['ACK -5', 'ACK 0', 'BYE -5', 'BYE 0', 'CANCEL 0', 'INVITE -5', 'INVITE 0', 'SIP/2.0 0'];
    expect(rule(lengthDeltas(recorded))).toEqual(expected);
    const server = await startDrachtioServer({ secret: 's' });
    const srf = new Srf();
    srf.invite((req, res) => {
      srf.createB2BUA(req, res, TRUNK, { localSdpB: req.body }).then(({ uas, uac }) => {
        uas.on('destroy', () => uac.destroy());
      }, () => undefined); // the second call is canceled: 487 is the expected outcome
    });
    srf.connect({ host: server.host, port: server.port, secret: 's' });
    try {
      await server.waitForApp();
      const caller = server.placeCall({ from: 'caller', to: 'len' });
      const b = await server.nextBLeg();
      b.answer();
      await caller.waitForFinal();
      await pause(20);
      await caller.bye();
      await b.waitForBye();
      const second = server.placeCall({ from: 'caller', to: 'len' });
      const b2 = await server.nextBLeg();
      b2.respond(180);
      await second.waitForStatus(180);
      second.cancel();
      await b2.waitForCancel();
      await quiet(server);
      expect(rule(lengthDeltas(server.wire))).toEqual(expected);
    } finally {
      srf.disconnect();
      await server.close();
    }
  });

  it('transcript: 486, createUAS 200 + caller BYE, createB2BUA + caller BYE', async () => {
    const shapes = await replay([
      { handler: async (_req, res) => { res.send(486); }, drive: async (server) => { await server.placeCall({ from: 'caller', to: 'busy' }).waitForFinal(); } },
      {
        handler: async (req, res, srf) => {
          const uas = await srf.createUAS(req, res, { localSdp: DEFAULT_ANSWER_SDP });
          await new Promise<void>((resolve) => uas.on('destroy', () => resolve()));
        },
        drive: async (server) => {
          const caller = server.placeCall({ from: 'caller', to: 'answer' });
          await caller.waitForFinal();
          await new Promise((resolve) => setTimeout(resolve, 20)); // the app's dialog is set up after the ACK
          await caller.bye();
        },
      },
      {
        handler: async (req, res, srf) => {
          const { uas, uac } = await srf.createB2BUA(req, res, TRUNK, { localSdpB: req.body });
          uas.on('destroy', () => { void uac.destroy(); });
        },
        drive: async (server, appDone) => {
          const caller = server.placeCall({ from: 'caller', to: 'b2b' });
          const b = await server.nextBLeg();
          b.respond(100);
          b.answer();
          await caller.waitForFinal();
          await appDone;
          await caller.bye();
          await b.waitForBye();
        },
      },
    ]);
    expectLikeRecording(shapes, 'wire-transcript-v0.9.4.txt');
  });

  it('flows/early-tuned.txt: proper 183, B2BUA without relaying 180', async () => {
    const shapes = await replay([{
      handler: async (req, res, srf) => {
        await new Promise<void>((resolve) => res.send(183, 'Session Progress',
          { headers: { Contact: '<sip:127.0.0.1:5060>' }, body: ANNOUNCE_SDP }, () => resolve()));
        const { uas, uac } = await srf.createB2BUA(req, res, TRUNK, { localSdpB: req.body, passProvisionalResponses: false });
        uas.on('destroy', () => { void uac.destroy(); });
      },
      drive: b2bThenCallerBye('early-tuned'),
    }]);
    expectLikeRecording(shapes, 'flows/early-tuned.txt');
  });

  it('flows/early.txt: default 183, B 180 relayed', async () => {
    const shapes = await replay([{
      handler: async (req, res, srf) => {
        await early183(res);
        const { uas, uac } = await srf.createB2BUA(req, res, TRUNK, { localSdpB: req.body });
        uas.on('destroy', () => { void uac.destroy(); });
      },
      drive: b2bThenCallerBye('early'),
    }]);
    expectLikeRecording(shapes, 'flows/early.txt');
  });

  it('flows/early-cancel.txt: caller CANCEL while B rings', async () => {
    const shapes = await replay([{
      handler: async (req, res, srf) => {
        req.on('cancel', () => undefined);
        await early183(res);
        await expect(srf.createB2BUA(req, res, TRUNK, { localSdpB: req.body })).rejects.toMatchObject({ status: 487 });
      },
      drive: async (server) => {
        const caller = server.placeCall({ from: 'caller', to: 'early-cancel' });
        const b = await server.nextBLeg();
        b.respond(100);
        b.respond(180);
        await caller.waitForStatus(180);
        caller.cancel();
        await b.waitForCancel();
      },
    }]);
    expectLikeRecording(shapes, 'flows/early-cancel.txt');
  });

  it('flows/early-cancel-before-b.txt: caller CANCEL during the announcement', async () => {
    const shapes = await replay([{
      handler: async (req, res) => {
        const lateSend = new Promise<unknown>((resolve) => req.on('cancel', () => res.send(487, (err: unknown) => resolve(err))));
        await early183(res);
        expect(await lateSend).toBe('Response not sent due to unknown transaction');
      },
      drive: async (server) => {
        const caller = server.placeCall({ from: 'caller', to: 'early-cancel' });
        await caller.waitForStatus(183);
        caller.cancel();
      },
    }]);
    expectLikeRecording(shapes, 'flows/early-cancel-before-b.txt');
  });

  it('flows/b-fail.txt and b-fail-nopass.txt: B answers 503', async () => {
    const failing = (to: string): Drive => async (server) => {
      const caller = server.placeCall({ from: 'caller', to });
      const b = await server.nextBLeg();
      b.respond(100);
      b.respond(503);
      await caller.waitForFinal();
    };
    const relayed = await replay([{
      handler: async (req, res, srf) => {
        await expect(srf.createB2BUA(req, res, TRUNK, { localSdpB: req.body })).rejects.toMatchObject({ status: 503 });
      },
      drive: failing('b-fail'),
    }]);
    expectLikeRecording(relayed, 'flows/b-fail.txt');
    const ownAnswer = await replay([{
      handler: async (req, res, srf) => {
        await expect(srf.createB2BUA(req, res, TRUNK, { localSdpB: req.body, passFailure: false })).rejects.toMatchObject({ status: 503 });
        res.send(480, { headers: { Reason: 'SIP;cause=503;text="B leg: Service Unavailable"' } });
      },
      drive: failing('b-fail-nopass'),
    }]);
    expectLikeRecording(ownAnswer, 'flows/b-fail-nopass.txt');
  });

  it('flows/callee-bye.txt and app-bye.txt: B hangs up; the app tears both legs down', async () => {
    const answered = async (server: DrachtioServer, to: string) => {
      const caller = server.placeCall({ from: 'caller', to });
      const b = await server.nextBLeg();
      b.respond(100);
      b.respond(180);
      await pause(30);
      b.answer();
      await caller.waitForFinal();
      await b.waitForAck();
      return { caller, b };
    };
    const calleeBye = await replay([{
      handler: async (req, res, srf) => {
        const { uas, uac } = await srf.createB2BUA(req, res, TRUNK, { localSdpB: req.body });
        await new Promise<void>((resolve) => uac.on('destroy', () => uas.destroy(undefined, () => resolve())));
      },
      drive: async (server, appDone) => {
        const { caller, b } = await answered(server, 'callee-bye');
        await pause(20);
        await b.bye();
        await caller.waitForBye();
        await appDone;
      },
    }]);
    expectLikeRecording(calleeBye, 'flows/callee-bye.txt');
    const appBye = await replay([{
      handler: async (req, res, srf) => {
        const { uas, uac } = await srf.createB2BUA(req, res, TRUNK, { localSdpB: req.body });
        await new Promise((resolve) => setTimeout(resolve, 20));
        const headers = { Reason: 'Q.850;cause=16;text="prepaid credit exhausted"' };
        await Promise.all([uas.destroy({ headers }), uac.destroy({ headers })]);
      },
      drive: async (server, appDone) => {
        const { caller, b } = await answered(server, 'app-bye');
        await Promise.all([caller.waitForBye(), b.waitForBye(), appDone]);
      },
    }]);
    expectLikeRecording(appBye, 'flows/app-bye.txt');
  });
});
