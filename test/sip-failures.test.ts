import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCallRecord } from '../sip/cdr/call-records';
import { callKey } from '../sip/pipeline/call-key';
import { startTestbed, type Testbed } from './support/sip-testbed';

// Redis (the real-time balance store) becoming unreachable: docs/DESIGN.md's failure handling. A call in
// progress keeps the paid time it already holds and is cut when it ends; new paid calls get 503 with
// Retry-After; emergency, toll-free and included calls still connect. 2 s interval, 1 EUR/s tariff.

let bed: Testbed;

beforeAll(async () => {
  bed = await startTestbed({ meterIntervalSeconds: 2 });
  await bed.account('cyberdyne', { balanceMicros: 100_000_000n });
});
afterAll(async () => bed?.close());

describe('Redis unreachable', () => {
  it('a live paid call ends when its held time is over; then paid calls get 503, free calls connect', async () => {
    const live = bed.server.placeCall({ from: '401', to: '00212612345678' });
    const b = await bed.server.nextBLeg();
    b.answer();
    expect((await live.waitForFinal()).status).toBe(200);
    bed.breakFundsRedis();
    const [callerBye] = await Promise.all([live.waitForBye(8000), b.waitForBye(8000)]);
    expect(callerBye.get('reason')).toContain('funds-unavailable');
    await bed.app.idle();
    const record = await readCallRecord(bed.db.pool, callKey(live.callId, live.fromTag));
    // Redis could not settle it: the final debit went straight to the Postgres ledger, for what it cost.
    expect(record).toMatchObject({ endingReason: 'funds-unavailable', settleStatus: 'ok' });
    expect(record!.costMicros).toBe(BigInt(record!.billedSeconds) * 1_000_000n);
    const charged = await bed.db.pool.query<{ total: string }>(
      "SELECT max(call_total_micros)::text AS total FROM ledger_entries WHERE kind = 'call_debit' AND call_id = $1", [record!.callId]);
    expect(BigInt(charged.rows[0]!.total)).toBe(record!.costMicros);

    const paid = bed.server.placeCall({ from: '402', to: '00212612345678' });
    const refused = await paid.waitForFinal();
    expect(refused.status).toBe(503);
    expect(refused.get('retry-after')).toBe('30');

    const included = bed.server.placeCall({ from: '403', to: '0612345678' });
    const toll = bed.server.placeCall({ from: '404', to: '0800123456' });
    const legs = [await bed.server.nextBLeg(), await bed.server.nextBLeg()];
    for (const leg of legs) leg.answer();
    expect((await included.waitForFinal()).status).toBe(200);
    expect((await toll.waitForFinal()).status).toBe(200);
    await Promise.all([included.bye(), toll.bye()]);
    await bed.app.idle();
  });

  it('shutdown with a B leg still ringing: the B leg is canceled, the caller gets 503, the call is recorded', async () => {
    const caller = bed.server.placeCall({ from: '405', to: '0612345678' });
    const b = await bed.server.nextBLeg();
    b.respond(180);
    const stopping = bed.app.stop(0);
    await b.waitForCancel();
    const final = await caller.waitForFinal();
    expect(final.status).toBe(503);
    await stopping;
    const record = await readCallRecord(bed.db.pool, callKey(caller.callId, caller.fromTag));
    expect(record).toMatchObject({ class: 'INCLUDED', endingReason: 'shutdown', sipStatus: 503, answered: false });
  });
});
