import { describe, expect, it } from 'vitest';
import { placeCall } from './support/call';
import { receivedStatuses, tracedMessages } from './support/sipp';
import { EUR, useRealStack } from './support/stack';

// drachtio's outbound connection mode: Solde listens (DRACHTIO_LISTEN_PORT) and the real drachtio-server
// connects to it for every new INVITE (a `tcp://` request handler in its configuration).

const stack = useRealStack({ mode: 'outbound', meterIntervalSeconds: 2, accounts: [{ id: 'acme', balanceMicros: 20n * EUR }] });

describe('outbound connection mode', () => {
  it('an included call is bridged', async () => {
    const result = await placeCall(stack, {
      name: 'outbound-included', dialled: '00493012345678',
      steps: [{ kind: 'answered', timeoutMs: 10_000 }, { kind: 'pause', ms: 300 }, { kind: 'bye' }],
      carrier: { kind: 'answer', ringMs: 50, hangup: { by: 'caller', timeoutMs: 10_000 } },
    });
    expect(receivedStatuses(result.caller)).toEqual([100, 180, 200, 200]);
    expect(await stack.callRecord(result.callId, result.fromTag)).toMatchObject({ class: 'INCLUDED', endingReason: 'caller-bye' });
  });

  it('a paid call gets its announcement, is connected, re-INVITEd through rtpengine, charged, and the carrier hangs up', async () => {
    const result = await placeCall(stack, {
      name: 'outbound-paid', dialled: '00212612345678',
      steps: [{ kind: 'expect', status: 183, timeoutMs: 10_000 }, { kind: 'answered', timeoutMs: 30_000 }, { kind: 'reinvite', cseq: 2, timeoutMs: 5_000 }, { kind: 'expect-bye', timeoutMs: 10_000 }],
      carrier: { kind: 'answer', ringMs: 50, reinvite: true, hangup: { by: 'callee', talkMs: 2_000 } },
    });
    // 100 Trying to the re-INVITE too, when sofia waits for the app (rtpengine and the carrier in between).
    expect(receivedStatuses(result.caller).filter((s) => s !== 100)).toEqual([183, 200, 200]);
    // Anchored: the carrier is offered rtpengine's port, not the PBX's new one, and the PBX gets rtpengine's.
    const [, reinvite] = tracedMessages(result.carrier!).filter((m) => m.direction === 'received' && m.startLine.startsWith('INVITE '));
    expect(Number(/m=audio (\d+)/.exec(reinvite!.text)?.[1])).toBeGreaterThanOrEqual(stack.rtpengine.portMin);
    const reanswer = tracedMessages(result.caller).find((m) => m.header('cseq') === '2 INVITE' && m.startLine.startsWith('SIP/2.0 200'))!;
    expect(Number(/m=audio (\d+)/.exec(reanswer.text)?.[1])).toBeGreaterThanOrEqual(stack.rtpengine.portMin);
    const record = await stack.callRecord(result.callId, result.fromTag);
    expect(record).toMatchObject({ class: 'INTERNATIONAL', endingReason: 'callee-bye', settleStatus: 'ok' });
    expect(record!.costMicros).toBe(BigInt(record!.billedSeconds) * EUR);
    expect(record!.billedSeconds).toBeGreaterThanOrEqual(2);
    expect(await stack.funds.balance('acme')).toMatchObject({ availableMicros: 20n * EUR - record!.costMicros, heldMicros: 0n });
  });
});
