// Loads the Lua state machine as one Redis function library (FUNCTION LOAD, called by FCALL): the prelude
// common.lua runs once at load, so its helpers are not re-created on every call as they were when each
// script was EVALSHA'd as prelude + body (measured: ~35% of Redis' time per reserve). The library and its
// functions are named after a hash of their source, so processes running different versions share a Redis
// without replacing each other's. A Redis that lacks it (restarted, flushed, a new cluster node) answers
// "Function not found": the client loads it (on every master of a cluster) and calls again, once.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import type { Redis, Cluster } from 'ioredis';

export const SCRIPT_NAMES = ['reserve', 'update', 'settle', 'release', 'sync', 'posted', 'purge'] as const;
export type ScriptName = (typeof SCRIPT_NAMES)[number];

const LUA_DIR = fileURLToPath(new URL('./lua/', import.meta.url));
const KEY_COUNT = 3;

/** [status, available, call hold, recharge crossing ('' = none), delta or count] */
export type ScriptReply = [string, number, number, string, number];

type ScriptFn = (...args: string[]) => Promise<ScriptReply>;
export type FundsRedis = (Redis | Cluster) & { [K in `funds_${ScriptName}`]: ScriptFn };

export interface FundsLibrary {
  readonly name: string;
  /** FUNCTION LOAD source: prelude, then one registered function per script. */
  readonly code: string;
  /** FCALL name of each script. */
  readonly functions: Readonly<Record<ScriptName, string>>;
}

let library: FundsLibrary | undefined;

export function fundsLibrary(): FundsLibrary {
  if (library) return library;
  const prelude = readFileSync(`${LUA_DIR}common.lua`, 'utf8');
  const bodies = SCRIPT_NAMES.map((name) => [name, readFileSync(`${LUA_DIR}${name}.lua`, 'utf8')] as const);
  const hash = createHash('sha1').update(prelude);
  for (const [, body] of bodies) hash.update(body);
  const version = hash.digest('hex').slice(0, 12);
  const name = `solde_funds_${version}`;
  const functions = {} as Record<ScriptName, string>;
  const parts = [`#!lua name=${name}`, prelude];
  for (const [script, body] of bodies) {
    functions[script] = `solde_funds_${script}_${version}`;
    parts.push(`redis.register_function('${functions[script]}', function(KEYS, ARGV)\nS, X, Q = KEYS[1], KEYS[2], KEYS[3]\n${body}\nend)`);
  }
  library = { name, code: parts.join('\n'), functions };
  return library;
}

const loading = new WeakMap<object, Promise<void>>();

/** Loads the library on the client's Redis (every master of a cluster); concurrent callers share one load. */
export function loadFundsLibrary(redis: Redis | Cluster): Promise<void> {
  const pending = loading.get(redis);
  if (pending) return pending;
  const nodes: Array<Redis | Cluster> = redis.isCluster ? (redis as Cluster).nodes('master') : [redis];
  const load = Promise.all(nodes.map((node) => node.call('FUNCTION', 'LOAD', 'REPLACE', fundsLibrary().code)))
    .then(() => undefined)
    .finally(() => loading.delete(redis));
  loading.set(redis, load);
  return load;
}

/**
 * Runs one script call; a Redis that lacks the library (restarted, flushed, a new cluster node) answers
 * "Function not found": the library is loaded and the call made once more. Whatever connection `call` uses,
 * `redis` is the client that loads.
 */
export async function withFundsLibrary<T>(redis: Redis | Cluster, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!/Function not found/i.test(error instanceof Error ? error.message : String(error))) throw error;
  }
  await loadFundsLibrary(redis);
  return call();
}

function callFunction(redis: Redis | Cluster, name: ScriptName, args: string[]): Promise<ScriptReply> {
  const fn = fundsLibrary().functions[name];
  return withFundsLibrary(redis, async () => (await redis.fcall(fn, KEY_COUNT, ...args)) as ScriptReply);
}

/** Gives a client one method per script, `funds_<name>(...keys, ...args)` (idempotent). */
export function withFundsScripts(redis: Redis | Cluster): FundsRedis {
  const target = redis as FundsRedis;
  if (typeof target.funds_reserve === 'function') return target;
  for (const name of SCRIPT_NAMES) {
    Object.defineProperty(target, `funds_${name}`, { value: (...args: string[]) => callFunction(redis, name, args), enumerable: false });
  }
  return target;
}
