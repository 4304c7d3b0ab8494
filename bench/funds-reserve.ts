// Reserve alone through the funds service (one Node process, 64 and 256 requests in flight, auto-pipelining),
// next to redis-benchmark's FCALL of the same reserve function (-c 50 -P 1: the limit) and plain ioredis
// FCALL with 64 in flight, alternating in the same run (median of 3 rounds).
//   node --import tsx bench/funds-reserve.ts
import { randomUUID } from 'node:crypto';
import { alternate, environment, measure, redisBenchmark, setUpFunds, table, writeResults } from './funds-setup';
import { withFundsScripts } from '../rating/funds/scripts';

const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 2_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const IN_FLIGHT = 64;
const DEEP = 256;
const b = await setUpFunds(3, 10n ** 14n);
const [svcAccount, rawAccount, rbAccount] = b.accounts as [string, string, string];
const runId = randomUUID().slice(0, 8);
const lua = withFundsScripts(b.redis);
const rawKeys = b.funds.ctx.store.keys.forAccount(rawAccount).all;
let n = 0;

try {
  const [limit, raw, service, deep] = await alternate(ROUNDS, [
    () => redisBenchmark(b.redis, 'reserve', b.funds.ctx.store.keys.forAccount(rbAccount).all, ['rb-__rand_int__', '1', '600000'], 50, 100_000),
    () => measure(`plain ioredis FCALL reserve, ${IN_FLIGHT} in flight`, IN_FLIGHT, TIME_MS, () =>
      lua.funds_reserve(...rawKeys, `raw-${runId}-${n++}`, '1', '600000')),
    () => measure(`funds.reserve, ${IN_FLIGHT} in flight`, IN_FLIGHT, TIME_MS, () =>
      b.funds.reserve({ accountId: svcAccount, callId: `${runId}-${n++}`, amountMicros: 1n, validitySeconds: 600 })),
    () => measure(`funds.reserve, ${DEEP} in flight`, DEEP, TIME_MS, () =>
      b.funds.reserve({ accountId: svcAccount, callId: `${runId}-${n++}`, amountMicros: 1n, validitySeconds: 600 })),
  ]);
  const rows = [limit!, { ...raw!, note: `${(raw!.opsPerSecond / limit!.opsPerSecond).toFixed(2)}x redis-benchmark` },
    { ...service!, note: `${(service!.opsPerSecond / limit!.opsPerSecond).toFixed(2)}x redis-benchmark (goal >= 1)` },
    { ...deep!, note: `${(deep!.opsPerSecond / limit!.opsPerSecond).toFixed(2)}x redis-benchmark: deeper auto-pipelining` }];
  console.log(table(rows));
  writeResults('funds-reserve.ts', 'Reserve alone', `${environment('bench/funds-reserve.ts')}; median of ${ROUNDS} alternating rounds\n\n${table(rows)}\n`);
} finally {
  await b.close();
}
