import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import Srf from 'drachtio-srf';
import { Redis } from 'ioredis';
import { createLogger } from '../core/log';
import { createTestFunds, fundAccount } from '../rating/funds/harness';
import type { FundsService } from '../rating/funds/index';
import { readCallRecord } from '../sip/cdr/call-records';
import { Adopter, ClusterKeys, DialogStore, OwnerLeases, type DialogRecord } from '../sip/cluster/index';
import { createRtpengineMedia } from '../sip/media/rtpengine';
import { createTestDatabase, type TestDatabase } from './support/pg';
import { createTestRedis, TEST_REDIS_URL, type TestRedis } from './support/redis';

// Owner leases and adoption on real Redis and Postgres (sip/cluster/): the claim is atomic (two adopters
// racing, exactly one wins), an adopter that stops renewing is itself taken over, and an adopted paid call
// is settled at exactly its committed money (debited + held) with an `owner-lost` record. The BYEs of the
// real thing are judged by test/real/adoption.test.ts.

const LEASE_MS = 1000;
const lapse = () => new Promise((resolve) => setTimeout(resolve, LEASE_MS + 150));
const EUR = 1_000_000n;

let redis: TestRedis;
let db: TestDatabase;
let fundsRedis: Redis;
let funds: FundsService;
let keys: ClusterKeys;

beforeAll(async () => {
  redis = await createTestRedis();
  db = await createTestDatabase();
  fundsRedis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 2 });
  funds = createTestFunds(db.pool, fundsRedis, redis.prefix).funds;
});

// Each test its own cluster keys: owners claimed by one test lapse again later and must not reach another.
let testNumber = 0;
beforeEach(() => {
  testNumber += 1;
  keys = new ClusterKeys(`${redis.prefix}t${testNumber}:`);
});

afterAll(async () => {
  await funds.flush().catch(() => undefined);
  fundsRedis.disconnect();
  await redis.cleanup();
  await db.drop();
});

const leasesFor = () => [new OwnerLeases(redis.redis, keys, LEASE_MS), new OwnerLeases(fundsRedis, keys, LEASE_MS)] as const;

describe('owner leases', () => {
  it('two adopters racing for lapsed owners: each owner is claimed exactly once', async () => {
    const [a, b] = leasesFor();
    const owners = Array.from({ length: 20 }, (_, i) => `dead-${i}`);
    for (const owner of owners) expect(await a.heartbeat(owner)).toBe('ok');
    expect(await a.claimLapsed('adopter-a')).toBeNull(); // every lease current
    await lapse();
    const claims: Array<string | null> = [];
    for (let round = 0; round < owners.length + 2; round += 1) {
      claims.push(...await Promise.all([a.claimLapsed('adopter-a'), b.claimLapsed('adopter-b')]));
    }
    const won = claims.filter((owner): owner is string => owner !== null);
    expect(won.sort()).toEqual([...owners].sort());
    for (const owner of owners) expect(['adopter-a', 'adopter-b']).toContain(await a.adopterOf(owner));
  });

  it('an adopter that stops renewing is itself adopted; the first one then learns it lost', async () => {
    const [a, b] = leasesFor();
    const dialogs = new DialogStore(redis.redis, keys, LEASE_MS);
    await a.heartbeat('victim');
    await lapse();
    expect(await a.claimLapsed('first')).toBe('victim');
    expect(await b.claimLapsed('second')).toBeNull(); // taken, and its adopter's lease is current
    expect(await a.heartbeat('victim')).toBe('adopted'); // a paused owner does not come back mid-adoption
    await lapse(); // 'first' died mid-way: no renewal
    expect(await b.claimLapsed('second')).toBe('victim');
    expect(await a.renewAdoption('victim', 'first')).toBe(false);
    expect(await a.finishAdoption('victim', 'first')).toBe('lost');
    await dialogs.write('victim', record('leftover', false));
    expect(await b.finishAdoption('victim', 'second')).toBe('busy');
    await dialogs.remove('victim', 'leftover');
    expect(await b.finishAdoption('victim', 'second')).toBe('done');
    expect(await b.expiryOf('victim')).toBeNull();
    expect(await a.heartbeat('victim')).toBe('ok'); // a live instance declared dead comes back once its calls are ended
  });

  it('a clean stop gives the lease up, unless records are left (then it lapses and they are adopted)', async () => {
    const [a] = leasesFor();
    const dialogs = new DialogStore(redis.redis, keys, LEASE_MS);
    await a.heartbeat('leaver');
    await dialogs.write('leaver', record('stuck', false));
    expect(await a.leave('leaver')).toBe('busy');
    await dialogs.remove('leaver', 'stuck');
    expect(await a.leave('leaver')).toBe('ok');
    expect(await a.expiryOf('leaver')).toBeNull();
  });

  it('a process restarted with the same instance id hands the previous one\'s records to adoption', async () => {
    const [a] = leasesFor();
    const dialogs = new DialogStore(redis.redis, keys, LEASE_MS);
    await a.heartbeat('stable-name');
    await dialogs.write('stable-name', record('left-by-the-crashed-process', false));
    expect(await a.retireLeftovers('stable-name', 'stable-name~retired-1')).toBe(1);
    expect(await dialogs.count('stable-name')).toBe(0);
    expect(await dialogs.count('stable-name~retired-1')).toBe(1);
    expect(await a.claimLapsed('stable-name')).toBe('stable-name~retired-1'); // the restarted process may adopt it itself
    expect(await a.retireLeftovers('stable-name', 'stable-name~retired-2')).toBe(0);
  });

  it('a record written before the owner\'s first heartbeat creates its lease, so it can lapse and be adopted', async () => {
    const [a] = leasesFor();
    await new DialogStore(redis.redis, keys, LEASE_MS).write('early', record('first-call', false));
    expect(await a.expiryOf('early')).not.toBeNull();
    await lapse();
    expect(await a.claimLapsed('adopter')).toBe('early');
  });
});

