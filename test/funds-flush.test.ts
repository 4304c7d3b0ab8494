// Redis loses everything of this test in the middle of a run of calls (the test's own keys are deleted;
// never FLUSHALL: the Redis is shared). The state is rebuilt from Postgres and no money is created or lost.
// A crashed call's hold expires and frees its money.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/pg';
import { createTestRedis, deleteByPrefix, type TestRedis } from './support/redis';
import { createTestFunds, fundAccount } from '../rating/funds/harness';
import { ledgerSum, post } from '../rating/funds/ledger';
import type { FundsService } from '../rating/funds/service';
import { fundsLibrary } from '../rating/funds/scripts';

const EUR = 1_000_000n;
let db: TestDatabase;
let r: TestRedis;
let funds: FundsService;

beforeAll(async () => {
  db = await createTestDatabase();
  r = await createTestRedis();
  funds = createTestFunds(db.pool, r.redis, r.prefix).funds;
  for (const id of ['flush-a', 'flush-b']) {
    await funds.createAccount({ id, name: id });
    await fundAccount(funds, id, 1000n * EUR, `setup:${id}`);
  }
});
afterAll(async () => {
  await r.cleanup();
  await db.drop();
});

/** One call: reserve, one metering update, settle. Returns what it was charged (0 if refused). */
async function call(accountId: string, i: number): Promise<bigint> {
  const callId = `run-${i}`;
  const reserved = await funds.reserve({ accountId, callId, amountMicros: EUR, validitySeconds: 60 });
  if (reserved.status !== 'ok') throw new Error(`reserve ${callId}: ${reserved.status}`);
  const used = 500_000n + BigInt(i);
  const updated = await funds.update({ accountId, callId, seq: 1, usedTotalMicros: used, nextMicros: EUR, validitySeconds: 60 });
  if (updated.status !== 'ok') throw new Error(`update ${callId}: ${updated.status}`);
  const final = used + 333_333n + BigInt(i * 7);
  const settled = await funds.settle({ accountId, callId, finalMicros: final });
  if (settled.status !== 'ok') throw new Error(`settle ${callId}: ${settled.status}`);
  return final;
}

describe('Redis flushed in the middle of a run of calls', () => {
  it('rebuilds from Postgres and neither creates nor loses money', async () => {
    let charged = 0n;
    const running: Promise<bigint>[] = [];
    for (let i = 0; i < 400; i += 1) {
      running.push(call(i % 2 === 0 ? 'flush-a' : 'flush-b', i));
      if (i === 150 || i === 300) await deleteByPrefix(r.redis, r.prefix); // while calls are in flight
      if (i % 50 === 49) for (const v of await Promise.all(running.splice(0))) charged += v;
    }
    for (const v of await Promise.all(running)) charged += v;
    await funds.flush();

    let total = 0n;
    for (const id of ['flush-a', 'flush-b']) {
      const account = (await funds.getAccount(id))!;
      const sum = await ledgerSum(db.pool, id);
      expect(sum.sumMicros).toBe(account.balanceMicros);
      const view = await funds.balance(id);
      expect(view).toMatchObject({ status: 'ok', balanceMicros: account.balanceMicros, heldMicros: 0n });
      expect(await r.redis.hget(`${r.prefix}{acct:${id}}:s`, 'pend')).toBe('0');
      total += account.balanceMicros;
    }
    expect(total).toBe(2000n * EUR - charged);
    const diffs = await funds.reconcile();
    expect(diffs).toEqual([]);
  });

  it('frees the hold of a crashed call when its validity ends', async () => {
    const before = await funds.balance('flush-a');
    const held = await funds.reserve({ accountId: 'flush-a', callId: 'crashed', amountMicros: 7n * EUR, validitySeconds: 1 });
    expect(held.status).toBe('ok');
    expect((await funds.balance('flush-a')).availableMicros).toBe(before.availableMicros - 7n * EUR);
    expect((await funds.sweep()).liveHolds).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const report = await funds.sweep();
    expect(report).toMatchObject({ expiredHolds: 1, liveHolds: 0 });
    expect(await funds.balance('flush-a')).toMatchObject({ availableMicros: before.availableMicros, heldMicros: 0n });
    // The call coming back late is told its hold expired, and nothing is held again.
    expect((await funds.reserve({ accountId: 'flush-a', callId: 'crashed', amountMicros: 7n * EUR, validitySeconds: 60 })).status).toBe('expired');
    expect((await funds.balance('flush-a')).heldMicros).toBe(0n);
  });

  it('expired holds are also purged lazily by the next operation on the account', async () => {
    await funds.reserve({ accountId: 'flush-b', callId: 'crashed-2', amountMicros: 5n * EUR, validitySeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const next = await funds.reserve({ accountId: 'flush-b', callId: 'next', amountMicros: EUR, validitySeconds: 60 });
    expect(next.status).toBe('ok');
    expect(await r.redis.hget(`${r.prefix}{acct:flush-b}:s`, 'held')).toBe(String(EUR));
  });

  it('replaces a Redis state older than Postgres (a sync that never arrived) with the Postgres balance', async () => {
    const before = await funds.balance('flush-b');
    // A credit reaches Postgres but its sync to Redis is lost.
    await post(db.pool, { accountId: 'flush-b', kind: 'adjustment', amountMicros: 3n * EUR, idempotencyKey: 'lost-sync', actor: 'test', reason: 'lost sync' });
    expect((await funds.balance('flush-b')).balanceMicros).toBe(before.balanceMicros);
    const report = await funds.sweep();
    expect(report.refreshed).toBe(1);
    expect((await funds.balance('flush-b')).balanceMicros).toBe(before.balanceMicros + 3n * EUR);
    expect((await funds.sweep()).refreshed).toBe(0);
  });

  it('forgets the records of calls finished more than a day ago', async () => {
    const [s, x] = funds.ctx.store.keys.forAccount('flush-a').all;
    // Finished more than a day ago: its forget time has passed.
    await r.redis.hset(s, 'c:ancient', 'settled:5:0:ok:0', 'nexp', '0');
    await r.redis.zadd(x, Date.now() - 3_600_000, 'ancient');
    await funds.reserve({ accountId: 'flush-a', callId: 'recent', amountMicros: EUR, validitySeconds: 60 });
    await funds.release({ accountId: 'flush-a', callId: 'recent' });
    expect(await r.redis.hexists(s, 'c:ancient')).toBe(0);
    expect(await r.redis.zscore(x, 'ancient')).toBeNull();
    expect(await r.redis.hexists(s, 'c:recent')).toBe(1);
    // The released call is forgotten a day after it finished.
    expect(Number(await r.redis.zscore(x, 'recent'))).toBeGreaterThan(Date.now() + 23 * 3_600_000);
  });

  it('a Redis that lost the function library (restarted, FUNCTION FLUSH) gets it back from the next call', async () => {
    const before = await funds.balance('flush-a');
    await r.redis.call('FUNCTION', 'DELETE', fundsLibrary().name);
    const held = await funds.reserve({ accountId: 'flush-a', callId: 'after-library-loss', amountMicros: EUR, validitySeconds: 60 });
    expect(held).toMatchObject({ status: 'ok', availableMicros: before.availableMicros - EUR });
    expect(JSON.stringify(await r.redis.call('FUNCTION', 'LIST', 'LIBRARYNAME', fundsLibrary().name))).toContain(fundsLibrary().functions.reserve);
    expect((await funds.release({ accountId: 'flush-a', callId: 'after-library-loss' })).status).toBe('ok');
  });
});
