import { describe, expect, it } from 'vitest';
import { placeCall } from './support/call';
import { minSeCarrierScenario } from './support/scenarios';
import { tracedMessages } from './support/sipp';
import { EUR, useRealStack } from './support/stack';

// RFC 4028 session timers through the real drachtio-server v0.9.4, which runs the timers itself
// (sip/session/session-timer.ts). Solde keeps its production settings (1800 s asked, Min-SE 90): the
// caller's 90 s timer cannot run out within a test, so the teardown is shown on the B leg, where the
// server takes the carrier's interval as it is (2 s here, refresher=uas: the carrier should refresh).

const stack = useRealStack({ mode: 'inbound', meterIntervalSeconds: 2, recordWire: true, accounts: [{ id: 'acme', balanceMicros: 20n * EUR }] });

describe('session timers', () => {
  it('negotiated on both legs; the caller\'s refresh is answered locally; the carrier\'s lapse ends the call as session-expired, settled', async () => {
    const timer = ['Supported: timer', 'Session-Expires: 90;refresher=uac'];
    const result = await placeCall(stack, {
      name: 'session-timer', dialled: '00212612345678', inviteHeaders: timer, timeoutSeconds: 20,
      steps: [
        { kind: 'expect', status: 183, timeoutMs: 10_000 },
        { kind: 'answered', timeoutMs: 10_000 },
        { kind: 'refresh', cseq: 2, rtpPort: 6000, headers: timer, timeoutMs: 5_000 },
        { kind: 'expect-bye', timeoutMs: 15_000 },
      ],
      carrier: { kind: 'answer', ringMs: 10, answerHeaders: ['Require: timer', 'Session-Expires: 2;refresher=uas'],
        hangup: { by: 'caller', timeoutMs: 20_000 } }, // the carrier then waits for the server's BYE
    });
    const carrier = tracedMessages(result.carrier!);
    const invites = carrier.filter((m) => m.direction === 'received' && m.startLine.startsWith('INVITE '));
    expect(invites).toHaveLength(1); // the caller's refresh was not relayed
    expect(invites[0]!.header('supported')).toBe('timer');
    expect(invites[0]!.header('session-expires')).toBe('1800;refresher=uac');
    expect(invites[0]!.header('min-se')).toBeUndefined(); // Solde's Min-SE is the RFC's default 90: absent means 90
    const staleBye = carrier.find((m) => m.direction === 'received' && m.startLine.startsWith('BYE '))!;
    expect(staleBye.header('reason')).toContain('Session timer expired'); // drachtio-server's own BYE

    const caller = tracedMessages(result.caller);
    const ok = caller.find((m) => m.direction === 'received' && m.startLine.startsWith('SIP/2.0 200') && m.header('cseq') === '1 INVITE')!;
    expect(ok.header('session-expires')).toBe('90;refresher=uac');
    expect(ok.header('require')).toBe('timer');
    const refreshed = caller.find((m) => m.direction === 'received' && m.startLine.startsWith('SIP/2.0 200') && m.header('cseq') === '2 INVITE');
    expect(refreshed?.text).toContain('m=audio'); // answered with the call's SDP
    const bye = caller.find((m) => m.direction === 'received' && m.startLine.startsWith('BYE '))!;
    expect(bye.header('reason')).toBe('Q.850;cause=16;text="session-expired"');

    // The server tells the app of its own BYE as the emulator does (test/support/drachtio/session-timer.ts).
    const told = stack.wire!.frames.find((f) => f.direction === 'server->app' && /\|unsolicited\|/.test(f.payload.split('\r\n')[0]!));
    expect(told?.payload.split('\r\n')[0]).toMatch(/^[0-9a-f-]{36}\|sip\|application\|\d+\|udp\|127\.0\.0\.1\|\d+\|[\d:.]+\|unsolicited\|[^|]+;from-tag=[^|]+\|$/);
    expect(told?.payload).toContain('\r\nReason: SIP;cause=200;text="Session timer expired"\r\n');

    const record = await stack.callRecord(result.callId, result.fromTag);
    expect(record).toMatchObject({ endingReason: 'session-expired', settleStatus: 'ok', answered: true });
    expect(record!.billedSeconds).toBe(Math.ceil(record!.talkMs / 1000));
    expect(record!.costMicros).toBe(BigInt(record!.billedSeconds) * EUR);
  });

  it('a carrier that fails drachtio-server\'s refresh (481): both legs torn down, session-expired, settled', async () => {
    const result = await placeCall(stack, {
      name: 'refresh-481', dialled: '00212612345678', timeoutSeconds: 25,
      steps: [{ kind: 'expect', status: 183, timeoutMs: 10_000 }, { kind: 'answered', timeoutMs: 10_000 }, { kind: 'expect-bye', timeoutMs: 20_000 }],
      // 10 s, refresher=uac: the server refreshes after 5 s, give or take its own 5 s of jitter.
      carrier: { kind: 'answer', ringMs: 10, answerHeaders: ['Require: timer', 'Session-Expires: 10;refresher=uac'],
        failRefresh: { status: 481, reason: 'Call/Transaction Does Not Exist', timeoutMs: 15_000 }, hangup: { by: 'caller', timeoutMs: 20_000 } },
    });
    const carrier = tracedMessages(result.carrier!).filter((m) => m.direction === 'received');
    const refresh = carrier.filter((m) => m.startLine.startsWith('INVITE '))[1]!;
    expect(refresh.header('session-expires')).toBe('10;refresher=uac');
    expect(refresh.header('min-se')).toBe('90');
    expect(refresh.text).toContain('m=audio'); // the leg's own SDP, as offered
    expect(carrier.find((m) => m.startLine.startsWith('BYE '))?.header('reason')).toContain('Session timer expired');
    const bye = tracedMessages(result.caller).find((m) => m.direction === 'received' && m.startLine.startsWith('BYE '))!;
    expect(bye.header('reason')).toBe('Q.850;cause=16;text="session-expired"');
    const record = await stack.callRecord(result.callId, result.fromTag);
    expect(record).toMatchObject({ endingReason: 'session-expired', settleStatus: 'ok' });
    expect(record!.costMicros).toBe(BigInt(Math.ceil(record!.talkMs / 1000)) * EUR);
  }, 40_000);

  it("a carrier's 422 with a larger Min-SE: the B leg is retried once with it and the call goes on", async () => {
    const result = await placeCall(stack, {
      name: 'min-se', dialled: '00493012345678', timeoutSeconds: 20,
      steps: [{ kind: 'answered', timeoutMs: 10_000 }, { kind: 'pause', ms: 300 }, { kind: 'bye' }],
      carrierXml: { xml: minSeCarrierScenario(1800, 3600, 15_000), calls: 2 },
    });
    const invites = tracedMessages(result.carrier!).filter((m) => m.direction === 'received' && m.startLine.startsWith('INVITE '));
    expect(invites.map((m) => m.header('session-expires'))).toEqual(['1800;refresher=uac', '3600;refresher=uac']);
    const ok = tracedMessages(result.caller).find((m) => m.direction === 'received' && m.startLine.startsWith('SIP/2.0 200') && m.header('cseq') === '1 INVITE');
    expect(ok?.header('session-expires')).toBe('1800;refresher=uas'); // the caller's own interval is Solde's
    expect(await stack.callRecord(result.callId, result.fromTag)).toMatchObject({ class: 'INCLUDED', endingReason: 'caller-bye' });
  });
});
