// What calling Redis costs Node at the least: an empty Redis function (FCALL with a funds script's keys and
// arguments, answering a funds script's reply) through ioredis with auto-pipelining and through the funds
// engine's ScriptPipe, at 16, 64 and 256 calls in flight, with Node's and Redis' CPU per call.
//   node --import tsx bench/client-floor.ts
import type { Redis } from 'ioredis';
import { createFundsRedis } from '../rating/funds/redis-client';
import { ScriptPipe } from '../rating/funds/script-pipe';
import { alternate, environment, measure, REDIS_URL, table, writeResults, type Measured } from './funds-setup';

const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 2_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LIBRARY = `solde_client_floor_${process.pid}`;
const FN = `${LIBRARY}_empty`;
const KEYS = ['floor{acct:x}:s', 'floor{acct:x}:x', 'floor{acct:x}:q'];

const redis: Redis = createFundsRedis(REDIS_URL);
await new Promise((resolve) => redis.once('ready', resolve));
const url = new URL(REDIS_URL);
const pipe = new ScriptPipe({ host: url.hostname, port: Number(url.port || 6379), db: Number(url.pathname.slice(1) || 0), commandTimeoutMs: 2_000 });
let n = 0;

try {
  await redis.call('FUNCTION', 'LOAD', 'REPLACE', `#!lua name=${LIBRARY}\nredis.register_function('${FN}', function(KEYS, ARGV) return {'ok', 1, 2, '', 0} end)`);
  const scenarios: Array<() => Promise<Measured>> = [];
  for (const inFlight of [16, 64, 256]) {
    scenarios.push(() => measure(`ioredis FCALL of an empty function, ${inFlight} in flight`, inFlight, TIME_MS,
      () => redis.fcall(FN, 3, ...KEYS, `call-${n++}`, '600000', '600000')));
    scenarios.push(() => measure(`ScriptPipe FCALL of an empty function, ${inFlight} in flight`, inFlight, TIME_MS,
      () => pipe.send(['FCALL', FN, '3', ...KEYS, `call-${n++}`, '600000', '600000'])));
  }
  const rows = await alternate(ROUNDS, scenarios);
  console.log(table(rows));
  writeResults('client-floor.ts', 'What calling Redis costs Node at the least (empty function)',
    `${environment('bench/client-floor.ts')}; median of ${ROUNDS} alternating rounds\n\n${table(rows)}\n`);
} finally {
  await redis.call('FUNCTION', 'DELETE', LIBRARY).catch(() => undefined);
  pipe.close();
  redis.disconnect();
}
