import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCallRecord } from '../sip/cdr/call-records';
import { callKey } from '../sip/pipeline/call-key';
import { startTestbed, type Testbed } from './support/sip-testbed';

// Free calls (included, toll-free, emergency) through the drachtio wire protocol: bridged to the trunk
// without touching funds, with a call record.

let bed: Testbed;

beforeAll(async () => {
  bed = await startTestbed();
  await bed.account('acme', { balanceMicros: 5_000_000n });
});
afterAll(async () => bed?.close());

describe('included call', () => {
  it('is bridged to the trunk with the E.164 number, caller hangs up, record written, funds untouched', async () => {
    const caller = bed.server.placeCall({ from: '101', to: '0140000000' });
    const b = await bed.server.nextBLeg();
    expect(b.requestUri).toBe('sip:+33140000000@127.0.0.1:5070');
    expect(b.sdp).toContain('m=audio 40000'); // media not anchored: the caller's own SDP
    b.respond(180);
    b.answer();
    const ok = await caller.waitForFinal();
    expect(ok.status).toBe(200);
    await b.waitForAck();
    const byeAnswer = await caller.bye();
    expect(byeAnswer.status).toBe(200);
    await b.waitForBye();
    await bed.app.idle();
    const record = await readCallRecord(bed.db.pool, callKey(caller.callId, caller.fromTag));
    expect(record).toMatchObject({ accountId: 'acme', class: 'INCLUDED', e164: '+33140000000', answered: true,
      endingReason: 'caller-bye', sipStatus: 200, costMicros: 0n, settleStatus: 'none' });
    const balance = await bed.funds.balance('acme');
    expect(balance.availableMicros).toBe(5_000_000n);
  });
});
