import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCallRecord } from '../sip/cdr/call-records';
import { callKey } from '../sip/pipeline/call-key';
import { offerSessionTimer, parseMinSe, parseSessionExpires } from '../sip/session/session-timer';
import type { CallerLeg } from './support/drachtio/index';
import { startTestbed, type Testbed } from './support/sip-testbed';

// RFC 4028 session timers (sip/session/session-timer.ts) through the drachtio emulator, with intervals of a
// few seconds (production keeps the RFC floor of 90 s). The timers themselves are drachtio-server's; the
// emulator runs them on the B leg as the server does (test/support/drachtio/session-timer.ts). The A leg's
// timer is not emulated (the real server floors it at 90 s): there only the negotiation is tested.
// Tariff 212: 1 EUR a second, 1/1 increments.

let bed: Testbed;
const TIMER = { expiresSeconds: 4, minSeconds: 2 };

beforeAll(async () => {
  bed = await startTestbed({ announcer: 'short', sessionTimer: TIMER });
  await bed.account('globex', { balanceMicros: 100_000_000n });
});
afterAll(async () => {
  await bed?.close();
});

const withTimer = (sessionExpires: string) => ({ Supported: 'timer', 'Session-Expires': sessionExpires });

async function recordOf(caller: CallerLeg) {
  await bed.app.idle();
  await bed.funds.flush();
  return (await readCallRecord(bed.db.pool, callKey(caller.callId, caller.fromTag)))!;
}

describe('session timer headers', () => {
  it('reads Session-Expires and Min-SE as RFC 4028 writes them, and nothing else', () => {
    expect(parseSessionExpires('1800;refresher=uac')).toEqual({ seconds: 1800, refresher: 'uac' });
    expect(parseSessionExpires(' 90 ; Refresher = UAS ')).toEqual({ seconds: 90, refresher: 'uas' });
    expect(parseSessionExpires('600')).toEqual({ seconds: 600, refresher: null });
    expect(parseSessionExpires('600;refresher=other')).toEqual({ seconds: 600, refresher: null });
    for (const bad of [undefined, '', 'soon', '-5', '1.5']) expect(parseSessionExpires(bad)).toBeNull();
    expect(parseMinSe('90')).toBe(90);
    expect(parseMinSe('120;x=y')).toBe(120);
    expect(parseMinSe('ninety')).toBeNull();
  });

  it('never offers B an interval outside [Min-SE, 86400]', () => {
    // At the RFC's default of 90 s, Min-SE is left out (absent means 90).
    expect(offerSessionTimer(1800, { expiresSeconds: 1800, minSeconds: 90 })).toEqual({ Supported: 'timer', 'Session-Expires': '1800;refresher=uac' });
    expect(offerSessionTimer(1800, { expiresSeconds: 1800, minSeconds: 120 })).toEqual({ Supported: 'timer', 'Session-Expires': '1800;refresher=uac', 'Min-SE': '120' });
    expect(() => offerSessionTimer(60, { expiresSeconds: 1800, minSeconds: 90 })).toThrow(/outside/);
    expect(() => offerSessionTimer(86_401, { expiresSeconds: 1800, minSeconds: 90 })).toThrow(/outside/);
  });
});

describe('session timer negotiation', () => {
  it('asks B to let Solde refresh, and answers the caller with its interval and refresher', async () => {
    const caller = bed.server.placeCall({ from: '301', to: '0140000000', headers: { ...withTimer('3;refresher=uac'), 'Min-SE': '2' } });
    const b = await bed.server.nextBLeg();
    expect(b.header('supported')).toBe('timer');
    expect(b.header('session-expires')).toBe('4;refresher=uac');
    expect(b.header('min-se')).toBe('2');
    b.answer();
    const ok = await caller.waitForFinal();
    expect(ok.status).toBe(200);
    expect(ok.get('session-expires')).toBe('3;refresher=uac'); // the caller's choice honoured (§9)
    expect(ok.get('require')).toBe('timer');
    await caller.bye();
    await b.waitForBye();
    await bed.app.idle();
  });

  it('a caller without timer support is refreshed by Solde, without Require', async () => {
    const caller = bed.server.placeCall({ from: '302', to: '0140000000' });
    const b = await bed.server.nextBLeg();
    b.answer();
    const ok = await caller.waitForFinal();
    expect(ok.get('session-expires')).toBe('4;refresher=uas');
    expect(ok.get('require')).toBeUndefined();
    await caller.bye();
    await b.waitForBye();
    await bed.app.idle();
  });

  it("refuses a caller's interval below Min-SE with 422, but never an emergency call", async () => {
    const caller = bed.server.placeCall({ from: '303', to: '0140000000', headers: withTimer('1') });
    const final = await caller.waitForFinal();
    expect(final.status).toBe(422);
    expect(final.reason).toBe('Session Interval Too Small');
    expect(final.get('min-se')).toBe('2');
    expect((await recordOf(caller)).endingReason).toBe('session-interval-too-small');

    const emergency = bed.server.placeCall({ from: '304', to: '112', headers: withTimer('1;refresher=uac') });
    const b = await bed.server.nextBLeg();
    b.answer();
    const ok = await emergency.waitForFinal();
    expect(ok.status).toBe(200);
    expect(ok.get('session-expires')).toBe('1;refresher=uac');
    await emergency.bye();
    await b.waitForBye();
    await bed.app.idle();
  });

  it("retries B once with the Min-SE of B's 422", async () => {
    const caller = bed.server.placeCall({ from: '305', to: '0140000000' });
    const first = await bed.server.nextBLeg();
    first.respond(422, { headers: { 'Min-SE': '6' } });
    const second = await bed.server.nextBLeg();
    expect(second.header('session-expires')).toBe('6;refresher=uac');
    second.answer();
    expect((await caller.waitForFinal()).status).toBe(200);
    await caller.bye();
    await second.waitForBye();
    expect((await recordOf(caller)).endingReason).toBe('caller-bye');
  });

  it("a 422 from B that cannot be followed reaches the caller as 502", async () => {
    const caller = bed.server.placeCall({ from: '306', to: '0140000000' });
    (await bed.server.nextBLeg()).respond(422, { headers: { 'Min-SE': '3' } }); // not above the 4 s asked
    const final = await caller.waitForFinal();
    expect(final.status).toBe(502);
    expect(await recordOf(caller)).toMatchObject({ endingReason: 'b-failed', sipStatus: 502 });
  });
});

