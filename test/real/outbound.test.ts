import { describe, expect, it } from 'vitest';
import { placeCall } from './support/call';
import { receivedStatuses } from './support/sipp';
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

  it('a paid call gets its announcement, is connected and charged, the carrier hangs up', async () => {
    const result = await placeCall(stack, {
      name: 'outbound-paid', dialled: '00212612345678',
      steps: [{ kind: 'expect', status: 183, timeoutMs: 10_000 }, { kind: 'answered', timeoutMs: 30_000 }, { kind: 'expect-bye', timeoutMs: 10_000 }],
      carrier: { kind: 'answer', ringMs: 50, hangup: { by: 'callee', talkMs: 1_500 } },
    });
    expect(receivedStatuses(result.caller)).toEqual([100, 183, 200]);
    const record = await stack.callRecord(result.callId, result.fromTag);
    expect(record).toMatchObject({ class: 'INTERNATIONAL', endingReason: 'callee-bye', settleStatus: 'ok' });
    expect(record!.costMicros).toBe(BigInt(record!.billedSeconds) * EUR);
    expect(record!.billedSeconds).toBeGreaterThanOrEqual(2);
    expect(await stack.funds.balance('acme')).toMatchObject({ availableMicros: 20n * EUR - record!.costMicros, heldMicros: 0n });
  });
});
