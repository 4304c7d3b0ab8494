import { describe, expect, it } from 'vitest';
import { placeCall } from './support/call';
import { watchTrunk } from './support/ports';
import { MALFORMED_CASES, sendMalformedBurst } from './support/malformed';
import { receivedStatuses, tracedMessages } from './support/sipp';
import { EUR, useRealStack } from './support/stack';

// Free calls, endings and refusals through the real drachtio-server v0.9.4 (inbound connection), a real
// rtpengine and Solde as its own process, SIPp as the PBX and the carrier trunk.

const GERMANY = '00493012345678'; // a German fixed line: included
const stack = useRealStack({
    mode: 'inbound', meterIntervalSeconds: 2, accounts: [
      { id: 'acme', balanceMicros: 20n * EUR },
      { id: 'empty', balanceMicros: 0n, source: '127.0.0.3' },
    ],
  });

const answeredThenBye = [{ kind: 'answered', timeoutMs: 10_000 }, { kind: 'pause', ms: 300 }, { kind: 'bye' }] as const;

describe('free calls', () => {
  it('an included call is bridged to the trunk with the caller\'s SDP, the caller hangs up, nothing is charged', async () => {
    const result = await placeCall(stack, {
      name: 'included', dialled: GERMANY, steps: answeredThenBye,
      carrier: { kind: 'answer', ringMs: 100, hangup: { by: 'caller', timeoutMs: 10_000 } },
    });
    expect(receivedStatuses(result.caller)).toEqual([100, 180, 200, 200]); // B's 180 relayed on a free call
    const invite = tracedMessages(result.carrier!).find((m) => m.startLine.startsWith('INVITE '))!;
    expect(invite.startLine).toBe(`INVITE sip:+493012345678@127.0.0.1:${stack.trunkPort} SIP/2.0`);
    expect(invite.text).toContain('m=audio 6000 RTP/AVP 0 101'); // not anchored: the PBX's own media port
    expect(invite.header('max-forwards')).toBe('69'); // one hop less than the PBX's 70
    const record = await stack.callRecord(result.callId, result.fromTag);
    expect(record).toMatchObject({ accountId: 'acme', class: 'INCLUDED', endingReason: 'caller-bye', answered: true, costMicros: 0n });
    expect(await stack.funds.balance('acme')).toMatchObject({ availableMicros: 20n * EUR, heldMicros: 0n });
  });

  it('a re-INVITE from the PBX (new media port) reaches the carrier, and the carrier\'s new answer reaches the PBX', async () => {
    const result = await placeCall(stack, {
      name: 'reinvite', dialled: GERMANY,
      steps: [{ kind: 'answered', timeoutMs: 10_000 }, { kind: 'reinvite', cseq: 2, timeoutMs: 5_000 }, { kind: 'bye' }],
      carrier: { kind: 'answer', ringMs: 10, reinvite: true, hangup: { by: 'caller', timeoutMs: 10_000 } },
    });
    const [, reinvite] = tracedMessages(result.carrier!).filter((m) => m.direction === 'received' && m.startLine.startsWith('INVITE '));
    expect(reinvite?.text).toContain('m=audio 6002 '); // the PBX's new port, not anchored
    const reanswer = tracedMessages(result.caller).find((m) => m.header('cseq') === '2 INVITE' && m.startLine.startsWith('SIP/2.0 200'));
    expect(reanswer?.text).toContain('m=audio 6002 '); // the carrier's new port
    expect(await stack.callRecord(result.callId, result.fromTag)).toMatchObject({ endingReason: 'caller-bye', costMicros: 0n });
  });

  it('the callee hangs up first: the caller gets BYE, the record says callee-bye', async () => {
    const result = await placeCall(stack, {
      name: 'callee-bye', dialled: GERMANY, steps: [{ kind: 'answered', timeoutMs: 10_000 }, { kind: 'expect-bye', timeoutMs: 10_000 }],
      carrier: { kind: 'answer', ringMs: 50, hangup: { by: 'callee', talkMs: 500 } },
    });
    expect(receivedStatuses(result.carrier!)).toEqual([200]); // Solde answered the carrier's BYE
    const record = await stack.callRecord(result.callId, result.fromTag);
    expect(record).toMatchObject({ endingReason: 'callee-bye', answered: true, costMicros: 0n });
  });

  it('112 passes free to the trunk while the account is empty', async () => {
    const result = await placeCall(stack, {
      name: 'emergency', dialled: '112', sourceIp: '127.0.0.3', steps: answeredThenBye,
      carrier: { kind: 'answer', ringMs: 50, hangup: { by: 'caller', timeoutMs: 10_000 } },
    });
    const invite = tracedMessages(result.carrier!).find((m) => m.startLine.startsWith('INVITE '))!;
    expect(invite.startLine).toMatch(/^INVITE sip:112@/);
    const record = await stack.callRecord(result.callId, result.fromTag);
    expect(record).toMatchObject({ accountId: 'empty', class: 'EMERGENCY', endingReason: 'caller-bye', costMicros: 0n });
    expect(await stack.funds.balance('empty')).toMatchObject({ availableMicros: 0n, heldMicros: 0n });
  });
});

