// The Redis side of the funds engine: one typed method per Lua script. Expected outcomes come back as
// statuses; Redis being unreachable is the status 'unavailable' (counted), never an exception. A script
// error is a bug and is thrown.
import type { Redis, Cluster } from 'ioredis';
import type { FundsStatus } from '../contracts';
import type { Micros } from '../money';
import { dependencyErrors } from '../../core/metrics';
import { KeyBuilder } from './keys';
import { fundsLibrary, withFundsLibrary, withFundsScripts, type FundsRedis, type ScriptName, type ScriptReply } from './scripts';
import { FUNDS_COMMAND_TIMEOUT_MS } from './redis-client';
import { leanPipeFor, type ScriptPipe } from './script-pipe';

export interface StoreResult {
  readonly status: FundsStatus;
  readonly availableMicros: Micros;
  /** The call's hold after the operation. */
  readonly holdMicros: Micros;
  /** Set when this operation crossed the auto-recharge threshold first: the ledger seq of the crossing. */
  readonly crossing: string | null;
  /** Amount moved into the debit queue (update/settle), debits posted (posted), holds purged (purge). */
  readonly delta: bigint;
  /** Redis has no state for the account (never synced, or flushed): rebuild it from Postgres. */
  readonly missing?: boolean;
}

const STATUSES: ReadonlySet<string> = new Set(['ok', 'insufficient', 'exists', 'expired', 'not_found', 'stale', 'invalid', 'no_state']);
const STATE_FIELDS = ['bal', 'seq', 'pend', 'held', 'live', 'nexp', 'cur', 'rthr', 'rpend'] as const;
const UNAVAILABLE: StoreResult = { status: 'unavailable', availableMicros: 0n, holdMicros: 0n, crossing: null, delta: 0n };

export interface SyncArgs {
  readonly balanceMicros: Micros;
  readonly ledgerSeq: bigint;
  readonly currency: string;
  /** Auto-recharge threshold to install (0n = off); undefined leaves it. */
  readonly thresholdMicros?: Micros;
  readonly clearRecharge?: boolean;
  /** False: do not look for an auto-recharge crossing (the caller still holds money it is about to free). */
  readonly lookForCrossing?: boolean;
}

export class FundsStore {
  readonly keys: KeyBuilder;
  private readonly redis: FundsRedis;
  /** The connections the scripts alternate over: ScriptPipes (see `pipeLanes`) or ioredis (`ioredisLanes`). */
  private readonly lanes: readonly Lane[];
  private next = 0;

  constructor(redis: Redis | Cluster, prefix: string) {
    this.redis = withFundsScripts(redis);
    this.lanes = pipeLanes(this.redis) ?? ioredisLanes(redis);
    this.keys = new KeyBuilder(prefix);
  }

  get client(): Redis | Cluster {
    return this.redis;
  }

  reserve(accountId: string, callId: string, amountMicros: Micros, validityMs: number): Promise<StoreResult> {
    return this.run('reserve', accountId, [callId, String(amountMicros), String(validityMs)]);
  }

  update(accountId: string, a: { callId: string; seq: number; usedTotalMicros: Micros; nextMicros: Micros; validityMs: number; key: string; payload: string }): Promise<StoreResult> {
    return this.run('update', accountId, [a.callId, String(a.seq), String(a.usedTotalMicros), String(a.nextMicros), String(a.validityMs), a.key, a.payload]);
  }

  settle(accountId: string, a: { callId: string; finalMicros: Micros; key: string; payload: string }): Promise<StoreResult> {
    return this.run('settle', accountId, [a.callId, String(a.finalMicros), a.key, a.payload]);
  }

  release(accountId: string, callId: string): Promise<StoreResult> {
    return this.run('release', accountId, [callId]);
  }

  sync(accountId: string, a: SyncArgs): Promise<StoreResult> {
    const threshold = a.thresholdMicros === undefined ? '' : String(a.thresholdMicros);
    return this.run('sync', accountId, [String(a.balanceMicros), String(a.ledgerSeq), a.currency, threshold, a.clearRecharge ? '1' : '0', a.lookForCrossing === false ? '0' : '1']);
  }

  posted(accountId: string, balanceMicros: Micros, ledgerSeq: bigint, keys: readonly string[]): Promise<StoreResult> {
    return this.run('posted', accountId, [String(balanceMicros), String(ledgerSeq), ...keys]);
  }

