// Loads the Lua state machine once per client: each script is the common prelude plus its own body,
// registered with ioredis' defineCommand, which calls it by SHA (EVALSHA) and loads it on NOSCRIPT
// (a restarted Redis, or a cluster node that has not seen it yet).
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

let sources: Record<ScriptName, string> | undefined;

/** Full source of each script (prelude + body): also what redis-benchmark is given in bench/. */
export function scriptSources(): Record<ScriptName, string> {
  if (sources) return sources;
  const prelude = readFileSync(`${LUA_DIR}common.lua`, 'utf8');
  const loaded = {} as Record<ScriptName, string>;
  for (const name of SCRIPT_NAMES) loaded[name] = `${prelude}\n${readFileSync(`${LUA_DIR}${name}.lua`, 'utf8')}`;
  sources = loaded;
  return loaded;
}

export function scriptSha(name: ScriptName): string {
  return createHash('sha1').update(scriptSources()[name]).digest('hex');
}

/** Registers the scripts on a client (idempotent). */
export function withFundsScripts(redis: Redis | Cluster): FundsRedis {
  const target = redis as FundsRedis;
  if (typeof target.funds_reserve === 'function') return target;
  const all = scriptSources();
  for (const name of SCRIPT_NAMES) redis.defineCommand(`funds_${name}`, { numberOfKeys: KEY_COUNT, lua: all[name] });
  return target;
}
