// Reserve + settle of one call through the funds service, from one Node process (256 in flight, random
// accounts among 100), including the time to write every debit to the Postgres ledger; next to
// redis-benchmark's FCALL of the same reserve function (the limit) and to the same two operations done
// the naive way, with Postgres row locks (SELECT ... FOR UPDATE), in the same run.
//   node --import tsx bench/funds-reserve-settle.ts
import { randomUUID } from 'node:crypto';
import type { PoolClient } from '../rating/db/pool';
import { inTransaction } from '../rating/db/pool';
import type { Measured } from './funds-setup';
import { alternate, environment, measure, redisBenchmark, setUpFunds, table, writeResults } from './funds-setup';

const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 2_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const IN_FLIGHT = 256;
const ACCOUNTS = 100;
// One more account than the calls use: redis-benchmark's reservations (never settled) go there.
const b = await setUpFunds(ACCOUNTS + 1, 10n ** 13n);
const runId = randomUUID().slice(0, 8);
let n = 0;
const random = (k: number): number => Math.floor(Math.random() * k);

async function viaService(): Promise<void> {
  const accountId = b.accounts[random(ACCOUNTS)]!;
  const callId = `${runId}-${n++}`;
  const hold = await b.funds.reserve({ accountId, callId, amountMicros: 600_000n, validitySeconds: 600 });
  if (hold.status !== 'ok') throw new Error(`reserve: ${hold.status}`);
  const settled = await b.funds.settle({ accountId, callId, finalMicros: 1n + BigInt(random(600_000)), details: { destination: 'bench' } });
  if (settled.status !== 'ok') throw new Error(`settle: ${settled.status}`);
}

// The naive engine: balance and holds in Postgres rows, each operation a transaction holding the account's
// row lock.
await b.db.pool.query(`CREATE TABLE naive_accounts (id text PRIMARY KEY, balance bigint NOT NULL, held bigint NOT NULL);
  CREATE TABLE naive_holds (call_id text PRIMARY KEY, account_id text NOT NULL, amount bigint NOT NULL);
  CREATE TABLE naive_ledger (key text PRIMARY KEY, account_id text NOT NULL, amount bigint NOT NULL)`);
await b.db.pool.query(`INSERT INTO naive_accounts SELECT id, 10000000000000, 0 FROM unnest($1::text[]) AS id`, [b.accounts.slice(0, ACCOUNTS)]);

async function lockRow(c: PoolClient, accountId: string): Promise<{ balance: bigint; held: bigint }> {
  const { rows } = await c.query<{ balance: string; held: string }>('SELECT balance, held FROM naive_accounts WHERE id = $1 FOR UPDATE', [accountId]);
  return { balance: BigInt(rows[0]!.balance), held: BigInt(rows[0]!.held) };
}

async function viaRowLocks(): Promise<void> {
  const accountId = b.accounts[random(ACCOUNTS)]!;
  const callId = `${runId}-${n++}`;
  const amount = 600_000n;
  await inTransaction(b.db.pool, async (c) => {
    const row = await lockRow(c, accountId);
    if (row.balance - row.held < amount) throw new Error('insufficient');
    await c.query('INSERT INTO naive_holds VALUES ($1, $2, $3)', [callId, accountId, String(amount)]);
    await c.query('UPDATE naive_accounts SET held = held + $2 WHERE id = $1', [accountId, String(amount)]);
  });
  const final = String(1 + random(600_000));
  await inTransaction(b.db.pool, async (c) => {
    await lockRow(c, accountId);
    await c.query('DELETE FROM naive_holds WHERE call_id = $1', [callId]);
    await c.query('INSERT INTO naive_ledger VALUES ($1, $2, $3)', [`call:${callId}:final`, accountId, `-${final}`]);
    await c.query('UPDATE naive_accounts SET held = held - $2, balance = balance - $3 WHERE id = $1', [accountId, String(amount), final]);
  });
}

try {
  const [limit, service, naive] = (await alternate(ROUNDS, [
    () => redisBenchmark(b.redis, 'reserve', b.funds.ctx.store.keys.forAccount(b.accounts[ACCOUNTS]!).all, ['rb-__rand_int__', '1', '600000'], 50, 100_000),
    () => measure(`funds reserve+settle, ${IN_FLIGHT} in flight, ${ACCOUNTS} accounts, ledger written`, IN_FLIGHT, TIME_MS, viaService, () => b.funds.flush()),
    async () => {
      const m = await measure(`Postgres row locks reserve+settle, ${IN_FLIGHT} in flight, pool of 20`, IN_FLIGHT, TIME_MS, viaRowLocks);
      // Not timed: lets Postgres finish the row-lock run's after-work so it does not weigh on the next round.
      await b.db.pool.query('VACUUM naive_accounts, naive_holds, naive_ledger');
      await b.db.pool.query('CHECKPOINT');
      return m;
    },
  ])) as [Measured, Measured, Measured];
  const rows = [
    limit,
    { ...service, note: `${(service.opsPerSecond / limit.opsPerSecond).toFixed(2)}x redis-benchmark reserve; ${(service.opsPerSecond / naive.opsPerSecond).toFixed(1)}x row locks (goal >= 10)` },
    naive,
  ];
  const written = await b.db.pool.query<{ n: string }>("SELECT count(*)::text AS n FROM ledger_entries WHERE kind = 'call_debit'");
  console.log(table(rows));
  console.log(`call debits in the ledger: ${written.rows[0]!.n}`);
  writeResults('funds-reserve-settle.ts', 'Reserve + settle (ledger written) vs Postgres row locks',
    `${environment('bench/funds-reserve-settle.ts')}; median of ${ROUNDS} alternating rounds\n\n${table(rows)}\n\nOne sample = one reserve and one settle of the same call. The funds row counts the time to write every call debit to the Postgres ledger (write-behind, group commit) inside its wall time.\n`);
} finally {
  await b.close();
}
