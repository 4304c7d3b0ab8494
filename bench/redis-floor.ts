// What one reservation costs Redis at the least, on this machine: redis-benchmark (-P 16, the deepest
// batching) runs functions that do less and less of what a per-call hold needs, over 1,000 accounts, and
// Redis' own CPU per call is read from /proc. It bounds the whole authorization: with every paid call
// holding its money in Redis (docs/DESIGN.md: "the holds of calls in progress (amount, expiry)"), Redis cannot
// authorize more calls per second than one core divided by the cheapest of these. Every function starts on
// freshly seeded accounts (the hashes grow as calls are added) and runs in alternating rounds (median).
//   node --import tsx bench/redis-floor.ts
import { createFundsRedis } from '../rating/funds/redis-client';
import { fundsLibrary, loadFundsLibrary } from '../rating/funds/scripts';
import { deleteByPrefix } from '../test/support/redis';
import { environment, REDIS_URL, runRedisBenchmark, writeResults } from './funds-setup';

const ACCOUNTS = 1_000;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PREFIX = `solde-bench-floor:${process.pid}:`;
const PROBE_LIBRARY = `solde_floor_probe_${process.pid}`;
// A value longer than hash-max-listpack-value, as Solde's sync writes: the hash stays a hash table.
const ENC = 'x'.repeat(80);

// Each function answers what Solde's scripts answer (5 elements), so the reply costs the same.
const PROBES = `#!lua name=${PROBE_LIBRARY}
redis.register_function('${PROBE_LIBRARY}_empty', function(KEYS, ARGV) return {'ok', 1, 2, '', 0} end)
redis.register_function('${PROBE_LIBRARY}_hold', function(KEYS, ARGV)
  local v = redis.call('HMGET', KEYS[1], 'st', 'c:' .. ARGV[1])
  if v[2] then return {'ok', 1, 2, '', 0} end
  redis.call('HSET', KEYS[1], 'st', '1:2:3', 'c:' .. ARGV[1], 'live:0:0:ok:100')
  return {'ok', 1, 2, '', 0}
end)
redis.register_function('${PROBE_LIBRARY}_hold_bucket', function(KEYS, ARGV)
  local t = redis.call('TIME')
  local bucket = math.ceil((t[1] * 1000 + 600000) / 5000)
  local v = redis.call('HMGET', KEYS[1], 'st', 'c:' .. ARGV[1], 'e:' .. bucket)
  if v[2] then return {'ok', 1, 2, '', 0} end
  if not v[3] then redis.call('ZADD', KEYS[2], bucket * 5000, 'b:' .. bucket) end
  redis.call('HSET', KEYS[1], 'st', '1:2:3', 'c:' .. ARGV[1], 'live:0:0:ok:100', 'e:' .. bucket, '100:1')
  return {'ok', 1, 2, '', 0}
end)
redis.register_function('${PROBE_LIBRARY}_hold_expiry', function(KEYS, ARGV)
  local v = redis.call('HMGET', KEYS[1], 'st', 'c:' .. ARGV[1])
  if v[2] then return {'ok', 1, 2, '', 0} end
  local t = redis.call('TIME')
  redis.call('ZADD', KEYS[2], t[1] + 600, ARGV[1])
  redis.call('HSET', KEYS[1], 'st', '1:2:3', 'c:' .. ARGV[1], 'live:0:0:ok:100')
  return {'ok', 1, 2, '', 0}
end)
`;

interface Floor { readonly name: string; readonly opsPerSecond: number; readonly redisUs: number }

/** redis-benchmark of one FCALL over the 1,000 accounts; each __rand_int__ is drawn on its own. */
async function benchmark(name: string, fn: string, keys: readonly string[], args: readonly string[]): Promise<Floor> {
  const r = await runRedisBenchmark(['-c', '50', '-P', '16', '-r', String(ACCOUNTS)], REQUESTS, ['FCALL', fn, String(keys.length), ...keys, ...args]);
  console.error(`${name}: ${r.opsPerSecond}/s, Redis ${r.cpu.redisUs.toFixed(1)} us per call`);
  return { name, opsPerSecond: r.opsPerSecond, redisUs: r.cpu.redisUs };
}

/** 1,000 accounts as sync leaves them (a hash table, not a listpack), nothing else under the prefix. */
async function seedAccounts(): Promise<void> {
  await deleteByPrefix(redis, PREFIX);
  const seed = redis.pipeline();
  for (let i = 0; i < ACCOUNTS; i += 1) {
    seed.hset(`${PREFIX}${String(i).padStart(12, '0')}:s`, 'bal', '100000000000000', 'seq', '1', 'cur', 'EUR', 'st', '1:2:3', 'enc', ENC);
  }
  await seed.exec();
}

const redis = createFundsRedis(REDIS_URL);
await new Promise((resolve) => redis.once('ready', resolve)); // no offline queue: wait for the connection
try {
  await redis.call('FUNCTION', 'LOAD', 'REPLACE', PROBES);
  await loadFundsLibrary(redis);
  const s = `${PREFIX}__rand_int__:s`;
  const x = `${PREFIX}__rand_int__:x`;
  const q = `${PREFIX}__rand_int__:q`;
  const call = 'c-__rand_int__-__rand_int__';
  const functions: Array<[string, string, string[], string[]]> = [
    ['empty function (FCALL and reply only)', `${PROBE_LIBRARY}_empty`, [s], [call]],
    ['per-call hold, no expiry: HMGET 2 fields + HSET 2 fields', `${PROBE_LIBRARY}_hold`, [s], [call]],
    ['per-call hold, expiry by 5 s buckets: + TIME, 3 fields each, ZADD once per bucket', `${PROBE_LIBRARY}_hold_bucket`, [s, x], [call]],
    ['per-call hold, expiry per call: + TIME + ZADD', `${PROBE_LIBRARY}_hold_expiry`, [s, x], [call]],
    ["Solde's reserve", fundsLibrary().functions.reserve, [s, x, q], [call, '1', '600000']],
  ];
  const runs: Floor[][] = functions.map(() => []);
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [i, [name, fn, keys, args]] of functions.entries()) {
      await seedAccounts();
      runs[i]!.push(await benchmark(name, fn, keys, args));
    }
    console.error(`round ${round + 1}/${ROUNDS} done`);
  }
  const rows = runs.map((r) => [...r].sort((a, b) => a.redisUs - b.redisUs)[Math.floor(r.length / 2)]!);
  const lines = ['| function | ops/s | Redis CPU µs/call | at most, one Redis core |', '|---|---:|---:|---:|'];
  for (const r of rows) lines.push(`| ${r.name} | ${r.opsPerSecond.toLocaleString('en')} | ${r.redisUs.toFixed(1)} | ${Math.round(1_000_000 / r.redisUs).toLocaleString('en')}/s |`);
  console.log(lines.join('\n'));
  writeResults('redis-floor.ts', 'What a reservation costs Redis at the least',
    `${environment('bench/redis-floor.ts')}; redis-benchmark -c 50 -P 16 -n ${REQUESTS} over ${ACCOUNTS} accounts (each key and call id drawn at random), freshly seeded for every run; median of ${ROUNDS} alternating rounds\n\n${lines.join('\n')}\n\n`
    + 'Redis CPU is the redis-server process\'s own time (/proc), network included. 40,000 authorizations/s need at most 25 µs of Redis CPU per reservation with Redis 100% busy; with p99 under 2 ms it must stay well under that.\n');
} finally {
  await redis.call('FUNCTION', 'DELETE', PROBE_LIBRARY).catch(() => undefined);
  await deleteByPrefix(redis, PREFIX);
  redis.disconnect();
}