describe('adopter', () => {
  it('settles an adopted paid call at its committed money, writes owner-lost once, leaves emergency calls up', async () => {
    await funds.createAccount({ id: 'adopted-acct', name: 'adopted', language: 'en', maxConcurrentCalls: 10 });
    await fundAccount(funds, 'adopted-acct', 100n * EUR, 'fund-adopted');
    const callId = 'adopted-call;tag1';
    // The dead owner's meter: first grant 3 EUR, then a renewal debited 2 EUR and holds 3 more.
    expect((await funds.reserve({ accountId: 'adopted-acct', callId, amountMicros: 3n * EUR, validitySeconds: 60 })).status).toBe('ok');
    expect((await funds.update({ accountId: 'adopted-acct', callId, seq: 1, usedTotalMicros: 2n * EUR, nextMicros: 3n * EUR, validitySeconds: 60 })).status).toBe('ok');
    expect(await funds.committed({ accountId: 'adopted-acct', callId })).toMatchObject({ status: 'ok', committedMicros: 5n * EUR, callState: 'live' });

    const [leases] = leasesFor();
    const dialogs = new DialogStore(redis.redis, keys, LEASE_MS);
    await leases.heartbeat('dead-owner');
    await dialogs.write('dead-owner', record(callId, true));
    await dialogs.write('dead-owner', { ...record('sos;tag2', false), class: 'EMERGENCY', emergency: true, tariff: null });
    const media = createRtpengineMedia({ host: '127.0.0.1', port: 1, timeoutMs: 100 });
    const released: string[] = [];
    const adopter = new Adopter({
      instanceId: 'survivor', srf: new Srf(), leases, dialogs, funds, media, pool: db.pool, logger: createLogger('silent'),
      canSignal: () => true, releaseSlotsOf: async (dead) => { released.push(dead); return 0; }, byeTimeoutMs: 500,
    });
    await lapse();
    const report = await adopter.runOnce();
    media.close();
    expect(report).toMatchObject({ ownerId: 'dead-owner', ended: 1, kept: 1, abandoned: 0, outcome: 'done' });
    expect(released).toEqual(['dead-owner']);
    expect(await dialogs.count('dead-owner')).toBe(0);
    expect(await leases.expiryOf('dead-owner')).toBeNull();
    const stored = await readCallRecord(db.pool, callId);
    // 5 EUR at 1 EUR a second on 1/1 increments: 5 seconds.
    expect(stored).toMatchObject({ endingReason: 'owner-lost', costMicros: 5n * EUR, billedSeconds: 5, settleStatus: 'ok', answered: true });
    expect(await readCallRecord(db.pool, 'sos;tag2')).toBeNull();
    await funds.flush();
    expect(await funds.balance('adopted-acct')).toMatchObject({ availableMicros: 95n * EUR, heldMicros: 0n });
    // Repeating the settlement (an adopter that died after it) charges nothing more.
    expect(await funds.committed({ accountId: 'adopted-acct', callId })).toMatchObject({ committedMicros: 5n * EUR, callState: 'settled' });
  });
});

function record(callKey: string, paid: boolean): DialogRecord {
  const leg = (n: string) => ({ dialogId: `dlg-${n}`, callId: `cid-${n}`, localTag: 'l', remoteTag: 'r', remoteTarget: 'sip:x@127.0.0.1:9', localContact: null, cseq: 1, routeSet: [] });
  return {
    v: 1, callKey, accountId: 'adopted-acct', extension: '101', class: 'INTERNATIONAL', dialled: '00212612345678',
    e164: '+212612345678', country: 'MA', rule: 'international', paid,
    tariff: { prefix: '212', country: 'MA', destination: 'Morocco', perMinuteMicros: 60n * EUR, connectFeeMicros: 0n,
      initialIncrementSeconds: 1, subsequentIncrementSeconds: 1, minimumChargeMicros: 0n },
    server: null, media: null, receivedAtMs: Date.now() - 10_000, answeredAtMs: Date.now() - 8_000, emergency: false,
    caller: leg('a'), callee: leg('b'),
  };
}
