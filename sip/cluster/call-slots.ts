import type { Cluster, Redis } from 'ioredis';
import type { Logger } from '../../core/log';
import { ACCOUNT_ID } from '../../rating/funds/keys';
import { MAX_CALL_SECONDS } from '../../rating/tariffs/cost';
import type { Clock } from '../deps';
import { callSlotsUnavailable } from '../metrics';
import { slotScripts, type SlotScripts } from './slot-scripts';

// Calls in progress per account, counted cluster-wide in Redis, for the per-tenant concurrent-call limit
// (AccountInfo.maxConcurrentCalls; emergency calls and unlimited accounts never come here).
//
// Keys (every command touches one hash slot, so the same code runs on Redis Cluster):
// - `<prefix>{acct:<id>}:slots`, a ZSET callKey → safety expiry (ms since the epoch), in the funds keys'
//   slot. Its size is the account's calls in progress on all instances.
// - `<prefix>{inst:<instanceId>}:slots`, a SET of `<accountId> <callKey>`: the slots this instance took,
//   so that an adopter can free a dead instance's slots (releaseAllOf, one command per account).
// A slot nobody releases (its instance died and nobody adopted it) frees itself SLOT_EXPIRY_MS after it
// was taken: the longest call Solde computes a grant for (MAX_CALL_SECONDS, one day) plus a margin.
//
// Warm slots: waiting for Redis on an included call's setup path costs it about 0.5 ms at 100 calls/s
// (bench/sip-call-cpu.ts). So a call that ends hands its slot to its instance for WARM_HOLD_MS instead of
// freeing it (`~warm <instance>`, one per instance and account, counted like any call): the instance's
// next call of that account is admitted at once on it, and takes it over in Redis right after. The limit
// still holds exactly (a warm slot is counted); the price is that for up to WARM_HOLD_MS another instance
// may find the account full while one of its slots waits warm here. A burst from idle has no warm slot:
// every call then asks Redis.

export type SlotResult = 'ok' | 'busy' | 'unavailable';

export interface CallSlots {
  /** Takes a slot for the call if the account has fewer than `limit` (limit <= 0: 'ok' without Redis). Idempotent per callKey. */
  tryAcquire(accountId: string, limit: number, callKey: string): Promise<SlotResult>;
  /** Frees the call's slot; a second call (or a slot already expired or adopted) is a no-op. Never throws. */
  release(accountId: string, callKey: string): Promise<void>;
  /** Frees every slot a (dead) instance took; returns how many were still held. Rejects if Redis fails (idempotent: retry). */
  releaseAllOf(instanceId: string): Promise<number>;
}

export const SLOT_EXPIRY_MS = (MAX_CALL_SECONDS + 600) * 1000;
/** Every wait on Redis is bounded, whatever the client's own commandTimeout (production: 500 ms). */
export const SLOT_TIMEOUT_MS = 500;
const RELEASE_BATCH = 500;
/** Bounds releaseAllOf: 10 000 batches of 500 is far more than one instance ever holds. */
const RELEASE_MAX_ROUNDS = 10_000;
/** SOLDE_INSTANCE_ID's shape (src/config.ts): no space, no brace (it sits in a hash tag). */
const INSTANCE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const CALL_KEY = /^[\x21-\x7e]{1,300}$/;
/** How long a released slot stays warm for its instance's next call of the account. */
export const WARM_HOLD_MS = 2_000;
/** A warm slot this close to its expiry is not used (its takeover might land after it). */
const WARM_MARGIN_MS = SLOT_TIMEOUT_MS;
/** Accounts with a warm slot here: bounded (one entry per account with a call in the last WARM_HOLD_MS). */
const MAX_WARM_ACCOUNTS = 100_000;

export interface CallSlotsOptions {
  readonly redis: Redis | Cluster;
  readonly keyPrefix: string;
  /** This process (SipConfig.cluster.instanceId): the owner of the slots it takes. */
  readonly instanceId: string;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Tests only: a shorter safety expiry. */
  readonly slotExpiryMs?: number;
  /** How long a released slot stays warm for this instance (default WARM_HOLD_MS; 0: never). */
  readonly warmHoldMs?: number;
  readonly timeoutMs?: number;
}

export function accountSlotsKey(prefix: string, accountId: string): string {
  return `${prefix}{acct:${accountId}}:slots`;
}

export function instanceSlotsKey(prefix: string, instanceId: string): string {
  return `${prefix}{inst:${instanceId}}:slots`;
}

export class RedisCallSlots implements CallSlots {
  private readonly commands: SlotScripts;
  private readonly clock: Clock;
  private readonly expiryMs: number;
  private readonly timeoutMs: number;
  private readonly ownSet: string;
  private readonly warmMember: string;
  private readonly warmHoldMs: number;
  private keepingWarm = true;
  /** Account → when its warm slot here expires (ms). */
  private readonly warm = new Map<string, number>();
  /**
   * Account → when this instance's warm member was last listed in its instance set (ms). The set lives at
   * least a slot expiry after that listing, so the member is listed again only after half of one: not on
   * every call that ends.
   */
  private readonly warmListedAt = new Map<string, number>();
  /** Calls admitted on a warm slot whose takeover in Redis is still on its way: their release waits for it. */
  private readonly takeovers = new Map<string, Promise<void>>();

