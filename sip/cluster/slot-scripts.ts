import type { Cluster, Redis } from 'ioredis';
import { leanPipeFor, type ScriptPipe } from '../../rating/funds/script-pipe';
import { leanScript } from './lean-script';

// The two scripts of a slot acquire (call-slots.ts), and how they reach Redis. On a plain standalone Redis
// they go through a ScriptPipe of their own, as the funds scripts do: the acquire is the one wait on an
// included call's setup path, and through ioredis it added about 0.5 ms to it at 100 calls/s
// (bench/sip-call-cpu.ts), against 0.1 ms for an event-loop turn. Any other client (Cluster, TLS) runs
// them through ioredis (EVALSHA, falling back to EVAL on NOSCRIPT, both ways).

// Drops expired slots, then takes one unless the call has one already (idempotent) or the limit is
// reached. The key lives as long as its latest slot. Returns 1 (ok) or 0 (busy).
const ACQUIRE_LUA = `
local slots, call = KEYS[1], ARGV[1]
redis.call('ZREMRANGEBYSCORE', slots, '-inf', ARGV[3])
if redis.call('ZSCORE', slots, call) then return 1 end
if redis.call('ZCARD', slots) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', slots, ARGV[4], call)
local latest = redis.call('ZRANGE', slots, -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', slots, latest[2])
return 1`;

// Notes the slot in this instance's set; the set lives as long as the latest slot it lists.
const RECORD_LUA = `
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
return 1`;


// A released call's slot kept warm for its instance: the call's member gives way to the instance's warm
// member (one per instance and account, with a short expiry), unless the instance has one already.
// Returns 1 (kept warm), 0 (released: a warm one exists), -1 (the call held no slot).
const WARM_LUA = `
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return -1 end
if redis.call('ZSCORE', KEYS[1], ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
return 1`;

// A call admitted on the instance's warm slot takes it over: the warm member becomes the call's, with the
// call's expiry. 0: the warm slot is gone (expired before ARGV[4], or Redis lost it).
const CLAIM_WARM_LUA = `
local warm = redis.call('ZSCORE', KEYS[1], ARGV[1])
if (not warm) or tonumber(warm) < tonumber(ARGV[4]) then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
local latest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[1], latest[2])
return 1`;

export interface SlotScripts {
  soldeSlotAcquire(key: string, callKey: string, limit: number, nowMs: number, expiresAtMs: number): Promise<number>;
  soldeSlotRecord(key: string, member: string, expiresAtMs: number): Promise<number>;
  soldeSlotWarm(key: string, callKey: string, warmMember: string, warmExpiresAtMs: number): Promise<number>;
  soldeSlotClaimWarm(key: string, warmMember: string, callKey: string, callExpiresAtMs: number, nowMs: number): Promise<number>;
}

export function slotScripts(redis: Redis | Cluster, timeoutMs: number): SlotScripts {
  const pipe = leanPipeFor(redis, timeoutMs);
  return pipe ? pipedScripts(pipe) : ioredisScripts(redis);
}

function pipedScripts(pipe: ScriptPipe): SlotScripts {
  const run = script(pipe);
  const acquire = run(ACQUIRE_LUA);
  const record = run(RECORD_LUA);
  const warm = run(WARM_LUA);
  const claimWarm = run(CLAIM_WARM_LUA);
  return {
    soldeSlotAcquire: (key, callKey, limit, nowMs, expiresAtMs) => acquire(key, [callKey, String(limit), String(nowMs), String(expiresAtMs)]),
    soldeSlotRecord: (key, member, expiresAtMs) => record(key, [member, String(expiresAtMs)]),
    soldeSlotWarm: (key, callKey, warmMember, warmExpiresAtMs) => warm(key, [callKey, warmMember, String(warmExpiresAtMs)]),
    soldeSlotClaimWarm: (key, warmMember, callKey, callExpiresAtMs, nowMs) =>
      claimWarm(key, [warmMember, callKey, String(callExpiresAtMs), String(nowMs)]),
  };
}

/** One single-key script on the pipe, its reply as a number. */
function script(pipe: ScriptPipe) {
  return (lua: string) => {
    const run = leanScript(pipe, lua);
    return async (key: string, args: readonly string[]): Promise<number> => Number(await run([key], args));
  };
}

/** ioredis sends EVALSHA and falls back to EVAL on NOSCRIPT; defined once per client (Redis or Cluster). */
function ioredisScripts(redis: Redis | Cluster): SlotScripts {
  const client = redis as unknown as Partial<SlotScripts>;
  if (typeof client.soldeSlotAcquire !== 'function') redis.defineCommand('soldeSlotAcquire', { numberOfKeys: 1, lua: ACQUIRE_LUA });
  if (typeof client.soldeSlotRecord !== 'function') redis.defineCommand('soldeSlotRecord', { numberOfKeys: 1, lua: RECORD_LUA });
  if (typeof client.soldeSlotWarm !== 'function') redis.defineCommand('soldeSlotWarm', { numberOfKeys: 1, lua: WARM_LUA });
  if (typeof client.soldeSlotClaimWarm !== 'function') redis.defineCommand('soldeSlotClaimWarm', { numberOfKeys: 1, lua: CLAIM_WARM_LUA });
  return redis as unknown as SlotScripts;
}
