import type { Cluster, Redis } from 'ioredis';

// Owner leases in Redis: every Solde instance renews its entry every leaseMs/3; an entry whose expiry has
// passed belongs to a dead owner, whose calls another instance adopts (adopter.ts). All keys share one
// hash tag, so each script below touches one Redis Cluster slot. Expiries are Redis' clock (TIME), not
// the instances': two hosts whose clocks disagree still agree on who is lapsed.
//
//   <prefix>{solde-cluster}:leases     zset   instance id -> lease expiry (ms, Redis time)
//   <prefix>{solde-cluster}:adopters   hash   dead instance id -> the instance adopting its calls
//   <prefix>{solde-cluster}:dialogs:<instance id>   hash   call key -> dialog record (dialog-store.ts)
//
// Adoption is a lease too: the adopter takes the dead owner's entry (marks itself in `adopters`, pushes the
// expiry) and renews it while it works. If the adopter dies mid-way the entry lapses again and the next
// claimant takes it over: every step of ending a call is idempotent, so work done twice does no harm.

export class ClusterKeys {
  readonly leases: string;
  readonly adopters: string;
  private readonly tag: string;

  constructor(prefix: string) {
    this.tag = `${prefix}{solde-cluster}`;
    this.leases = `${this.tag}:leases`;
    this.adopters = `${this.tag}:adopters`;
  }

  dialogs(instanceId: string): string {
    return `${this.tag}:dialogs:${instanceId}`;
  }
}

const NOW = "local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)";

// KEYS leases, adopters; ARGV instance, lease ms. An instance being adopted does not come back until its
// adopter is done (it may have been paused past its lease: its calls are being ended).
const HEARTBEAT = `${NOW}
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return 'adopted' end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
return 'ok'`;

// KEYS leases, adopters; ARGV adopter, lease ms, how many lapsed entries to look at. Atomic: of two
// instances claiming the same lapsed owner, the second finds its expiry already pushed.
const CLAIM = `${NOW}
local lapsed = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[3]))
for _, owner in ipairs(lapsed) do
  if owner ~= ARGV[1] then
    redis.call('HSET', KEYS[2], owner, ARGV[1])
    redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), owner)
    return owner
  end
end
return false`;

// KEYS leases, adopters; ARGV owner, adopter, lease ms.
const RENEW_ADOPTION = `${NOW}
if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
return 1`;

// KEYS leases, adopters, dialogs of owner; ARGV owner, adopter. Only once no dialog record is left.
const FINISH_ADOPTION = `
if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then return 'lost' end
if redis.call('HLEN', KEYS[3]) > 0 then return 'busy' end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return 'done'`;

// KEYS leases, adopters, dialogs of instance; ARGV instance. A clean stop (after the drain): nothing left
// to adopt. Records still there (a delete that failed) keep the lease, which lapses: they get adopted.
const LEAVE = `
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return 'adopted' end
if redis.call('HLEN', KEYS[3]) > 0 then return 'busy' end
redis.call('ZREM', KEYS[1], ARGV[1])
return 'ok'`;

// KEYS dialogs of instance, dialogs of retired id, leases; ARGV retired id. At start, before this process
// answers a call: records under its id are a previous process's with the same SOLDE_INSTANCE_ID (a restart
// within the lease would otherwise renew it and orphan them for good). They move to a lapsed owner of their
// own, which any instance, this one included, adopts.
const RETIRE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local n = redis.call('HLEN', KEYS[1])
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('ZADD', KEYS[3], 0, ARGV[1])
return n`;

export type HeartbeatOutcome = 'ok' | 'adopted';
export type FinishOutcome = 'done' | 'busy' | 'lost';

/** How many lapsed entries one claim looks at (the caller's own lapsed entry is skipped). */
const CLAIM_SCAN = 10;

export class OwnerLeases {
  constructor(private readonly redis: Redis | Cluster, readonly keys: ClusterKeys, readonly leaseMs: number) {
    if (!Number.isSafeInteger(leaseMs) || leaseMs < 1000) throw new RangeError(`leaseMs must be an integer >= 1000, got ${leaseMs}`);
  }

  async heartbeat(instanceId: string): Promise<HeartbeatOutcome> {
    assertId(instanceId);
    return await this.redis.eval(HEARTBEAT, 2, this.keys.leases, this.keys.adopters, instanceId, String(this.leaseMs)) as HeartbeatOutcome;
  }

  /** Takes over one lapsed owner (not `adopterId` itself); null when every lease is current. */
  async claimLapsed(adopterId: string): Promise<string | null> {
    assertId(adopterId);
    const owner = await this.redis.eval(CLAIM, 2, this.keys.leases, this.keys.adopters, adopterId, String(this.leaseMs), String(CLAIM_SCAN));
    return typeof owner === 'string' ? owner : null;
  }

  /** False: another adopter took the owner over (this one was thought dead): stop working on it. */
  async renewAdoption(ownerId: string, adopterId: string): Promise<boolean> {
    return await this.redis.eval(RENEW_ADOPTION, 2, this.keys.leases, this.keys.adopters, ownerId, adopterId, String(this.leaseMs)) === 1;
  }

  async finishAdoption(ownerId: string, adopterId: string): Promise<FinishOutcome> {
    return await this.redis.eval(FINISH_ADOPTION, 3, this.keys.leases, this.keys.adopters, this.keys.dialogs(ownerId), ownerId, adopterId) as FinishOutcome;
  }

  async leave(instanceId: string): Promise<HeartbeatOutcome | 'busy'> {
    return await this.redis.eval(LEAVE, 3, this.keys.leases, this.keys.adopters, this.keys.dialogs(instanceId), instanceId) as HeartbeatOutcome | 'busy';
  }

  /** Moves a previous process's records of `instanceId` to the lapsed owner `retiredId`; how many. */
  async retireLeftovers(instanceId: string, retiredId: string): Promise<number> {
    assertId(retiredId);
    return await this.redis.eval(RETIRE, 3, this.keys.dialogs(instanceId), this.keys.dialogs(retiredId), this.keys.leases, retiredId) as number;
  }

  /** The adopter of an owner, if one is at work (tests, diagnostics). */
  async adopterOf(ownerId: string): Promise<string | null> {
    return this.redis.hget(this.keys.adopters, ownerId);
  }

  /** Lease expiry of an instance in ms (Redis time), null without a lease (tests, diagnostics). */
  async expiryOf(instanceId: string): Promise<number | null> {
    const score = await this.redis.zscore(this.keys.leases, instanceId);
    return score === null ? null : Number(score);
  }
}

/**
 * Calls `beat` now and every `everyMs`, never two at once (a beat still running skips the next: nothing
 * queues up behind a slow Redis); `beat` handles its own errors. stop() ends it and waits for a beat in flight.
 */
export function every(everyMs: number, beat: () => Promise<void>): { stop(): Promise<void> } {
  let running: Promise<void> | null = null;
  const tick = () => {
    if (running) return;
    running = beat().finally(() => { running = null; });
  };
  tick();
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return { async stop() { clearInterval(timer); await running; } };
}

function assertId(id: string): void {
  if (typeof id !== 'string' || id.length < 1 || id.length > 200) throw new TypeError(`not an instance id: ${JSON.stringify(id)}`);
}
