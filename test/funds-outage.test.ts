// Failure handling. Postgres unreachable (a real TCP path to it is cut): calls in progress keep reserving
// from Redis, their debits wait in the Redis queue, and are written exactly once when Postgres returns,
// even by another process. Redis unreachable: reservations answer 'unavailable' at once, a settle goes to
// the Postgres ledger, or with Postgres down too to the local journal (rating/funds/settlements.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/pg';
import { createTestRedis, type TestRedis } from './support/redis';
import { TcpCable } from './support/tcp-cable';
import { createTestFunds, fundAccount } from '../rating/funds/harness';
import { createPool, type Pool } from '../rating/db/pool';
import { ledgerSum } from '../rating/funds/ledger';
import { createFundsRedis } from '../rating/funds/redis-client';
import type { FundsService } from '../rating/funds/service';

const EUR = 1_000_000n;

let db: TestDatabase;
let r: TestRedis;
let cable: TcpCable;
let viaCable: Pool;
let funds: FundsService;

beforeAll(async () => {
  db = await createTestDatabase();
  r = await createTestRedis();
  cable = new TcpCable(5432);
  await cable.up();
  const url = new URL(db.url);
  url.port = String(cable.port);
  viaCable = createPool(url.toString(), 5);
  // A cut socket errors the clients on it; the queries in flight reject, the rest must not crash the process.
  viaCable.on('error', () => undefined);
  viaCable.on('connect', (client) => client.on('error', () => undefined));
  funds = createTestFunds(viaCable, r.redis, r.prefix).funds;
  await funds.createAccount({ id: 'outage', name: 'Outage' });
  await fundAccount(funds, 'outage', 100n * EUR, 'setup:outage');
});
afterAll(async () => {
  await cable.down();
  await viaCable.end().catch(() => undefined);
  await r.cleanup();
  await db.drop();
});

describe('Postgres unreachable', () => {
  it('keeps reserving and debiting from Redis, and writes the queued debits exactly once when it returns', async () => {
    for (let i = 0; i < 10; i += 1) {
      expect((await funds.reserve({ accountId: 'outage', callId: `before-${i}`, amountMicros: 2n * EUR, validitySeconds: 60 })).status).toBe('ok');
    }
    await cable.down();

    let charged = 0n;
    for (let i = 0; i < 10; i += 1) {
      const callId = `before-${i}`;
      const u = await funds.update({ accountId: 'outage', callId, seq: 1, usedTotalMicros: EUR, nextMicros: 2n * EUR, validitySeconds: 60 });
      expect(u.status).toBe('ok');
      const final = EUR + BigInt(i) * 100_000n;
      expect((await funds.settle({ accountId: 'outage', callId, finalMicros: final })).status).toBe('ok');
      charged += final;
      // New calls still get reservations while Postgres is away.
      expect((await funds.reserve({ accountId: 'outage', callId: `during-${i}`, amountMicros: EUR, validitySeconds: 60 })).status).toBe('ok');
      expect((await funds.release({ accountId: 'outage', callId: `during-${i}` })).status).toBe('ok');
    }
    await funds.flush(); // the writer tries, fails, leaves everything queued in Redis
    expect(await funds.balance('outage')).toMatchObject({ status: 'ok', balanceMicros: 100n * EUR - charged, heldMicros: 0n });
    expect((await ledgerSum(db.pool, 'outage')).count).toBe(1n); // nothing reached Postgres
    // 10 updates and 9 settles (the first call used exactly what its update debited)
    expect(await r.redis.hlen(`${r.prefix}{acct:outage}:q`)).toBe(19);
    expect(await r.redis.smembers(`${r.prefix}funds:pending`)).toEqual(['outage']);

    await cable.up();
    // Another process (this one could have crashed) finds the queue in Redis and writes it.
    const other = createTestFunds(db.pool, r.redis, r.prefix).funds;
    expect(await other.drainPending()).toBe(19);
    expect(await funds.drainPending()).toBe(0);
    await other.ctx.writer.drainAccount('outage');

    const account = (await funds.getAccount('outage'))!;
    expect(account.balanceMicros).toBe(100n * EUR - charged);
    const sum = await ledgerSum(db.pool, 'outage');
    expect(sum).toEqual({ sumMicros: account.balanceMicros, count: 20n });
    expect(await funds.balance('outage')).toMatchObject({ balanceMicros: account.balanceMicros, availableMicros: account.balanceMicros });
    expect(await r.redis.hgetall(`${r.prefix}{acct:outage}:s`)).toMatchObject({ pend: '0', seq: '20' });
    expect(await r.redis.smembers(`${r.prefix}funds:pending`)).toEqual([]);
    expect(await funds.reconcile()).toEqual([]);
  });
});

