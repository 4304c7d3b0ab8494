import { describe, expect, it } from 'vitest';
import { announcementDurationsMs } from './support/announcements';
import { placeCall } from './support/call';
import { watchTrunk } from './support/ports';
import { pcmuAudioMs, pcmuRms, splitAtLongestGap, startRtpCapture, type RtpCapture } from './support/rtp-capture';
import { receivedStatuses, tracedMessages, type SippResult } from './support/sipp';
import { EUR, useRealStack } from './support/stack';

// Paid calls through the real drachtio-server v0.9.4, a real rtpengine and Solde as its own process
// (src/main.ts), with SIPp as the PBX and as the carrier. Tariff 212 (Morocco): 1 EUR a second on 1/1
// increments; SOLDE_METER_INTERVAL_SECONDS=2, so a renewal debits the call every 2 s.

const MOROCCO = '00212612345678';
const stack = useRealStack({
    mode: 'inbound', meterIntervalSeconds: 2, accounts: [
      { id: 'globex', balanceMicros: 100n * EUR },
      { id: 'initech', balanceMicros: 4_500_000n, source: '127.0.0.4' },
      { id: 'umbrella', balanceMicros: 50n * EUR, source: '127.0.0.5' },
    ],
  });

/** Runs `body` with a fresh RTP capture as the caller's media port. */
async function withRtp<T>(body: (rtp: RtpCapture) => Promise<T>): Promise<T> {
  const rtp = await startRtpCapture();
  try { return await body(rtp); } finally { rtp.close(); }
}

const newAnnouncements = (before: ReadonlySet<string>) =>
  [...announcementDurationsMs(stack.announcementsDir)].filter(([name]) => !before.has(name)).map(([, ms]) => ms);
const announcementNames = () => new Set(announcementDurationsMs(stack.announcementsDir).keys());
const receivedBye = (result: SippResult | undefined) => tracedMessages(result!).find((m) => m.direction === 'received' && m.startLine.startsWith('BYE '));

