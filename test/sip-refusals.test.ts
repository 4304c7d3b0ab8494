import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCallRecord } from '../sip/cdr/call-records';
import { callKey } from '../sip/pipeline/call-key';
import { startTestbed, type Testbed } from './support/sip-testbed';
import { DEFAULT_OFFER_SDP, type CallerLeg } from './support/drachtio/index';

// Refusals: malformed INVITEs, unknown sources, limits, suspended accounts, numbers that cannot be called.
// Each gets a clear SIP status, charges nothing, and leaves the app serving the next call.

let bed: Testbed;
const BALANCE = 100_000_000n;

beforeAll(async () => {
  bed = await startTestbed();
  await bed.account('acme', { balanceMicros: BALANCE, maxConcurrentCalls: 1 });
  await bed.account('shady', { balanceMicros: BALANCE, source: '127.0.0.5/32' });
  await bed.db.pool.query("UPDATE accounts SET status = 'suspended' WHERE id = 'shady'");
});
afterAll(async () => bed?.close());

function rawInvite(opts: { uri?: string; from?: string; contentLength?: string; body?: string; omit?: string[]; maxForwards?: string } = {}): string {
  const body = opts.body ?? DEFAULT_OFFER_SDP;
  const headers: Record<string, string> = {
    Via: `SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bK${randomBytes(6).toString('hex')};rport`,
    'Max-Forwards': opts.maxForwards ?? '70',
    From: opts.from ?? `<sip:101@127.0.0.1:5090>;tag=${randomBytes(4).toString('hex')}`,
    To: '<sip:00212612345678@127.0.0.1:5060>',
    'Call-ID': `${randomBytes(8).toString('hex')}@127.0.0.1`,
    CSeq: '1 INVITE',
    Contact: '<sip:101@127.0.0.1:5090>',
    'Content-Type': 'application/sdp',
    'Content-Length': opts.contentLength ?? String(Buffer.byteLength(body)),
  };
  for (const name of opts.omit ?? []) delete headers[name];
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}`).join('\r\n');
  return `INVITE ${opts.uri ?? 'sip:00212612345678@127.0.0.1:5060'} SIP/2.0\r\n${head}\r\n\r\n${body}`;
}

async function expectUntouched(): Promise<void> {
  expect(await bed.funds.balance('acme')).toMatchObject({ availableMicros: BALANCE, heldMicros: 0n });
}

async function expectStillServing(): Promise<void> {
  const caller = bed.server.placeCall({ from: '100', to: '0612345678' });
  const b = await bed.server.nextBLeg();
  b.answer();
  expect((await caller.waitForFinal()).status).toBe(200);
  await caller.bye();
  await bed.app.idle();
}

async function finalOf(caller: CallerLeg): Promise<number> {
  return (await caller.waitForFinal()).status;
}

describe('malformed INVITEs', () => {
  it('no SDP: 488 with a Reason, nothing reserved, recorded', async () => {
    const caller = bed.server.placeCall({ from: '101', to: '00212612345678', sdp: null });
    const final = await caller.waitForFinal();
    expect(final.status).toBe(488);
    expect(final.get('reason')).toContain('SDP offer');
    await bed.app.idle();
    expect(await readCallRecord(bed.db.pool, callKey(caller.callId, caller.fromTag))).toMatchObject({ endingReason: 'no-sdp', sipStatus: 488 });
    await expectUntouched();
  });

  it('a request URI that is not sip: 416; one without a number: 484', async () => {
    expect(await finalOf(bed.server.placeCall({ from: '101', to: 'x', rawRequest: rawInvite({ uri: 'tel:+212612345678' }) }))).toBe(416);
    expect(await finalOf(bed.server.placeCall({ from: '101', to: 'x', rawRequest: rawInvite({ uri: 'sip:127.0.0.1:5060' }) }))).toBe(484);
    await expectUntouched();
  });

  it('missing headers: the stack answers 400 for a missing Call-ID; the app answers 400 for a From without tag', async () => {
    const noCallId = bed.server.placeCall({ from: '101', to: 'x', rawRequest: rawInvite({ omit: ['Call-ID'] }) });
    expect(noCallId.serverVerdict).toMatchObject({ delivered: false, serverAnswer: 400 });
    const noTag = bed.server.placeCall({ from: '101', to: 'x', rawRequest: rawInvite({ from: '<sip:101@127.0.0.1:5090>' }) });
    expect(noTag.serverVerdict.delivered).toBe(true);
    const final = await noTag.waitForFinal();
    expect(final.status).toBe(400);
    expect(bed.app.liveCalls).toBe(0);
    await expectUntouched();
  });

  it('Max-Forwards 0 (the real server delivers it): 483 Too Many Hops; otherwise the B leg gets one hop less', async () => {
    const looped = bed.server.placeCall({ from: '101', to: 'x', rawRequest: rawInvite({ maxForwards: '0' }) });
    expect(looped.serverVerdict.delivered).toBe(true);
    const final = await looped.waitForFinal();
    expect(final.status).toBe(483);
    expect(final.get('reason')).toContain('Max-Forwards');
    await bed.app.idle();
    await expectUntouched();
    const caller = bed.server.placeCall({ from: '101', to: 'x', rawRequest: rawInvite({ uri: 'sip:0612345678@127.0.0.1:5060', maxForwards: '5' }) });
    const b = await bed.server.nextBLeg();
    expect(b.header('max-forwards')).toBe('4');
    b.answer();
    expect((await caller.waitForFinal()).status).toBe(200);
    await caller.bye();
    await bed.app.idle();
  });

  it('absurd Content-Length: refused by the stack when too long; a short one cuts the SDP and the app answers 488', async () => {
    const huge = bed.server.placeCall({ from: '101', to: 'x', rawRequest: rawInvite({ contentLength: '99999999' }) });
    expect(huge.serverVerdict).toMatchObject({ delivered: false, serverAnswer: 400 });
    const short = bed.server.placeCall({ from: '101', to: 'x', rawRequest: rawInvite({ contentLength: '40' }) });
    expect(short.serverVerdict.delivered).toBe(true);
    expect(await finalOf(short)).toBe(488);
    await bed.app.idle();
    await expectUntouched();
    await expectStillServing();
  });
});

describe('policy refusals', () => {
  it('an unknown source gets 403 and no call record', async () => {
    const caller = bed.server.placeCall({ from: '101', to: '0612345678', source: { address: '10.9.9.9', port: 5060 } });
    const final = await caller.waitForFinal();
    expect(final.status).toBe(403);
    expect(final.get('reason')).toContain('not a known PBX');
    await bed.app.idle();
    expect(await readCallRecord(bed.db.pool, callKey(caller.callId, caller.fromTag))).toBeNull();
  });

  it('an invalid number: 404, recorded as INVALID, nothing charged', async () => {
    const caller = bed.server.placeCall({ from: '101', to: '0099999' });
    expect([404, 484]).toContain(await finalOf(caller));
    await bed.app.idle();
    expect(await readCallRecord(bed.db.pool, callKey(caller.callId, caller.fromTag))).toMatchObject({ class: 'INVALID' });
    await expectUntouched();
  });

  it('a paid destination without a tariff: 404 no rate', async () => {
    const caller = bed.server.placeCall({ from: '101', to: '0081312345678' });
    const final = await caller.waitForFinal();
    expect(final.status).toBe(404);
    expect(final.get('reason')).toContain('no tariff');
    await bed.app.idle();
    await expectUntouched();
  });

  it('the concurrency limit refuses the second call with 486 and a Reason, but never an emergency call', async () => {
    const first = bed.server.placeCall({ from: '101', to: '0612345678' });
    const b = await bed.server.nextBLeg();
    const second = bed.server.placeCall({ from: '102', to: '0612345679' });
    const busy = await second.waitForFinal();
    expect(busy.status).toBe(486);
    expect(busy.get('reason')).toContain('concurrent call limit');
    const emergency = bed.server.placeCall({ from: '103', to: '112' });
    const e = await bed.server.nextBLeg();
    expect(e.requestUri).toMatch(/^sip:112@/);
    e.answer();
    b.answer();
    expect((await emergency.waitForFinal()).status).toBe(200);
    expect((await first.waitForFinal()).status).toBe(200);
    await Promise.all([emergency.bye(), first.bye()]);
    await bed.app.idle();
  });

  it('a suspended account: 403, except emergency calls, which connect', async () => {
    const source = { address: '127.0.0.5', port: 5090 };
    const refused = await bed.server.placeCall({ from: '101', to: '0612345678', source }).waitForFinal();
    expect(refused.status).toBe(403);
    expect(refused.get('reason')).toContain('suspended');
    const emergency = bed.server.placeCall({ from: '101', to: '15', source });
    const b = await bed.server.nextBLeg();
    b.answer();
    expect((await emergency.waitForFinal()).status).toBe(200);
    await emergency.bye();
    await bed.app.idle();
    const record = await readCallRecord(bed.db.pool, callKey(emergency.callId, emergency.fromTag));
    expect(record).toMatchObject({ class: 'EMERGENCY', accountId: 'shady', costMicros: 0n, endingReason: 'caller-bye' });
  });

  it('an emergency call without SDP (late offer) is still connected, and hung up cleanly', async () => {
    const caller = bed.server.placeCall({ from: '104', to: '112', sdp: null });
    const b = await bed.server.nextBLeg();
    expect(b.sdp).toBeUndefined(); // the offer will come from the callee, the answer in the caller's ACK
    b.answer();
    expect((await caller.waitForFinal()).status).toBe(200);
    await caller.bye();
    await b.waitForBye();
    await bed.app.idle();
    const record = await readCallRecord(bed.db.pool, callKey(caller.callId, caller.fromTag));
    expect(record).toMatchObject({ class: 'EMERGENCY', endingReason: 'caller-bye', costMicros: 0n });
  });
});