describe('reliable provisionals', () => {
  it('a PBX that requires 100rel gets the 183 reliably, PRACKs it, and the paid call goes on and is charged', async () => {
    const result = await placeCall(stack, {
      name: 'prack', dialled: '00212612345678', inviteHeaders: ['Supported: 100rel', 'Require: 100rel'],
      steps: [{ kind: 'expect-reliable', status: 183, timeoutMs: 10_000 }, { kind: 'answered', timeoutMs: 30_000 }, { kind: 'pause', ms: 1_200 }, { kind: 'bye' }],
      carrier: { kind: 'answer', ringMs: 50, hangup: { by: 'caller', timeoutMs: 30_000 } },
    });
    const early = tracedMessages(result.caller).find((m) => m.startLine.startsWith('SIP/2.0 183'))!;
    expect(early.header('require')).toBe('100rel'); // drachtio-server made Solde's 183 reliable by itself
    expect(Number(early.header('rseq'))).toBeGreaterThan(0);
    const record = await stack.callRecord(result.callId, result.fromTag);
    expect(record).toMatchObject({ endingReason: 'caller-bye', settleStatus: 'ok' });
    expect(record!.costMicros).toBe(BigInt(record!.billedSeconds) * EUR);
    expect(await stack.funds.balance('acme')).toMatchObject({ availableMicros: 20n * EUR - record!.costMicros, heldMicros: 0n });
  });
});

describe('carrier failures', () => {
  for (const [status, reason] of [[486, 'Busy Here'], [503, 'Service Unavailable']] as const) {
    it(`the carrier answers ${status}: the caller gets ${status}, nothing is charged`, async () => {
      const result = await placeCall(stack, {
        name: `carrier-${status}`, dialled: GERMANY, steps: [{ kind: 'expect-final-error', status, timeoutMs: 10_000 }],
        carrier: { kind: 'fail', status, reason },
      });
      expect(receivedStatuses(result.caller)).toEqual([100, status]);
      const record = await stack.callRecord(result.callId, result.fromTag);
      expect(record).toMatchObject({ endingReason: 'b-failed', sipStatus: status, answered: false, costMicros: 0n });
    });
  }
});

describe('refusals and malformed input', () => {
  it('an untrusted source gets 403 and reaches no carrier', async () => {
    const result = await placeCall(stack, {
      name: 'untrusted', dialled: GERMANY, sourceIp: '127.0.0.9', steps: [{ kind: 'expect-final-error', status: 403, timeoutMs: 10_000 }],
    });
    const refusal = tracedMessages(result.caller).find((m) => m.startLine.startsWith('SIP/2.0 403'))!;
    expect(refusal.header('reason')).toContain('not a known PBX');
    expect(await stack.callRecord(result.callId, result.fromTag, 500)).toBeNull(); // no tenant, no record
  });

  it('a burst of malformed INVITEs: each refused by drachtio-server or by Solde, nothing crashes, nothing is charged', async () => {
    const before = await stack.funds.balance('acme');
    const trunk = await watchTrunk(stack.trunkPort);
    try {
      // Three rounds of every case, back to back.
      const malformed = MALFORMED_CASES.filter((c) => !c.wellFormed);
      const cases = [...malformed, ...malformed, ...malformed];
      const replies = await sendMalformedBurst(`127.0.0.1:${stack.drachtio.sipPort}`, 1_000, cases);
      // Each one answered with a 4xx, or dropped by sofia-sip (nothing to answer to): never connected.
      const notRefused = replies.map((r) => ({ name: r.name, final: r.statuses.find((s) => s >= 200) }))
        .filter((r) => r.final !== undefined && (r.final < 400 || r.final >= 500));
      expect(notRefused).toEqual([]);
      const maxForwardsZero = replies.find((r) => r.name === 'Max-Forwards 0')!;
      expect(maxForwardsZero.statuses).toContain(483); // Solde's own answer: the real server delivers it
      await stack.waitIdle(5_000);
      expect(trunk.packets).toBe(0); // a malformed INVITE never becomes a B leg
    } finally {
      trunk.close();
    }
    expect(stack.solde.process.running).toBe(true);
    expect(stack.drachtio.process.running).toBe(true);
    expect(await stack.funds.balance('acme')).toMatchObject({ availableMicros: before.availableMicros, heldMicros: 0n });
    // Still serving.
    const after = await placeCall(stack, {
      name: 'after-burst', dialled: GERMANY, steps: answeredThenBye,
      carrier: { kind: 'answer', ringMs: 10, hangup: { by: 'caller', timeoutMs: 10_000 } },
    });
    expect(receivedStatuses(after.caller).at(-1)).toBe(200);
  });
});