describe('session timer teardown', () => {
  it('a carrier that should refresh and does not: both legs get BYE, session-expired, exact charge', async () => {
    const caller = bed.server.placeCall({ from: '311', to: '00212612345678', headers: withTimer('4;refresher=uac') });
    await caller.waitForStatus(183);
    const b = await bed.server.nextBLeg();
    b.answer({ headers: { 'Session-Expires': '3;refresher=uas', Require: 'timer' } });
    expect((await caller.waitForFinal()).status).toBe(200);
    const serverBye = await b.waitForBye(6_000); // drachtio-server's own, after 3 s
    expect(serverBye.get('reason')).toBe('SIP;cause=200;text="Session timer expired"');
    const bye = await caller.waitForBye();
    expect(bye.get('reason')).toBe('Q.850;cause=16;text="session-expired"');
    const record = await recordOf(caller);
    expect(record).toMatchObject({ class: 'INTERNATIONAL', endingReason: 'session-expired', settleStatus: 'ok' });
    expect(record.talkMs).toBeGreaterThanOrEqual(2_900);
    expect(record.billedSeconds).toBe(Math.ceil(record.talkMs / 1000));
    expect(record.costMicros).toBe(BigInt(record.billedSeconds) * 1_000_000n);
    expect((await bed.funds.balance('globex')).heldMicros).toBe(0n);
    expect(bed.server.protocolErrors).toEqual([]);
  });

  it('a carrier that stops answering the refreshes (481): torn down and settled', async () => {
    const caller = bed.server.placeCall({ from: '312', to: '00212612345678' });
    await caller.waitForStatus(183);
    const b = await bed.server.nextBLeg();
    b.answer({ headers: { 'Session-Expires': '4;refresher=uac', Require: 'timer' } });
    expect((await caller.waitForFinal()).status).toBe(200);
    b.refreshStatus = 481;
    const serverBye = await b.waitForBye(6_000); // after the refresh at 2 s failed
    expect(serverBye.get('reason')).toContain('Session timer expired');
    expect(b.refreshes).toHaveLength(1);
    expect(b.refreshes[0]!.get('session-expires')).toBe('4;refresher=uac');
    expect(b.refreshes[0]!.body).toBe(b.sdp); // the dialog's local SDP, unchanged
    expect((await caller.waitForBye()).get('reason')).toContain('session-expired');
    const record = await recordOf(caller);
    expect(record).toMatchObject({ endingReason: 'session-expired', settleStatus: 'ok' });
    expect(record.costMicros).toBe(BigInt(Math.ceil(record.talkMs / 1000)) * 1_000_000n);
  });

  it('a carrier that answers the refreshes keeps the call up', async () => {
    const caller = bed.server.placeCall({ from: '313', to: '0140000000' });
    const b = await bed.server.nextBLeg();
    b.answer({ headers: { 'Session-Expires': '2;refresher=uac' } });
    await caller.waitForFinal();
    await new Promise((resolve) => setTimeout(resolve, 2_600)); // refreshes at 1 s and 2 s
    expect(b.refreshes.length).toBeGreaterThanOrEqual(2);
    expect(b.state).toBe('answered');
    await caller.bye();
    await b.waitForBye();
    expect((await recordOf(caller)).endingReason).toBe('caller-bye');
  });
});
