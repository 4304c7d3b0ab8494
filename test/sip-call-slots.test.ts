import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../core/log';
import { registry } from '../core/metrics';
import { accountSlotsKey, instanceSlotsKey, RedisCallSlots, SLOT_EXPIRY_MS, WARM_HOLD_MS, type CallSlotsOptions } from '../sip/cluster/call-slots';
import { createTestRedis, type TestRedis } from './support/redis';

// The cluster-wide concurrency slots (sip/cluster/call-slots.ts) on a real Redis, under this file's prefix.

let redis: TestRedis;
const logger = createLogger('silent');
let now = Date.now(); // a real time: keys expire at it (PEXPIREAT)
const clock = { now: () => now };

beforeAll(async () => { redis = await createTestRedis(); });
afterAll(async () => redis?.cleanup());

/** Slots without warm hand-over (warmHoldMs 0) unless a test asks: the exact release semantics. */
function slots(instanceId: string, options: Partial<CallSlotsOptions> = {}): RedisCallSlots {
  return new RedisCallSlots({ redis: redis.redis, keyPrefix: redis.prefix, instanceId, logger, clock, warmHoldMs: 0, ...options });
}

const held = (accountId: string) => redis.redis.zrange(accountSlotsKey(redis.prefix, accountId), 0, -1);

async function unavailableCount(operation: string): Promise<number> {
  const metric = await registry.getSingleMetric('solde_call_slots_unavailable_total')!.get();
  return metric.values.find((v) => v.labels.operation === operation)?.value ?? 0;
}