/** A funds service whose Redis is a port nobody listens on; `dead.disconnect()` when done. */
function cutFromRedis(pool: Pool): { funds: FundsService; dead: ReturnType<typeof createFundsRedis> } {
  const dead = createFundsRedis('redis://127.0.0.1:1/0');
  dead.on('error', () => undefined);
  return { funds: createTestFunds(pool, dead, r.prefix).funds, dead };
}

describe('Redis unreachable', () => {
  it('answers unavailable instead of waiting, and changes nothing in Postgres', async () => {
    const { funds: cut, dead } = cutFromRedis(db.pool);
    const before = await ledgerSum(db.pool, 'outage');
    expect((await cut.reserve({ accountId: 'outage', callId: 'x', amountMicros: EUR, validitySeconds: 60 })).status).toBe('unavailable');
    expect((await cut.update({ accountId: 'outage', callId: 'x', seq: 1, usedTotalMicros: EUR, nextMicros: EUR, validitySeconds: 60 })).status).toBe('unavailable');
    expect((await cut.release({ accountId: 'outage', callId: 'x' })).status).toBe('unavailable');
    expect((await cut.balance('outage')).status).toBe('unavailable');
    expect(await ledgerSum(db.pool, 'outage')).toEqual(before);
    dead.disconnect();
  });

  it('settles an ending call straight into the Postgres ledger, once, and Redis catches up when it returns', async () => {
    expect((await funds.reserve({ accountId: 'outage', callId: 'cut-off', amountMicros: 3n * EUR, validitySeconds: 60 })).status).toBe('ok');
    expect((await funds.update({ accountId: 'outage', callId: 'cut-off', seq: 1, usedTotalMicros: EUR, nextMicros: 2n * EUR, validitySeconds: 60 })).status).toBe('ok');
    await funds.flush(); // the minute debit reaches the ledger
    const before = await ledgerSum(db.pool, 'outage');

    const { funds: cut, dead } = cutFromRedis(db.pool);
    const final = EUR + 1_500_000n;
    for (let attempt = 0; attempt < 2; attempt += 1) {
      expect((await cut.settle({ accountId: 'outage', callId: 'cut-off', finalMicros: final, details: { destination: 'Morocco' } })).status).toBe('ok');
    }
    dead.disconnect();
    // One entry for what the update had not debited yet, whatever the repeats.
    expect(await ledgerSum(db.pool, 'outage')).toEqual({ sumMicros: before.sumMicros - 1_500_000n, count: before.count + 1n });

    // Redis back: the same settle through it changes nothing more; the sweeper installs the newer balance.
    expect((await funds.settle({ accountId: 'outage', callId: 'cut-off', finalMicros: final })).status).toBe('ok');
    await funds.flush();
    await funds.sweep();
    const account = (await funds.getAccount('outage'))!;
    expect(account.balanceMicros).toBe(before.sumMicros - 1_500_000n);
    expect(await ledgerSum(db.pool, 'outage')).toEqual({ sumMicros: account.balanceMicros, count: before.count + 1n });
    expect(await funds.balance('outage')).toMatchObject({ status: 'ok', balanceMicros: account.balanceMicros, heldMicros: 0n });
    expect(await funds.reconcile()).toEqual([]);
    // The ledger-direct settle left its Redis settle pending; that settle was repeated above: the row goes.
    expect(await funds.retrySettlements()).toEqual({ journal: 0, redis: 0, progressed: true });
  });

  it('with Postgres down as well, the settle is kept in the local journal and charged once when Postgres returns', async () => {
    await cable.down();
    const { funds: cut, dead } = cutFromRedis(viaCable);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      expect((await cut.settle({ accountId: 'outage', callId: 'both-down', finalMicros: EUR })).status).toBe('ok');
    }
    expect(await cut.retrySettlements()).toMatchObject({ journal: 1, progressed: false });
    await cable.up();
    expect(await db.pool.query("SELECT 1 FROM ledger_entries WHERE call_id = 'both-down'")).toMatchObject({ rowCount: 0 });
    // Postgres back, Redis still cut: into the ledger, and the Redis settle waits in pending_settlements.
    expect(await cut.retrySettlements()).toMatchObject({ journal: 0, redis: 1, progressed: true });
    dead.disconnect();
    const { rows } = await db.pool.query<{ amount_micros: string }>("SELECT amount_micros FROM ledger_entries WHERE call_id = 'both-down'");
    expect(rows).toEqual([{ amount_micros: String(-EUR) }]);
    // A process that reaches Redis runs that Redis settle: nothing pending, nothing charged twice.
    expect(await funds.retrySettlements()).toEqual({ journal: 0, redis: 0, progressed: true });
    await funds.flush();
    expect(await db.pool.query("SELECT 1 FROM ledger_entries WHERE call_id = 'both-down'")).toMatchObject({ rowCount: 1 });
    expect(await funds.reconcile()).toEqual([]);
  });
});