  purge(accountId: string): Promise<StoreResult> {
    return this.run('purge', accountId, []);
  }

  /** The account's state fields (not its calls) and queue, for balance display, reconcile and the drainer. */
  async inspect(accountId: string): Promise<{ state: Record<string, string>; queue: Record<string, string> } | undefined> {
    const [s, , q] = this.keys.forAccount(accountId).all;
    try {
      const [values, queue] = await Promise.all([this.redis.hmget(s, ...STATE_FIELDS), this.redis.hgetall(q)]);
      const state: Record<string, string> = {};
      STATE_FIELDS.forEach((field, i) => {
        if (values[i] !== null && values[i] !== undefined) state[field] = values[i]!;
      });
      return { state, queue };
    } catch (error) {
      if (!isConnectionError(error)) throw error;
      dependencyErrors.inc({ dependency: 'redis' });
      return undefined;
    }
  }

  /** Forgets everything Redis holds for an account (tests, and reconcile repairing a corrupt state). */
  async forget(accountId: string): Promise<void> {
    const keys = this.keys.forAccount(accountId).all;
    await this.redis.del(...keys);
  }

  private async run(name: ScriptName, accountId: string, args: string[]): Promise<StoreResult> {
    const keys = this.keys.forAccount(accountId).all;
    let reply: ScriptReply;
    try {
      const lane = this.lanes[this.next]!;
      this.next = (this.next + 1) % this.lanes.length;
      reply = await lane(name, keys, args);
    } catch (error) {
      if (!isConnectionError(error)) throw error;
      dependencyErrors.inc({ dependency: 'redis' });
      return UNAVAILABLE;
    }
    const [status, available, hold, crossing, delta] = reply;
    if (!STATUSES.has(status)) throw new Error(`funds_${name} answered an unknown status ${JSON.stringify(status)}`);
    if (status === 'no_state') return { ...UNAVAILABLE, status: 'not_found', missing: true };
    return {
      status: status as FundsStatus,
      availableMicros: BigInt(available),
      holdMicros: BigInt(hold),
      crossing: crossing === '' ? null : crossing,
      delta: BigInt(delta),
    };
  }

}

/** Runs one funds script on one connection. */
type Lane = (name: ScriptName, keys: readonly string[], args: readonly string[]) => Promise<ScriptReply>;

/**
 * A plain standalone Redis (no TLS, no sentinel) gets two ScriptPipes for the scripts: ioredis costs 21-34 µs
 * of Node CPU per FCALL, a ScriptPipe 8-14 (bench/client-floor.ts). Two, for the reason given at
 * `ioredisLanes`. They close when the ioredis client ends, so 'Redis unreachable' and shutdown mean what
 * they meant. Undefined for any other client.
 */
function pipeLanes(redis: Redis | Cluster): Lane[] | undefined {
  const made = [0, 1].map(() => leanPipeFor(redis, FUNDS_COMMAND_TIMEOUT_MS));
  if (made.some((pipe) => pipe === undefined)) return undefined;
  return (made as ScriptPipe[]).map((pipe) => (name, keys, args) => withFundsLibrary(redis, async () =>
    (await pipe.send(['FCALL', fundsLibrary().functions[name], String(keys.length), ...keys, ...args])) as ScriptReply));
}

/**
 * One connection makes Node and Redis take turns: auto-pipelining sends the batch of a tick, Redis runs it
 * while Node waits, then Node handles every reply while Redis waits (measured: both ~55% busy, 14k
 * authorizations/s). A second connection lets one batch run in Redis while Node handles the other's
 * replies (11k -> 16.5k/s with 30 us of Node work per call). The duplicate follows the client's fate:
 * closed when it ends, so 'Redis unreachable' and shutdown mean the same as before. A cluster client
 * already holds one connection per node.
 */
function ioredisLanes(redis: Redis | Cluster): Lane[] {
  const clients: Array<Redis | Cluster> = [redis];
  if (!redis.isCluster) {
    const second = (redis as Redis).duplicate();
    second.on('error', () => undefined); // its errors reach the caller as rejected commands
    redis.once('end', () => second.disconnect());
    clients.push(second);
  }
  return clients.map(withFundsScripts).map((client) => (name, keys, args) => client[`funds_${name}`](...keys, ...args));
}

/** A Lua error is a bug (thrown); anything else from the client means Redis could not be reached in time. */
function isConnectionError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return !/user_script|user_function|Error running script|ERR .*script|Function not found|Error registering/i.test(message);
}
