import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readCallRecord } from '../sip/cdr/call-records';
import { callKey } from '../sip/pipeline/call-key';
import { startTestbed, type Testbed } from './support/sip-testbed';
import type { CallerLeg } from './support/drachtio/index';

// Every way a call ends settles it exactly once and writes its record. Announcements last 1.5 s here so
// that a CANCEL can land during one. Tariff 212: 1 EUR a second, 1/1 increments; first grant 60 EUR.

let bed: Testbed;
const START_MICROS = 1_000_000_000n;

beforeAll(async () => {
  bed = await startTestbed({ toneMs: 1500, drainDeadlineSeconds: 1 });
  await bed.account('umbrella', { balanceMicros: START_MICROS });
});
afterAll(async () => bed?.close());

async function recordOf(caller: CallerLeg) {
  await bed.app.idle();
  await bed.funds.flush();
  return readCallRecord(bed.db.pool, callKey(caller.callId, caller.fromTag));
}

async function expectNothingHeld(chargedMicros = 0n): Promise<void> {
  const balance = await bed.funds.balance('umbrella');
  expect(balance.heldMicros).toBe(0n);
  expect(balance.availableMicros).toBe(START_MICROS - chargedMicros);
}

let charged = 0n;

describe('endings', () => {
  it('callee hangs up: BYE to the caller, charged for the talk time', async () => {
    const caller = bed.server.placeCall({ from: '201', to: '00212612345678' });
    const b = await bed.server.nextBLeg();
    b.answer();
    expect((await caller.waitForFinal()).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await b.bye()).status).toBe(200);
    await caller.waitForBye();
    const record = await recordOf(caller);
    expect(record).toMatchObject({ endingReason: 'callee-bye', billedSeconds: 1, costMicros: 1_000_000n, settleStatus: 'ok' });
    charged += record!.costMicros;
    await expectNothingHeld(charged);
  });

  it('CANCEL during the announcement: 487, no B leg, hold released', async () => {
    const caller = bed.server.placeCall({ from: '202', to: '00212612345678' });
    await caller.waitForStatus(183);
    expect((await bed.funds.balance('umbrella')).heldMicros).toBe(60_000_000n);
    const { inviteResponse } = caller.cancel();
    expect(inviteResponse?.status).toBe(487);
    const record = await recordOf(caller);
    expect(record).toMatchObject({ endingReason: 'caller-cancel', sipStatus: 487, costMicros: 0n, settleStatus: 'ok', answered: false });
    await expect(bed.server.nextBLeg(1700)).rejects.toThrow(); // not started after the announcement either
    await expectNothingHeld(charged);
  });

  it('CANCEL while the callee rings: the B leg is canceled, nothing charged', async () => {
    const caller = bed.server.placeCall({ from: '203', to: '00212612345678' });
    const b = await bed.server.nextBLeg();
    b.respond(180);
    caller.cancel();
    await b.waitForCancel();
    const record = await recordOf(caller);
    expect(record).toMatchObject({ endingReason: 'caller-cancel', sipStatus: 487, costMicros: 0n, answered: false });
    await expectNothingHeld(charged);
  });

  it('B leg fails (503): the caller gets 503, hold released', async () => {
    const caller = bed.server.placeCall({ from: '204', to: '00212612345678' });
    const b = await bed.server.nextBLeg();
    b.respond(503);
    expect((await caller.waitForFinal()).status).toBe(503);
    const record = await recordOf(caller);
    expect(record).toMatchObject({ endingReason: 'b-failed', sipStatus: 503, costMicros: 0n, answered: false });
    await expectNothingHeld(charged);
  });

  it('B leg times out (408 from the stack) on an included call: relayed, recorded', async () => {
    const caller = bed.server.placeCall({ from: '205', to: '0612345678' });
    const b = await bed.server.nextBLeg();
    b.respond(408);
    expect((await caller.waitForFinal()).status).toBe(408);
    const record = await recordOf(caller);
    expect(record).toMatchObject({ class: 'INCLUDED', endingReason: 'b-failed', sipStatus: 408 });
  });

  it('shutdown: new calls get 503; a live call goes on until the deadline, then both legs get BYE and it is settled', async () => {
    const caller = bed.server.placeCall({ from: '206', to: '00212612345678' });
    const b = await bed.server.nextBLeg();
    b.answer();
    expect((await caller.waitForFinal()).status).toBe(200);
    const stopping = bed.app.stop(1);
    const late = bed.server.placeCall({ from: '207', to: '0612345678' });
    const refused = await late.waitForFinal();
    expect(refused.status).toBe(503);
    expect(refused.get('retry-after')).toBeDefined();
    // Once drachtio-server has the route removal, it deals new INVITEs to other instances, or (none left)
    // answers them 503 itself: the draining instance is no longer offered calls.
    await vi.waitFor(() => expect(bed.server.invitesRouted).toBe(false), { timeout: 2000, interval: 10 });
    const notOffered = bed.server.placeCall({ from: '208', to: '0612345678' });
    expect(notOffered.serverVerdict.delivered).toBe(false);
    expect((await notOffered.waitForFinal()).status).toBe(503);
    const [callerBye, calleeBye] = await Promise.all([caller.waitForBye(3000), b.waitForBye(3000)]);
    expect(callerBye.get('reason')).toContain('shutdown');
    expect(calleeBye.get('reason')).toContain('shutdown');
    await stopping;
    const record = await recordOf(caller);
    expect(record).toMatchObject({ endingReason: 'shutdown', settleStatus: 'ok' });
    expect(record!.billedSeconds).toBeGreaterThanOrEqual(1);
    expect(record!.costMicros).toBe(BigInt(record!.billedSeconds) * 1_000_000n);
    charged += record!.costMicros;
    await expectNothingHeld(charged);
  });
});

describe('media failure', () => {
  let broken: Testbed;
  beforeAll(async () => {
    broken = await startTestbed({ brokenMedia: true });
    await broken.account('wayne', { balanceMicros: 100_000_000n });
  });
  afterAll(async () => broken?.close());

  it('rtpengine not answering: a paid call is refused 503 with Retry-After, its hold released; an included call still connects', async () => {
    const paid = broken.server.placeCall({ from: '301', to: '00212612345678' });
    const refused = await paid.waitForFinal();
    expect(refused.status).toBe(503);
    expect(refused.get('retry-after')).toBeDefined();
    await broken.app.idle();
    const record = await readCallRecord(broken.db.pool, callKey(paid.callId, paid.fromTag));
    expect(record).toMatchObject({ endingReason: 'media-failed', sipStatus: 503, costMicros: 0n });
    expect(await broken.funds.balance('wayne')).toMatchObject({ heldMicros: 0n, availableMicros: 100_000_000n });

    const included = broken.server.placeCall({ from: '302', to: '0612345678' });
    const b = await broken.server.nextBLeg();
    b.answer();
    expect((await included.waitForFinal()).status).toBe(200);
    await included.bye();
    await broken.app.idle();
  });
});
