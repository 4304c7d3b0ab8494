// Owner leases and dialog records (sip/cluster/) on a 3-master Redis Cluster: every script names keys under
// one hash tag ({solde-cluster}), so each runs on the node owning that slot, as on a standalone Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterKeys, DialogStore, OwnerLeases } from '../sip/cluster/index';
import { startRedisCluster, type TestRedisCluster } from './support/redis-cluster';

const LEASE_MS = 1000;
let rc: TestRedisCluster;

beforeAll(async () => { rc = await startRedisCluster(); });
afterAll(async () => { await rc?.stop(); });

const leg = (id: string) => ({ dialogId: id, callId: `cid-${id}`, localTag: 'l', remoteTag: 'r', remoteTarget: 'sip:a@127.0.0.1', localContact: null, cseq: 1, routeSet: [] });
const record = {
  v: 1, callKey: 'c1;t1', accountId: 'acme', extension: '101', class: 'INCLUDED', dialled: '0612345678', e164: '+33612345678',
  country: 'FR', rule: 'included', tariff: null, paid: false, server: null, media: null, receivedAtMs: 1, answeredAtMs: 2, emergency: false,
  caller: leg('d1'), callee: leg('d2'),
} as const;

describe('owner leases on Redis Cluster', () => {
  it('heartbeat, record, lapse, claim, finish, retire: the same scripts on the slot of the hash tag', async () => {
    const keys = new ClusterKeys('solde-leases:');
    const leases = new OwnerLeases(rc.cluster, keys, LEASE_MS);
    const dialogs = new DialogStore(rc.cluster, keys, LEASE_MS);
    expect(await leases.heartbeat('node-a')).toBe('ok');
    await dialogs.write('node-a', record);
    expect((await dialogs.page('node-a', 10)).map((entry) => entry.record?.callKey)).toEqual(['c1;t1']);
    await new Promise((resolve) => setTimeout(resolve, LEASE_MS + 150));
    const claims = await Promise.all([leases.claimLapsed('node-b'), leases.claimLapsed('node-c')]);
    expect(claims.filter((claim) => claim === 'node-a')).toHaveLength(1);
    const adopter = claims[0] === 'node-a' ? 'node-b' : 'node-c';
    expect(await leases.renewAdoption('node-a', adopter)).toBe(true);
    expect(await leases.finishAdoption('node-a', adopter)).toBe('busy');
    await dialogs.remove('node-a', 'c1;t1');
    expect(await leases.finishAdoption('node-a', adopter)).toBe('done');
    // A restart under the same id: the record left behind goes to a lapsed owner of its own.
    await dialogs.write('node-a', record);
    expect(await leases.retireLeftovers('node-a', 'node-a~retired-x')).toBe(1);
    expect(await leases.claimLapsed('node-a')).toBe('node-a~retired-x');
    expect(await leases.leave('node-a')).toBe('ok');
  }, 30_000);
});
