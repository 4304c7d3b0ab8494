import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountSlotsKey, instanceSlotsKey, WARM_HOLD_MS } from '../sip/cluster/call-slots';
import { callKey } from '../sip/pipeline/call-key';
import { startReplyHoldProxy, type ReplyHoldProxy } from './support/reply-hold-proxy';
import { TEST_REDIS_URL } from './support/redis';
import { startTestbed, type Testbed } from './support/sip-testbed';
import type { BLeg, CallerLeg } from './support/drachtio/index';

// Issue 13: the concurrent-call limit holds across Solde instances. Two SIP apps (each its own drachtio
// emulator and instance id) share one Postgres database and one Redis prefix, as two Solde processes in
// front of one funds Redis do. The PBX sends each of them calls for the same account at the same time.

const N = 4;
let first: Testbed;
let second: Testbed;
/** The second instance reaches Redis through it (replies pass until a test holds them). */
let proxy: ReplyHoldProxy;
/** Every B leg the carrier side saw, and how many are up now and at most (across both instances). */
const carrier = { legs: [] as BLeg[], up: 0, peak: 0 };

beforeAll(async () => {
  first = await startTestbed();
  proxy = await startReplyHoldProxy(Number(new URL(TEST_REDIS_URL).port || 6379));
  second = await startTestbed({ shareWith: first, sipRedisUrl: proxy.url });
  await first.account('tenant', { maxConcurrentCalls: N });
  await second.app.reloadPbxSources();
  for (const bed of [first, second]) {
    bed.server.setBSide({ final: { status: 200 } }); // the carrier answers every call at once
    bed.server.onOutboundInvite((leg) => {
      carrier.legs.push(leg);
      carrier.up += 1;
      carrier.peak = Math.max(carrier.peak, carrier.up);
    });
  }
}, 30_000);
afterAll(async () => {
  await second?.close();
  await first?.close();
  await proxy?.close();
});

const slotsKey = () => accountSlotsKey(first.redis.prefix, 'tenant');
/** Slots held by calls; an instance's warm slot (`~warm <id>`, sip/cluster/call-slots.ts) is counted apart. */
const callSlots = async () => (await first.redis.redis.zrange(slotsKey(), 0, -1)).filter((member) => !member.startsWith('~warm '));
const slotCount = async () => (await callSlots()).length;

/** Each instance is offered `perInstance` included calls at once; resolves with every caller's final. */
async function offer(perInstance: number, wave: string): Promise<Array<{ caller: CallerLeg; status: number; reason: string }>> {
  const callers = [first, second].flatMap((bed, b) => Array.from({ length: perInstance }, (_, i) =>
    bed.server.placeCall({ from: `${wave}${b}${i}`, to: '0612345678' })));
  return Promise.all(callers.map(async (caller) => {
    const final = await caller.waitForFinal(10_000);
    return { caller, status: final.status, reason: final.get('reason') ?? '' };
  }));
}

/** The carrier hangs up `count` calls; each is down once Solde answered its BYE. */
async function carrierHangsUp(count: number): Promise<void> {
  const answered = carrier.legs.splice(0, count);
  await Promise.all(answered.map(async (leg) => {
    await leg.bye();
    carrier.up -= 1;
  }));
}

/** Bounded: the slot is released when the session has finished, just after the BYE exchange. */
async function untilSlots(expected: number): Promise<void> {
  for (let round = 0; round < 250 && await slotCount() !== expected; round += 1) await new Promise((r) => setTimeout(r, 20));
  expect(await slotCount()).toBe(expected);
}

function expectOutcomes(finals: Awaited<ReturnType<typeof offer>>, answered: number): void {
  const statuses = finals.map((f) => f.status);
  expect(statuses.filter((s) => s === 200)).toHaveLength(answered);
  expect(statuses.filter((s) => s === 486)).toHaveLength(finals.length - answered);
  for (const refused of finals.filter((f) => f.status === 486)) expect(refused.reason).toContain('concurrent call limit');
}

describe('concurrency limit across two instances', () => {
  it('a tenant limited to N concurrent calls, offered 3N across two instances: at most N up at any moment', async () => {
    const wave1 = await offer(1.5 * N, '1');
    expectOutcomes(wave1, N);
    expect(carrier.peak).toBe(N);
    expect(await slotCount()).toBe(N);
    // Half hang up; a second 3N wave gets exactly the freed half, whichever instance held them.
    await carrierHangsUp(N / 2);
    await untilSlots(N / 2);
    const wave2 = await offer(1.5 * N, '2');
    expectOutcomes(wave2, N / 2);
    expect(carrier.peak).toBe(N);
    await carrierHangsUp(N);
    await Promise.all([first.app.idle(), second.app.idle()]);
    expect(carrier.up).toBe(0);
    // No call holds a slot; what is left is at most one warm slot per instance, each expiring within the hold.
    expect(await slotCount()).toBe(0);
    const warm = await first.redis.redis.zrange(slotsKey(), 0, -1, 'WITHSCORES');
    expect(warm.length / 2).toBeLessThanOrEqual(2);
    for (let i = 1; i < warm.length; i += 2) expect(Number(warm[i])).toBeLessThanOrEqual(Date.now() + WARM_HOLD_MS);
    for (const bed of [first, second]) {
      const listed = await first.redis.redis.smembers(instanceSlotsKey(first.redis.prefix, bed.instanceId));
      expect(listed.every((member) => member.includes(' ~warm '))).toBe(true);
    }
  }, 30_000);

  it('a caller who gives up while the acquire is in flight leaves no slot behind', async () => {
    proxy.hold();
    const caller = second.server.placeCall({ from: '201', to: '0612345678' });
    const key = callKey(caller.callId, caller.fromTag);
    try {
      await proxy.waitForRequest(key); // the acquire has reached Redis; its answer waits in the proxy
      expect(caller.cancel().inviteResponse?.status).toBe(487);
      await second.app.idle(); // the session finished without a slot to release
      expect(await callSlots()).toEqual([key]);
    } finally {
      proxy.letGo();
    }
    await untilSlots(0); // released when the acquire answered
    expect(carrier.legs).toHaveLength(0);
  }, 30_000);

  it('a draining instance takes no new call (503) and releases its slots as its calls end', async () => {
    const caller = second.server.placeCall({ from: '301', to: '0612345678' });
    expect((await caller.waitForFinal()).status).toBe(200);
    expect(await slotCount()).toBe(1);
    const stopped = second.app.stop(10);
    // Its INVITE route is removed at once: drachtio-server (here the emulator) answers 503 itself.
    const late = await second.server.placeCall({ from: '302', to: '0612345678' }).waitForFinal();
    expect(late.status).toBe(503);
    expect(await slotCount()).toBe(1);
    await caller.bye();
    await stopped;
    expect(await slotCount()).toBe(0);
    // A stopping instance keeps no slot warm: it takes no more calls.
    expect((await first.redis.redis.zrange(slotsKey(), 0, -1)).filter((m) => m === `~warm ${second.instanceId}`)).toEqual([]);
    carrier.legs.length = 0;
  }, 30_000);
});
