// The transaction history at 1.2 M ledger rows (1,000 tenants x 1,200 call debits, interleaved in id
// order as when tenants call at the same time): the query of rating/funds/ledger.ts ledgerPage alone
// (first page of a random tenant, and a page deep behind a cursor), the whole GET
// /api/v1/accounts/:id/transactions in process (key check, account, page, reversals, call summaries),
// then the first-page query again with the (account_id, id) index dropped: the figure before migration 050.
// One request at a time (tinybench), so the latency is Postgres' and Node's, not a queue's. Goal: p99 < 10 ms.
//   node --import tsx bench/ledger-history.ts
import { cpus, loadavg } from 'node:os';
import { Bench } from 'tinybench';
import { LEDGER_PAGE_SQL, ledgerPage } from '../rating/funds/ledger';
import { createHarness } from '../test/http-harness';
import { seedLedger, seededAccountId } from '../test/support/ledger-rows';
import { writeResultBlock } from './readme-writer';

const ACCOUNTS = 1_000;
const ENTRIES_PER_ACCOUNT = 1_200;
const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 3_000);
const PAGE = 20;
const EXPLAINED_TENANTS = 200;

/** Postgres' own execution time of the first-page query (EXPLAIN ANALYZE), p50 and p99 over tenants. */
async function executionMs(pool: typeof h.db.pool): Promise<string> {
  const times: number[] = [];
  for (let n = 1; n <= EXPLAINED_TENANTS; n += 1) {
    const { rows } = await pool.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${LEDGER_PAGE_SQL}`, [seededAccountId((n * 7) % ACCOUNTS + 1), null, PAGE + 1]);
    times.push((rows[0]['QUERY PLAN'] as [{ 'Execution Time': number }])[0]['Execution Time']);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(3);
  return `p50 ${at(0.5)} ms, p99 ${at(0.99)} ms`;
}

const h = await createHarness({ logLevel: 'silent', maxFailures: 1_000_000 });
try {
  console.log(`seeding ${ACCOUNTS * ENTRIES_PER_ACCOUNT} ledger rows (${ACCOUNTS} accounts)...`);
  const seedStarted = performance.now();
  const rows = await seedLedger(h.db.pool, { accounts: ACCOUNTS, entriesPerAccount: ENTRIES_PER_ACCOUNT });
  console.log(`seeded ${rows} rows in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);
  const support = await h.headersFor('support');
  // Deterministic tenant sequence (no Math.random): every run asks for the same accounts.
  let next = 0;
  const tenant = () => seededAccountId((next = (next * 7919 + 17) % ACCOUNTS) + 1);
  const deepCursor = async (accountId: string) => {
    const page = await ledgerPage(h.db.pool, accountId, { limit: 500 });
    return (await ledgerPage(h.db.pool, accountId, { limit: 100, before: page.nextCursor! })).nextCursor!;
  };
  const cursors = new Map<string, string>();
  for (let n = 1; n <= ACCOUNTS; n += 50) cursors.set(seededAccountId(n), await deepCursor(seededAccountId(n)));
  const deepAccounts = [...cursors.keys()];

  const bench = new Bench({ time: TIME_MS, warmupTime: 500 });
  bench.add(`ledger page query, first ${PAGE} of a random tenant`, async () => {
    const page = await ledgerPage(h.db.pool, tenant(), { limit: PAGE });
    if (page.entries.length !== PAGE) throw new Error('short page');
  });
  bench.add(`ledger page query, ${PAGE} behind a cursor 600 entries deep`, async () => {
    const accountId = deepAccounts[(next = (next + 1) % deepAccounts.length)]!;
    await ledgerPage(h.db.pool, accountId, { limit: PAGE, before: cursors.get(accountId)! });
  });
  bench.add(`GET /api/v1/accounts/:id/transactions?limit=${PAGE} (in process, whole route)`, async () => {
    const response = await h.app.inject({ method: 'GET', url: `/api/v1/accounts/${tenant()}/transactions?limit=${PAGE}`, headers: support });
    if (response.statusCode !== 200) throw new Error(`transactions answered ${response.statusCode}`);
  });
  console.log(`measuring ${bench.tasks.length} tasks, ${TIME_MS} ms each...`);
  await bench.run();
  const withIndex = await executionMs(h.db.pool);

  console.log('dropping the (account_id, id) index to measure the query as it was before migration 050...');
  await h.db.pool.query('DROP INDEX ledger_entries_account_id');
  await h.db.pool.query('ANALYZE ledger_entries');
  const before = new Bench({ time: TIME_MS, warmupTime: 200, iterations: 10 });
  before.add(`ledger page query, first ${PAGE} of a random tenant, WITHOUT the index (before)`, async () => {
    await ledgerPage(h.db.pool, tenant(), { limit: PAGE });
  });
  await before.run();
  const withoutIndex = await executionMs(h.db.pool);

  const lines = [...bench.tasks, ...before.tasks].map((task) => {
    const result = task.result;
    if (result?.state !== 'completed') throw new Error(`${task.name} did not complete (${result?.state})`);
    const { latency } = result;
    return `| ${task.name} | ${Math.round(result.throughput.mean)} | ${latency.p50!.toFixed(2)} | ${latency.p99!.toFixed(2)} | `
      + `${latency.max.toFixed(2)} | ${latency.samplesCount} |`;
  });
  const table = `| scenario | ops/s | p50 ms | p99 ms | max ms | samples |\n|---|---:|---:|---:|---:|---:|\n${lines.join('\n')}\n\n`
    + `Postgres' own execution time of the first-page query (EXPLAIN ANALYZE, ${EXPLAINED_TENANTS} tenants): with the index `
    + `${withIndex}; without it ${withoutIndex}. The gap to the client-side figures is the round trip, pg's parsing and, on a `
    + 'shared machine, waiting for a core.\n';
  console.log(table);
  const environment = `Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model.trim()}), ${new Date().toISOString().slice(0, 10)}, `
    + `load average ${loadavg()[0]!.toFixed(1)}; ${rows.toLocaleString('en')} ledger rows; \`node --import tsx bench/ledger-history.ts\``;
  writeResultBlock('## Ledger history', 'The transaction history query at scale (issue 16): goal p99 under 10 ms with 1 M+ ledger rows.',
    'ledger-history.ts', `History page at ${(rows / 1e6).toFixed(1)} M ledger rows`, `${environment}\n\n${table}`);
} finally {
  await h.close();
}
