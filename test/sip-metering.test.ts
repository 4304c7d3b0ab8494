import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCallRecord } from '../sip/cdr/call-records';
import { callKey } from '../sip/pipeline/call-key';
import { startTestbed, type Testbed } from './support/sip-testbed';

// Metering with a 2 s interval on a 1 EUR/s tariff with 1/1 increments (212, Morocco): the first grant
// is one interval (2 EUR), renewals hold one interval plus a 1 s lead.

let bed: Testbed;

beforeAll(async () => {
  bed = await startTestbed({ meterIntervalSeconds: 2 });
  await bed.account('initech', { balanceMicros: 4_500_000n });
  await bed.account('hooli', { balanceMicros: 3_000_000n, source: '127.0.0.3/32' });
});
afterAll(async () => bed?.close());

describe('funds running out mid-call', () => {
  it('warns the caller, then tears both legs down when the paid time ends, and charges exactly that time', async () => {
    const caller = bed.server.placeCall({ from: '104', to: '00212612345678' });
    const b = await bed.server.nextBLeg();
    b.answer();
    expect((await caller.waitForFinal()).status).toBe(200);
    const answeredAt = Date.now();
    const [callerBye, calleeBye] = await Promise.all([caller.waitForBye(8000), b.waitForBye(8000)]);
    const cutAfterMs = Date.now() - answeredAt;
    expect(callerBye.get('reason')).toContain('funds-exhausted');
    expect(calleeBye.get('reason')).toContain('funds-exhausted');
    // 4.5 EUR pays for 4 whole seconds: the cut comes at 4 s, not before the money is used up.
    expect(cutAfterMs).toBeGreaterThanOrEqual(3_900);
    const warning = bed.announced.find((a) => a.kind === 'lowFunds');
    expect(warning).toBeDefined();
    expect(warning!.args[1]).toBeLessThanOrEqual(2);
    await bed.app.idle();
    await bed.funds.flush();
    const record = await readCallRecord(bed.db.pool, callKey(caller.callId, caller.fromTag));
    expect(record).toMatchObject({ endingReason: 'funds-exhausted', billedSeconds: 4, costMicros: 4_000_000n, settleStatus: 'ok' });
    expect(await bed.funds.balance('initech')).toMatchObject({ availableMicros: 500_000n, heldMicros: 0n });
  });
});

describe('two calls of one account racing for the last grant', () => {
  it('connects exactly one; the other hears the insufficient-balance announcement and gets 402', async () => {
    const source = { address: '127.0.0.3', port: 5090 };
    const first = bed.server.placeCall({ from: '105', to: '00212612345678', source });
    const second = bed.server.placeCall({ from: '106', to: '00212612345679', source });
    const b = await bed.server.nextBLeg();
    const winner = b.invite.get('from')?.includes('105') ? first : second;
    const loser = winner === first ? second : first;
    expect((await loser.waitForFinal()).status).toBe(402);
    expect(loser.responses.map((r) => r.status)).toEqual([100, 183, 402]);
    await expect(bed.server.nextBLeg(300)).rejects.toThrow(); // no second B leg
    expect(await bed.funds.balance('hooli')).toMatchObject({ heldMicros: 2_000_000n, availableMicros: 1_000_000n });
    b.answer();
    expect((await winner.waitForFinal()).status).toBe(200);
    await winner.bye();
    await bed.app.idle();
    await bed.funds.flush();
    const won = await readCallRecord(bed.db.pool, callKey(winner.callId, winner.fromTag));
    const lost = await readCallRecord(bed.db.pool, callKey(loser.callId, loser.fromTag));
    expect(lost).toMatchObject({ endingReason: 'insufficient-funds', sipStatus: 402, costMicros: 0n });
    expect(won).toMatchObject({ endingReason: 'caller-bye', settleStatus: 'ok' });
    expect(await bed.funds.balance('hooli')).toMatchObject({ availableMicros: 3_000_000n - won!.costMicros, heldMicros: 0n });
  });
});
