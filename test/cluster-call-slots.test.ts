// The call slots' scripts, unchanged, on a 3-master Redis Cluster through the production client
// (createFundsCluster): each command touches one hash slot, the account's or the instance's, whichever
// node owns it; releaseAllOf reaches accounts on several masters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../core/log';
import { createFundsCluster } from '../rating/funds/redis-client';
import { accountSlotsKey, RedisCallSlots } from '../sip/cluster/call-slots';
import { startRedisCluster, type TestRedisCluster } from './support/redis-cluster';

const PREFIX = 'solde-cluster:';
const ACCOUNTS = ['north', 'south', 'east', 'west', 'centre', 'coast'];
let rc: TestRedisCluster;
let client: ReturnType<typeof createFundsCluster>;

beforeAll(async () => {
  rc = await startRedisCluster();
  client = createFundsCluster(`redis://127.0.0.1:${rc.ports[0]}`);
  await new Promise<void>((resolve, reject) => { client.once('ready', resolve); client.once('error', reject); });
}, 60_000);
afterAll(async () => {
  client?.disconnect();
  await rc?.stop();
});

describe('call slots on a Redis Cluster', () => {
  it('limit, idempotent acquire, release once and releaseAllOf across masters', async () => {
    const owners = new Set<string>();
    for (const id of ACCOUNTS) owners.add(rc.cluster.slots[Number(await rc.cluster.cluster('KEYSLOT', accountSlotsKey(PREFIX, id)))]![0]!);
    expect(owners.size).toBeGreaterThan(1);
    const logger = createLogger('silent');
    const dead = new RedisCallSlots({ redis: client, keyPrefix: PREFIX, instanceId: 'cluster-dead', logger, warmHoldMs: 0 });
    const alive = new RedisCallSlots({ redis: client, keyPrefix: PREFIX, instanceId: 'cluster-alive', logger, warmHoldMs: 0 });
    for (const id of ACCOUNTS) {
      expect(await dead.tryAcquire(id, 2, `${id}-1`)).toBe('ok');
      expect(await dead.tryAcquire(id, 2, `${id}-1`)).toBe('ok');
      expect(await alive.tryAcquire(id, 2, `${id}-2`)).toBe('ok');
      expect(await alive.tryAcquire(id, 2, `${id}-3`)).toBe('busy');
    }
    await alive.release('north', 'north-2');
    await alive.release('north', 'north-2');
    expect(await rc.cluster.zcard(accountSlotsKey(PREFIX, 'north'))).toBe(1);
    expect(await alive.releaseAllOf('cluster-dead')).toBe(ACCOUNTS.length);
    for (const id of ACCOUNTS) {
      expect(await rc.cluster.zrange(accountSlotsKey(PREFIX, id), 0, -1)).toEqual(id === 'north' ? [] : [`${id}-2`]);
    }
  }, 30_000);
});