/** Samples an account's balance every 100 ms until stopped: what the meter debited while the call was up. */
function sampleBalance(accountId: string): { stop(): Promise<Array<{ balanceMicros: bigint; heldMicros: bigint }>> } {
  const samples: Array<{ balanceMicros: bigint; heldMicros: bigint }> = [];
  let running = true;
  const loop = (async () => {
    for (let i = 0; running && i < 1000; i += 1) {
      samples.push(await stack.funds.balance(accountId));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return { async stop() { running = false; await loop; return samples; } };
}

describe('paid call through the real server', () => {
  it('hears its balance before connecting (RTP at the caller), is debited per interval, and pays its exact duration', async () => {
    await withRtp(async (rtp) => {
      const before = announcementNames();
      const sampler = sampleBalance('globex');
      const result = await placeCall(stack, {
        name: 'paid', dialled: MOROCCO, rtpPort: rtp.port,
        steps: [{ kind: 'expect', status: 183, timeoutMs: 10_000 }, { kind: 'answered', timeoutMs: 30_000 }, { kind: 'pause', ms: 5_000 }, { kind: 'bye' }],
        carrier: { kind: 'answer', ringMs: 200, hangup: { by: 'caller', timeoutMs: 40_000 } },
      });
      const samples = await sampler.stop();
      // The caller heard early media before the answer: rtpengine played the balance announcement.
      expect(receivedStatuses(result.caller)).toEqual([100, 183, 200, 200]); // B's 180 kept from the caller; 200 to the BYE
      const [balanceMs] = newAnnouncements(before);
      expect(balanceMs).toBeGreaterThan(1000);
      expect(pcmuRms(rtp.packets)).toBeGreaterThan(300); // speech, not silence
      expect(Math.abs(pcmuAudioMs(rtp.packets) - balanceMs!)).toBeLessThan(balanceMs! * 0.1);
      const early = tracedMessages(result.caller).find((m) => m.startLine.startsWith('SIP/2.0 183'))!;
      const earlyPort = Number(/m=audio (\d+)/.exec(early.text)?.[1]);
      expect(earlyPort).toBeGreaterThanOrEqual(stack.rtpengine.portMin);
      expect(earlyPort).toBeLessThanOrEqual(stack.rtpengine.portMax);
      // Debited while the call was up (a hold outstanding), at least twice: once per interval.
      const debitedDuringCall = new Set(samples.filter((s) => s.heldMicros > 0n && s.balanceMicros < 100n * EUR).map((s) => s.balanceMicros));
      expect(debitedDuringCall.size).toBeGreaterThanOrEqual(2);

      const record = await stack.callRecord(result.callId, result.fromTag);
      expect(record).toMatchObject({ accountId: 'globex', class: 'INTERNATIONAL', endingReason: 'caller-bye', sipStatus: 200, settleStatus: 'ok', answered: true });
      expect(record!.billedSeconds).toBe(Math.ceil(record!.talkMs / 1000));
      expect(record!.talkMs).toBeGreaterThanOrEqual(4_900);
      expect(record!.costMicros).toBe(BigInt(record!.billedSeconds) * EUR);
      expect(await stack.funds.balance('globex')).toMatchObject({ availableMicros: 100n * EUR - record!.costMicros, heldMicros: 0n });
    });
  });

  it('funds running out mid-call: low-funds warning, then BYE on both legs when the paid time ends, charged exactly that time', async () => {
    await withRtp(async (rtp) => {
      const result = await placeCall(stack, {
        name: 'exhausted', dialled: MOROCCO, rtpPort: rtp.port, sourceIp: '127.0.0.4',
        steps: [{ kind: 'expect', status: 183, timeoutMs: 10_000 }, { kind: 'answered', timeoutMs: 30_000 }, { kind: 'expect-bye', timeoutMs: 20_000 }],
        carrier: { kind: 'answer', ringMs: 100, hangup: { by: 'caller', timeoutMs: 40_000 } },
      });
      expect(receivedBye(result.caller)?.header('reason')).toContain('funds-exhausted');
      expect(receivedBye(result.carrier)?.header('reason')).toContain('funds-exhausted');
      // Two announcements: the balance (before the answer) and the warning, with silence between them.
      await stack.solde.process.waitForLine(/low-funds warning played/, 5_000, 'play the low-funds warning');
      const [balancePart, warningPart] = splitAtLongestGap(rtp.packets);
      expect(pcmuRms(balancePart)).toBeGreaterThan(300);
      expect(pcmuRms(warningPart)).toBeGreaterThan(300);
      expect(pcmuAudioMs(warningPart)).toBeGreaterThan(200);

      const record = await stack.callRecord(result.callId, result.fromTag);
      // 4.5 EUR pays for 4 whole seconds at 1 EUR/s.
      expect(record).toMatchObject({ endingReason: 'funds-exhausted', billedSeconds: 4, costMicros: 4n * EUR, settleStatus: 'ok' });
      expect(await stack.funds.balance('initech')).toMatchObject({ availableMicros: 500_000n, heldMicros: 0n });
    });
  });

  it('CANCEL during the announcement: 487, no B leg, nothing charged', async () => {
    const trunk = await watchTrunk(stack.trunkPort);
    try {
      await withRtp(async (rtp) => {
        const before = announcementNames();
        const result = await placeCall(stack, {
          name: 'cancel-announcement', dialled: MOROCCO, rtpPort: rtp.port, sourceIp: '127.0.0.5',
          steps: [{ kind: 'expect', status: 183, timeoutMs: 10_000 }, { kind: 'pause', ms: 300 }, { kind: 'cancel', timeoutMs: 5_000 }],
        });
        expect(receivedStatuses(result.caller)).toEqual([100, 183, 200, 487]);
        const record = await stack.callRecord(result.callId, result.fromTag);
        expect(record).toMatchObject({ endingReason: 'caller-cancel', answered: false, costMicros: 0n });
        // A B leg would start when the announcement ends: watch the trunk until then.
        const [announcementMs] = newAnnouncements(before);
        await new Promise((resolve) => setTimeout(resolve, (announcementMs ?? 6000) + 1000));
        expect(trunk.packets).toBe(0);
        await stack.waitIdle(5_000);
        expect(await stack.funds.balance('umbrella')).toMatchObject({ availableMicros: 50n * EUR, heldMicros: 0n });
      });
    } finally {
      trunk.close();
    }
  });

  it('CANCEL after the B leg started: the carrier gets CANCEL, the caller 487, nothing charged', async () => {
    const result = await placeCall(stack, {
      name: 'cancel-ringing', dialled: MOROCCO, sourceIp: '127.0.0.5',
      // The balance announcement lasts about 6 s; the carrier rings without answering until the CANCEL.
      steps: [{ kind: 'expect', status: 183, timeoutMs: 10_000 }, { kind: 'pause', ms: 9_000 }, { kind: 'cancel', timeoutMs: 5_000 }],
      carrier: { kind: 'ring-until-cancel', timeoutMs: 30_000 },
    });
    expect(receivedStatuses(result.caller)).toEqual([100, 183, 200, 487]);
    expect(tracedMessages(result.carrier!).some((m) => m.direction === 'received' && m.startLine.startsWith('CANCEL '))).toBe(true);
    const record = await stack.callRecord(result.callId, result.fromTag);
    expect(record).toMatchObject({ endingReason: 'caller-cancel', answered: false, costMicros: 0n });
    await stack.waitIdle(5_000);
    expect(await stack.funds.balance('umbrella')).toMatchObject({ availableMicros: 50n * EUR, heldMicros: 0n });
  });
});
