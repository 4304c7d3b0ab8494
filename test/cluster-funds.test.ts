// The same Lua scripts, unchanged, on a 3-master Redis Cluster (ioredis Cluster client): each account's keys
// share the hash tag {acct:<id>}, so every script touches one slot, whichever node owns it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/pg';
import { startRedisCluster, type TestRedisCluster } from './support/redis-cluster';
import { createTestFunds, fundAccount } from '../rating/funds/harness';
import { ledgerSum } from '../rating/funds/ledger';
import { createFundsCluster } from '../rating/funds/redis-client';
import type { FundsService } from '../rating/funds/service';

const EUR = 1_000_000n;
const ACCOUNTS = ['north', 'south', 'east', 'west', 'centre', 'coast'];
let db: TestDatabase;
let rc: TestRedisCluster;
let funds: FundsService;

beforeAll(async () => {
  db = await createTestDatabase();
  rc = await startRedisCluster();
  funds = createTestFunds(db.pool, rc.cluster, 'solde-cluster:').funds;
  for (const id of ACCOUNTS) {
    await funds.createAccount({ id, name: id });
    await fundAccount(funds, id, 10n * EUR, `setup:${id}`);
  }
});
afterAll(async () => {
  await rc?.stop();
  await db.drop();
});

describe('funds on a Redis Cluster', () => {
  it('spreads the accounts over the masters', async () => {
    const owners = new Set<string>();
    for (const id of ACCOUNTS) {
      const slot = Number(await rc.cluster.cluster('KEYSLOT', `solde-cluster:{acct:${id}}:s`));
      owners.add(rc.cluster.slots[slot]![0]!);
    }
    expect(owners.size).toBeGreaterThan(1);
  });

  it('reserves concurrently without overdraw, settles, and agrees with Postgres', async () => {
    // Each account covers exactly 10 reservations of 1 EUR; 30 are attempted per account.
    const results = await Promise.all(ACCOUNTS.flatMap((id) => Array.from({ length: 30 }, (_, i) =>
      funds.reserve({ accountId: id, callId: `${id}-${i}`, amountMicros: EUR, validitySeconds: 60 }).then((h) => ({ id, i, h })))));
    for (const id of ACCOUNTS) expect(results.filter((x) => x.id === id && x.h.status === 'ok')).toHaveLength(10);
    await Promise.all(results.filter((x) => x.h.status === 'ok').map((x) =>
      funds.update({ accountId: x.id, callId: `${x.id}-${x.i}`, seq: 1, usedTotalMicros: 300_000n, nextMicros: 500_000n, validitySeconds: 60 })
        .then(() => funds.settle({ accountId: x.id, callId: `${x.id}-${x.i}`, finalMicros: 700_000n }))));
    await funds.flush();
    for (const id of ACCOUNTS) {
      const pg = (await funds.getAccount(id))!.balanceMicros;
      expect(pg).toBe(3n * EUR);
      expect((await ledgerSum(db.pool, id)).sumMicros).toBe(pg);
      expect(await funds.balance(id)).toMatchObject({ status: 'ok', balanceMicros: pg, heldMicros: 0n, availableMicros: pg });
    }
  });

  it('rebuilds an account whose keys were lost on its node, and repeats move nothing', async () => {
    await rc.cluster.del(...funds.ctx.store.keys.forAccount('north').all);
    expect(await funds.reserve({ accountId: 'north', callId: 'again', amountMicros: EUR, validitySeconds: 60 })).toMatchObject({ status: 'ok', availableMicros: 2n * EUR });
    expect(await funds.settle({ accountId: 'north', callId: 'again', finalMicros: EUR })).toMatchObject({ status: 'ok', availableMicros: 2n * EUR });
    expect(await funds.settle({ accountId: 'north', callId: 'again', finalMicros: EUR })).toMatchObject({ status: 'ok', availableMicros: 2n * EUR });
    await funds.flush();
    expect((await funds.getAccount('north'))!.balanceMicros).toBe(2n * EUR);
    expect(await funds.reconcile()).toEqual([]);
  });

  it('production\'s client (SOLDE_REDIS_CLUSTER=true) finds every master from one seed node and runs the scripts there', async () => {
    const client = createFundsCluster(`redis://127.0.0.1:${rc.ports[0]}`);
    try {
      // No offline queue (a call never waits for Redis): the first commands wait for the slot map.
      await new Promise<void>((resolve, reject) => { client.once('ready', resolve); client.once('error', reject); });
      const viaSeed = createTestFunds(db.pool, client, 'solde-cluster:').funds;
      for (const id of ACCOUNTS) {
        expect(await viaSeed.reserve({ accountId: id, callId: `seed-${id}`, amountMicros: EUR, validitySeconds: 60 })).toMatchObject({ status: 'ok' });
        expect(await viaSeed.release({ accountId: id, callId: `seed-${id}` })).toMatchObject({ status: 'ok', heldMicros: 0n });
      }
      expect(new Set(client.nodes('master').map((node) => node.options.port))).toEqual(new Set(rc.ports));
      await viaSeed.stop();
    } finally {
      client.disconnect();
    }
  });
});
