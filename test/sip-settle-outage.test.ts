// Issue 13: "Redis stopped during 50 settles, then started: every call ends settled once, nothing pending."
// 50 answered paid calls through the drachtio emulator, on a Redis server of this test's own (no
// persistence) that is really stopped before the calls end and started again (empty) afterwards. Each
// ending call is settled straight into the Postgres ledger; once Redis is back, the Redis settles run
// (rating/funds/settlements.ts) and nothing is left pending. Tariff 212: 1 EUR a second, 1/1 increments.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCallRecord } from '../sip/cdr/call-records';
import { callKey } from '../sip/pipeline/call-key';
import { runCli } from './support/cli';
import { startOwnRedis, type OwnRedis } from './support/redis-server';
import { startRtpengine } from './support/rtpengine';
import { finalDebits, pendingGauge, untilReachable } from './support/settlements';
import { startTestbed, type Testbed } from './support/sip-testbed';

const CALLS = 50;
const EUR = 1_000_000n;
const BALANCE = 5_000n * EUR; // each call holds a minute (60 EUR) first

let own: OwnRedis;
let bed: Testbed;

beforeAll(async () => {
  own = await startOwnRedis();
  // 50 bridged calls at once need 200 RTP ports.
  bed = await startTestbed({ announcer: 'short', redisUrl: own.url, rtpengine: await startRtpengine(3) });
  await bed.account('busy', { balanceMicros: BALANCE, maxConcurrentCalls: CALLS + 10 });
  process.env.SOLDE_DATABASE_URL = bed.db.url;
  process.env.SOLDE_STATE_DIR = bed.funds.ctx.config.stateDir;
}, 60_000);
afterAll(async () => {
  if (own && !own.running) await own.start(); // the testbed cleans its keys up
  await bed?.close();
  await own?.close();
});

describe('Redis stopped while 50 paid calls end', () => {
  it('every call ends settled once, at its exact cost, and nothing is left pending', async () => {
    const callers = Array.from({ length: CALLS }, (_, i) => bed.server.placeCall({ from: String(200 + i), to: '00212612345678' }));
    const bLegs = [];
    for (let i = 0; i < CALLS; i += 1) {
      const b = await bed.server.nextBLeg(20_000);
      b.answer();
      bLegs.push(b);
    }
    const answers = await Promise.all(callers.map((c) => c.waitForFinal(20_000)));
    expect(answers.map((a) => a.status)).toEqual(callers.map(() => 200));
    expect((await bed.funds.balance('busy')).heldMicros).toBeGreaterThan(0n);
    await new Promise((resolve) => setTimeout(resolve, 1200));

    await own.stop(); // no persistence: every hold in Redis is gone with it
    const byes = await Promise.all(callers.map((c) => c.bye()));
    expect(byes.map((r) => r.status)).toEqual(callers.map(() => 200));
    await Promise.all(bLegs.map((b) => b.waitForBye(20_000)));
    await bed.app.idle();
    const keys = callers.map((c) => callKey(c.callId, c.fromTag));
    const records = await Promise.all(keys.map((k) => readCallRecord(bed.db.pool, k)));
    expect(records.map((r) => r?.settleStatus)).toEqual(keys.map(() => 'ok'));
    expect((await pendingGauge()).redis).toBe(CALLS); // charged in the ledger, Redis settles waiting

    await own.start();
    await untilReachable(bed.funds, 'busy');
    let report = await bed.funds.retrySettlements();
    for (let round = 0; round < 20 && report.journal + report.redis > 0; round += 1) report = await bed.funds.retrySettlements();
    expect(report).toMatchObject({ journal: 0, redis: 0 });
    await bed.funds.flush();

    // Exactly one final debit per call, of the cost its record shows: its exact duration at 1 EUR a second.
    const debits = await finalDebits(bed.db.pool, 'busy');
    expect(debits.size).toBe(CALLS);
    let charged = 0n;
    for (const [i, key] of keys.entries()) {
      const record = records[i]!;
      expect(record.billedSeconds).toBe(Math.ceil(record.talkMs / 1000));
      expect(record.costMicros).toBe(BigInt(record.billedSeconds) * EUR);
      expect(debits.get(key)).toEqual([-record.costMicros]);
      charged += record.costMicros;
    }
    const account = (await bed.funds.getAccount('busy'))!;
    expect(account.balanceMicros).toBe(BALANCE - charged);
    // No hold left in the restarted Redis, and its balance is Postgres'.
    expect(await bed.funds.balance('busy')).toMatchObject({ status: 'ok', balanceMicros: BALANCE - charged, heldMicros: 0n, availableMicros: BALANCE - charged });
    expect(await pendingGauge()).toEqual({ journal: 0, redis: 0 });
    expect(await runCli('funds', 'pending-settlements')).toEqual({ code: 0, out: 'nothing pending', err: '' });
    expect(await bed.funds.reconcile()).toEqual([]);
  }, 120_000);
});