describe('call slots', () => {
  it('count calls of an account across instances and honour the limit', async () => {
    const a = slots('inst-a');
    const b = slots('inst-b');
    expect(await a.tryAcquire('limited', 2, 'call-1')).toBe('ok');
    expect(await b.tryAcquire('limited', 2, 'call-2')).toBe('ok');
    expect(await a.tryAcquire('limited', 2, 'call-3')).toBe('busy');
    expect(await b.tryAcquire('limited', 2, 'call-4')).toBe('busy');
    expect(await a.tryAcquire('other', 1, 'call-5')).toBe('ok'); // accounts count apart
    expect((await held('limited')).sort()).toEqual(['call-1', 'call-2']);
    // A refused call is not listed in the instance set.
    expect(await redis.redis.smembers(instanceSlotsKey(redis.prefix, 'inst-a'))).toEqual(expect.arrayContaining(['limited call-1', 'other call-5']));
    expect(await redis.redis.scard(instanceSlotsKey(redis.prefix, 'inst-a'))).toBe(2);
    await a.release('limited', 'call-1');
    expect(await b.tryAcquire('limited', 2, 'call-4')).toBe('ok');
  });

  it('acquire is idempotent per call key, even at the limit', async () => {
    const a = slots('inst-idem');
    expect(await a.tryAcquire('idem', 1, 'call-1')).toBe('ok');
    expect(await a.tryAcquire('idem', 1, 'call-1')).toBe('ok');
    expect(await held('idem')).toEqual(['call-1']);
    expect(await a.tryAcquire('idem', 1, 'call-2')).toBe('busy');
  });

  it('a second release is a no-op and frees nobody else\'s slot', async () => {
    const a = slots('inst-twice');
    expect(await a.tryAcquire('twice', 2, 'call-1')).toBe('ok');
    expect(await a.tryAcquire('twice', 2, 'call-2')).toBe('ok');
    await a.release('twice', 'call-1');
    await a.release('twice', 'call-1');
    expect(await held('twice')).toEqual(['call-2']);
    await a.release('twice', 'call-2');
    expect(await redis.redis.exists(accountSlotsKey(redis.prefix, 'twice'), instanceSlotsKey(redis.prefix, 'inst-twice'))).toBe(0);
  });

  it('releaseAllOf frees every slot a dead instance held, and only those', async () => {
    const dead = slots('inst-dead');
    const alive = slots('inst-alive');
    for (let i = 0; i < 3; i += 1) expect(await dead.tryAcquire('shared', 10, `dead-${i}`)).toBe('ok');
    expect(await dead.tryAcquire('solo', 10, 'dead-solo')).toBe('ok');
    expect(await alive.tryAcquire('shared', 10, 'alive-1')).toBe('ok');
    await dead.release('shared', 'dead-0'); // released normally before dying
    expect(await alive.releaseAllOf('inst-dead')).toBe(3);
    expect(await held('shared')).toEqual(['alive-1']);
    expect(await held('solo')).toEqual([]);
    expect(await redis.redis.exists(instanceSlotsKey(redis.prefix, 'inst-dead'))).toBe(0);
    expect(await alive.releaseAllOf('inst-dead')).toBe(0); // again: nothing left
    // The dead instance's late release (it was only slow) changes nothing.
    await dead.release('shared', 'dead-1');
    expect(await held('shared')).toEqual(['alive-1']);
  });

  it('a slot nobody releases frees itself after the expiry bound, and its keys expire with it', async () => {
    expect(SLOT_EXPIRY_MS).toBe((86_400 + 600) * 1000); // the longest call Solde grants, plus ten minutes
    const a = slots('inst-expiry', { slotExpiryMs: 60_000 });
    now = Date.now();
    expect(await a.tryAcquire('expiry', 1, 'stale')).toBe('ok');
    const pttlMs = await redis.redis.pttl(accountSlotsKey(redis.prefix, 'expiry'));
    expect(pttlMs).toBeGreaterThan(0);
    expect(pttlMs).toBeLessThanOrEqual(60_000);
    expect(await redis.redis.pttl(instanceSlotsKey(redis.prefix, 'inst-expiry'))).toBeLessThanOrEqual(60_000);
    now += 59_999;
    expect(await a.tryAcquire('expiry', 1, 'fresh')).toBe('busy');
    now += 2;
    expect(await a.tryAcquire('expiry', 1, 'fresh')).toBe('ok');
    expect(await held('expiry')).toEqual(['fresh']);
  });

  it('no limit takes no Redis round trip; Redis down fails open, counted', async () => {
    const down = new Redis('redis://127.0.0.1:9/0', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    down.on('error', () => undefined);
    try {
      const a = slots('inst-down', { redis: down, timeoutMs: 200 });
      const before = { acquire: await unavailableCount('acquire'), release: await unavailableCount('release') };
      expect(await a.tryAcquire('free', 0, 'call-1')).toBe('ok');
      expect(await a.tryAcquire('free', -1, 'call-2')).toBe('ok');
      expect(await unavailableCount('acquire')).toBe(before.acquire); // nothing was sent
      expect(await a.tryAcquire('free', 3, 'call-3')).toBe('unavailable');
      expect(await unavailableCount('acquire')).toBe(before.acquire + 1);
      await a.release('free', 'call-3'); // never throws
      expect(await unavailableCount('release')).toBe(before.release + 1);
      await expect(a.releaseAllOf('inst-other')).rejects.toThrow();
    } finally {
      down.disconnect();
    }
  });

  it('refuses ids that would break the key layout', async () => {
    const a = slots('inst-ids');
    await expect(a.tryAcquire('Bad Account', 1, 'call')).rejects.toThrow(TypeError);
    await expect(a.tryAcquire('acme', 1, 'two words')).rejects.toThrow(TypeError);
    await expect(a.tryAcquire('acme', 1.5, 'call')).rejects.toThrow(TypeError);
    expect(() => slots('bad id')).toThrow(TypeError);
  });

  it('a released slot stays warm for its instance: its next call is admitted without waiting, the limit holds', async () => {
    const a = slots('warm-a', { warmHoldMs: WARM_HOLD_MS });
    const b = slots('warm-b', { warmHoldMs: WARM_HOLD_MS });
    expect(await a.tryAcquire('warmed', 2, 'w-1')).toBe('ok');
    expect(await b.tryAcquire('warmed', 2, 'w-2')).toBe('ok');
    await a.release('warmed', 'w-1');
    expect((await held('warmed')).sort()).toEqual(['w-2', '~warm warm-a']); // counted: the account stays full
    expect(await b.tryAcquire('warmed', 2, 'w-3')).toBe('busy'); // the price: another instance waits out the hold
    // a's next call: admitted on the warm slot (resolved before any Redis reply could be read), then taken over.
    const admitted = a.tryAcquire('warmed', 2, 'w-4');
    let early = false;
    void admitted.then(() => { early = true; });
    await Promise.resolve();
    await Promise.resolve();
    expect(early).toBe(true);
    expect(await admitted).toBe('ok');
    await a.release('warmed', 'w-4'); // waits for the takeover, then keeps the slot warm again
    expect((await held('warmed')).sort()).toEqual(['w-2', '~warm warm-a']);
    now += WARM_HOLD_MS + 1; // the hold ends: the warm slot is no longer counted
    expect(await b.tryAcquire('warmed', 2, 'w-5')).toBe('ok');
    expect((await held('warmed')).sort()).toEqual(['w-2', 'w-5']);
  });

  it('a warm slot about to expire is not used, and a dead instance\'s warm slots are freed with its others', async () => {
    const a = slots('warm-c', { warmHoldMs: WARM_HOLD_MS });
    const b = slots('warm-d', { warmHoldMs: WARM_HOLD_MS });
    expect(await a.tryAcquire('cooling', 1, 'c-1')).toBe('ok');
    await a.release('cooling', 'c-1');
    now += WARM_HOLD_MS - 100; // inside the margin: too late to count on it
    expect(await a.tryAcquire('cooling', 1, 'c-2')).toBe('busy'); // asked Redis: the warm slot still counts
    now += 200;
    expect(await a.tryAcquire('cooling', 1, 'c-3')).toBe('ok');
    await a.release('cooling', 'c-3');
    expect(await held('cooling')).toEqual(['~warm warm-c']);
    expect(await b.releaseAllOf('warm-c')).toBe(1);
    expect(await held('cooling')).toEqual([]);
  });
});
