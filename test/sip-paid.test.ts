import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCallRecord } from '../sip/cdr/call-records';
import { callKey } from '../sip/pipeline/call-key';
import { startTestbed, type Testbed } from './support/sip-testbed';

// Paid calls through the drachtio wire protocol with a real rtpengine: reserve, 183 + balance
// announcement played to the caller, bridge with media anchored, settle on the tariff's increments.
// Tariff 212 (Morocco): 1 EUR a second, 1/1 increments.

let bed: Testbed;
let phone: Socket;
let packetsAtPhone = 0;

beforeAll(async () => {
  bed = await startTestbed({ announcer: 'short' });
  await bed.account('globex', { balanceMicros: 100_000_000n });
  await bed.account('poor', { balanceMicros: 500_000n, source: '127.0.0.2/32' });
  phone = createSocket('udp4');
  phone.on('message', () => { packetsAtPhone += 1; });
  await new Promise<void>((resolve) => phone.bind(0, '127.0.0.1', () => resolve()));
});
afterAll(async () => {
  phone?.close();
  await bed?.close();
});

function offerFrom(port: number): string {
  return ['v=0', 'o=pbx 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', `m=audio ${port} RTP/AVP 0 101`,
    'a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000', 'a=sendrecv', ''].join('\r\n');
}

const audioPort = (sdp: string | undefined) => Number(/^m=audio (\d+)/m.exec(sdp ?? '')?.[1]);

describe('paid call', () => {
  it('announces the balance as early media, bridges through rtpengine, and is charged its exact duration', async () => {
    const caller = bed.server.placeCall({ from: '102', to: '00212612345678', sdp: offerFrom(phone.address().port) });
    const early = await caller.waitForStatus(183);
    expect(early.reason).toBe('Session Progress');
    expect(early.get('contact')).toBe('<sip:127.0.0.1:5060>');
    expect(audioPort(early.body)).toBeGreaterThanOrEqual(bed.rtpengine.portMin); // rtpengine's port, not the PBX's

    const b = await bed.server.nextBLeg();
    expect(bed.announced.at(-1)).toMatchObject({ kind: 'balance', args: ['en', 100_000_000n, 'EUR', 1] });
    expect(b.requestUri).toBe('sip:+212612345678@127.0.0.1:5070');
    expect(packetsAtPhone).toBeGreaterThan(5); // the announcement reached the caller's RTP port
    expect(audioPort(b.sdp)).toBeGreaterThanOrEqual(bed.rtpengine.portMin); // media anchored for the carrier too
    b.respond(180);
    b.answer();
    const ok = await caller.waitForFinal();
    expect(ok.status).toBe(200);
    expect(caller.responses.map((r) => r.status)).not.toContain(180); // B's ringing kept from the caller
    expect(audioPort(ok.body)).toBeGreaterThanOrEqual(bed.rtpengine.portMin);
    const during = await bed.funds.balance('globex');
    expect(during.heldMicros).toBeGreaterThan(0n);

    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect((await caller.bye()).status).toBe(200);
    await b.waitForBye();
    await bed.app.idle();
    await bed.funds.flush();
    const record = await readCallRecord(bed.db.pool, callKey(caller.callId, caller.fromTag));
    expect(record).toMatchObject({ class: 'INTERNATIONAL', endingReason: 'caller-bye', sipStatus: 200, settleStatus: 'ok' });
    expect(record!.billedSeconds).toBe(Math.ceil(record!.talkMs / 1000));
    expect(record!.billedSeconds).toBeGreaterThanOrEqual(2);
    expect(record!.costMicros).toBe(BigInt(record!.billedSeconds) * 1_000_000n);
    const after = await bed.funds.balance('globex');
    expect(after.heldMicros).toBe(0n);
    expect(after.availableMicros).toBe(100_000_000n - record!.costMicros);
    // The portal's history shows what the call was beside its debit.
    const { entries } = await bed.funds.ledger('globex');
    const debit = entries.find((e) => e.kind === 'call_debit');
    expect(debit?.metadata).toMatchObject({ number: '+212612345678', durationSeconds: record!.billedSeconds });
    expect(typeof debit?.metadata.destination).toBe('string');
  });

  it('with too little balance: the insufficient-balance announcement, then 402, nothing charged', async () => {
    const caller = bed.server.placeCall({ from: '103', to: '00212612345678', source: { address: '127.0.0.2', port: 5090 } });
    await caller.waitForStatus(183);
    const final = await caller.waitForFinal();
    expect(final.status).toBe(402);
    expect(final.get('reason')).toContain('insufficient');
    expect(bed.announced.at(-1)).toMatchObject({ kind: 'insufficient', args: ['en', 500_000n, 'EUR'] });
    await bed.app.idle();
    const record = await readCallRecord(bed.db.pool, callKey(caller.callId, caller.fromTag));
    expect(record).toMatchObject({ endingReason: 'insufficient-funds', sipStatus: 402, costMicros: 0n, answered: false });
    const balance = await bed.funds.balance('poor');
    expect(balance).toMatchObject({ availableMicros: 500_000n, heldMicros: 0n });
  });
});