  constructor(private readonly options: CallSlotsOptions) {
    if (!INSTANCE_ID.test(options.instanceId)) throw new TypeError(`not an instance id: ${JSON.stringify(options.instanceId)}`);
    this.clock = options.clock ?? { now: () => Date.now() };
    this.expiryMs = options.slotExpiryMs ?? SLOT_EXPIRY_MS;
    this.timeoutMs = options.timeoutMs ?? SLOT_TIMEOUT_MS;
    if (!(this.expiryMs > 0) || !(this.timeoutMs > 0)) throw new RangeError('slotExpiryMs and timeoutMs must be positive');
    this.ownSet = instanceSlotsKey(options.keyPrefix, options.instanceId);
    this.warmMember = `~warm ${options.instanceId}`; // a space: never a call key
    this.warmHoldMs = options.warmHoldMs ?? WARM_HOLD_MS;
    if (!Number.isSafeInteger(this.warmHoldMs) || this.warmHoldMs < 0) throw new RangeError(`warmHoldMs must be >= 0, got ${this.warmHoldMs}`);
    this.commands = slotScripts(options.redis, this.timeoutMs);
  }

  async tryAcquire(accountId: string, limit: number, callKey: string): Promise<SlotResult> {
    if (!Number.isSafeInteger(limit)) throw new TypeError(`limit must be an integer, not ${limit}`);
    if (limit <= 0) return 'ok'; // no limit: no round trip (the included-call setup latency is measured)
    checkIds(accountId, callKey);
    const nowMs = this.clock.now();
    const expiresAtMs = nowMs + this.expiryMs;
    if (this.takeWarm(accountId, nowMs)) {
      // After this turn of the event loop: the B-leg INVITE goes out before Solde talks to Redis.
      this.takeovers.set(callKey, new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.takeOver(accountId, callKey, limit, nowMs)));
      return 'ok';
    }
    const member = `${accountId} ${callKey}`;
    try {
      // Sent together: one round trip. The instance record is not undone when the acquire fails, so the
      // instance set lists at least the slots the instance holds (releaseAllOf never misses one); if only
      // the record fails, the call is 'unavailable' and its slot, if taken, is released at its end.
      const [, taken] = await this.bounded(Promise.all([
        this.commands.soldeSlotRecord(this.ownSet, member, expiresAtMs),
        this.commands.soldeSlotAcquire(accountSlotsKey(this.options.keyPrefix, accountId), callKey, limit, nowMs, expiresAtMs),
      ]));
      if (taken === 1) return 'ok';
      await this.bounded(this.options.redis.srem(this.ownSet, member)).catch(() => undefined); // superset is fine
      return 'busy';
    } catch (error) {
      callSlotsUnavailable.inc({ operation: 'acquire' });
      this.options.logger.warn({ err: error, accountId, call: callKey }, 'call slots unavailable: the call goes on uncounted');
      return 'unavailable';
    }
  }

  async release(accountId: string, callKey: string): Promise<void> {
    checkIds(accountId, callKey);
    const takeover = this.takeovers.get(callKey);
    if (takeover) {
      this.takeovers.delete(callKey);
      await takeover;
    }
    if (this.keepingWarm && this.warmHoldMs > WARM_MARGIN_MS && !this.warm.has(accountId) && this.warm.size < MAX_WARM_ACCOUNTS
      && await this.keepWarm(accountId, callKey)) return;
    try {
      const [removed] = await this.bounded(Promise.all([
        this.options.redis.zrem(accountSlotsKey(this.options.keyPrefix, accountId), callKey),
        this.options.redis.srem(this.ownSet, `${accountId} ${callKey}`),
      ]));
      if (removed === 0) this.options.logger.debug({ accountId, call: callKey }, 'call slot was not held (expired, adopted or never taken)');
    } catch (error) {
      callSlotsUnavailable.inc({ operation: 'release' });
      this.options.logger.warn({ err: error, accountId, call: callKey }, 'call slot release failed: it frees itself at its expiry');
    }
  }

  async releaseAllOf(instanceId: string): Promise<number> {
    if (!INSTANCE_ID.test(instanceId)) throw new TypeError(`not an instance id: ${JSON.stringify(instanceId)}`);
    const { redis, keyPrefix } = this.options;
    const set = instanceSlotsKey(keyPrefix, instanceId);
    let released = 0;
    for (let round = 0; round < RELEASE_MAX_ROUNDS; round += 1) {
      const members = await this.bounded(redis.srandmember(set, RELEASE_BATCH));
      if (members.length === 0) return released;
      // One ZREM per account (cross-slot), then the batch leaves the set: a crash in between only
      // means the next releaseAllOf removes slots that are already gone.
      const byAccount = groupByAccount(members);
      const removed = await this.bounded(Promise.all([...byAccount].map(([accountId, calls]) =>
        redis.zrem(accountSlotsKey(keyPrefix, accountId), ...calls))));
      released += removed.reduce((sum, n) => sum + n, 0);
      await this.bounded(redis.srem(set, ...members));
    }
    throw new Error(`releaseAllOf(${instanceId}): more than ${RELEASE_MAX_ROUNDS * RELEASE_BATCH} slots`);
  }

  /** Draining: calls that end from now on free their slots, and the warm ones are freed now. */
  async stopKeepingWarm(): Promise<void> {
    this.keepingWarm = false;
    const accounts = [...this.warm.keys()];
    this.warm.clear();
    await Promise.allSettled(accounts.map((accountId) =>
      this.bounded(this.options.redis.zrem(accountSlotsKey(this.options.keyPrefix, accountId), this.warmMember))));
  }

  /** Uses this instance's warm slot of the account, if it has one that is not about to expire. */
  private takeWarm(accountId: string, nowMs: number): boolean {
    const until = this.warm.get(accountId);
    if (until === undefined) return false;
    this.warm.delete(accountId);
    return until - WARM_MARGIN_MS > nowMs;
  }

  /**
   * The warm slot becomes the call's in Redis. Lost meanwhile (Redis lost it: the margin covers any answer
   * in time), the call asks for a slot of its own; refused that, the account is one over its limit until a
   * call ends: counted and logged, the call is not cut.
   */
  private async takeOver(accountId: string, callKey: string, limit: number, nowMs: number): Promise<void> {
    const key = accountSlotsKey(this.options.keyPrefix, accountId);
    const expiresAtMs = nowMs + this.expiryMs;
    try {
      const [, taken] = await this.bounded(Promise.all([
        this.commands.soldeSlotRecord(this.ownSet, `${accountId} ${callKey}`, expiresAtMs),
        this.commands.soldeSlotClaimWarm(key, this.warmMember, callKey, expiresAtMs, nowMs),
      ]));
      if (taken === 1) return;
      if (await this.bounded(this.commands.soldeSlotAcquire(key, callKey, limit, nowMs, expiresAtMs)) === 1) return;
      callSlotsUnavailable.inc({ operation: 'warm-lost' });
      this.options.logger.warn({ accountId, call: callKey }, 'warm slot lost and the account is full: one call over the limit until a call ends');
    } catch (error) {
      callSlotsUnavailable.inc({ operation: 'acquire' });
      this.options.logger.warn({ err: error, accountId, call: callKey }, 'warm slot takeover failed (Redis): the call goes on uncounted');
    }
  }

  /** The call's slot stays warm for this instance (or is released, a warm one existing); false: Redis failed, free it normally. */
  private async keepWarm(accountId: string, callKey: string): Promise<boolean> {
    const nowMs = this.clock.now();
    const untilMs = nowMs + this.warmHoldMs;
    const listedAtMs = this.warmListedAt.get(accountId);
    const list = listedAtMs === undefined || nowMs - listedAtMs > this.expiryMs / 2;
    try {
      const [kept] = await this.bounded(Promise.all([
        this.commands.soldeSlotWarm(accountSlotsKey(this.options.keyPrefix, accountId), callKey, this.warmMember, untilMs),
        this.options.redis.srem(this.ownSet, `${accountId} ${callKey}`),
        list ? this.commands.soldeSlotRecord(this.ownSet, `${accountId} ${this.warmMember}`, untilMs + this.expiryMs) : 0,
      ]));
      if (list) this.listedWarm(accountId, nowMs);
      if (kept === 1) this.warm.set(accountId, untilMs);
      return true; // kept warm, or released (a warm one exists), or the call held none: nothing left to do
    } catch {
      return false;
    }
  }

  private listedWarm(accountId: string, nowMs: number): void {
    if (this.warmListedAt.size >= MAX_WARM_ACCOUNTS) this.warmListedAt.clear(); // bounded: listing again is harmless
    this.warmListedAt.set(accountId, nowMs);
  }

  private bounded<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`redis: no answer in ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }
}

function checkIds(accountId: string, callKey: string): void {
  if (!ACCOUNT_ID.test(accountId)) throw new TypeError(`not an account id: ${JSON.stringify(accountId)}`);
  if (!CALL_KEY.test(callKey)) throw new TypeError(`not a call key: ${JSON.stringify(callKey)}`);
}

/** `<accountId> <callKey>` members (account ids have no space) grouped by account. */
function groupByAccount(members: readonly string[]): Map<string, string[]> {
  const byAccount = new Map<string, string[]>();
  for (const member of members) {
    const space = member.indexOf(' ');
    if (space <= 0) continue; // not written by us: ignored, removed with the batch
    const accountId = member.slice(0, space);
    const calls = byAccount.get(accountId) ?? [];
    calls.push(member.slice(space + 1));
    byAccount.set(accountId, calls);
  }
  return byAccount;
}
