// Scale-out: the included-call rate one Solde carries within a p99 setup-latency budget, against two Solde
// instances side by side. Each Solde runs in a worker thread of its own (its own event loop and V8 heap,
// as a process of its own would have) behind its own drachtio emulator; the load generator deals calls
// to them in turn. Everything (load, both emulators, Redis, Postgres) shares the machine's 2 cores.
//   node --import tsx bench/sip-scale-out.ts   (BENCH_P99_MS=20, BENCH_SECONDS=5, BENCH_RATES=300,500,700,900,1100,1300 per instance)
import { includedCalls, type OneCall } from './sip-calls';
import { environment, openLoop, percentile, startSplitBed, writeResults, type SplitBed } from './sip-setup';

const FILE = 'sip-scale-out.ts';
const budgetMs = Number(process.env.BENCH_P99_MS ?? 20);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rates = (process.env.BENCH_RATES ?? '300,500,700,900,1100,1300').split(',').map(Number).filter((r) => Number.isInteger(r) && r > 0);
const log = (line: string) => console.log(`sip-scale-out: ${line}`);

interface Step { readonly total: number; readonly p50: number; readonly p99: number; readonly failures: number; readonly busy: number[]; readonly loadBusy: number }

/** Offers `total` calls/s dealt in turn over the beds for `seconds`; p99 over all of them. */
async function step(beds: readonly SplitBed[], calls: readonly OneCall[], total: number): Promise<Step> {
  for (const bed of beds) await bed.app.busy();
  const loadStart = performance.eventLoopUtilization();
  const loaded = await openLoop(total, total * seconds, (i) => calls[i % calls.length]!(), log);
  const loadBusy = performance.eventLoopUtilization(performance.eventLoopUtilization(), loadStart).utilization;
  const busy = await Promise.all(beds.map((bed) => bed.app.busy()));
  await Promise.all(beds.map((bed) => bed.app.idle()));
  const sorted = [...loaded.measured].sort((a, b) => a - b);
  return { total, p50: percentile(sorted, 50), p99: percentile(sorted, 99), failures: loaded.failures, busy, loadBusy };
}

async function sweep(count: number): Promise<Step[]> {
  const beds: SplitBed[] = [];
  try {
    for (let i = 0; i < count; i += 1) beds.push(await startSplitBed({ toneMs: 100, balanceMicros: 1_000_000_000n }));
    const refusals = new Map<string, number>();
    const calls = beds.map((bed, i) => includedCalls(bed.server, refusals, 1_000_000 * (i + 1)));
    await step(beds, calls, 100 * count); // warm-up
    const steps: Step[] = [];
    for (const rate of rates) {
      log(`${count} instance(s): ${rate * count} calls/s for ${seconds} s`);
      const result = await step(beds, calls, rate * count);
      steps.push(result);
      if (result.failures > 0 || result.p99 > 4 * budgetMs) break; // far past the budget: higher rates say nothing more
    }
    return steps;
  } finally {
    for (const bed of beds) await bed.close();
  }
}

const carried = (steps: readonly Step[]) => Math.max(0, ...steps.filter((s) => s.failures === 0 && s.p99 <= budgetMs).map((s) => s.total));
const line = (count: number, s: Step) => `| ${count} | ${s.total} | ${s.p50.toFixed(2)} | ${s.p99.toFixed(2)} | ${s.failures} | `
  + `${s.busy.map((b) => `${(b * 100).toFixed(0)}%`).join(' / ')} | ${(s.loadBusy * 100).toFixed(0)}% |`;

const one = await sweep(1);
const two = await sweep(2);
const [oneCarried, twoCarried] = [carried(one), carried(two)];
const ratio = oneCarried > 0 ? (twoCarried / oneCarried).toFixed(2) : 'n/a';
const body = `${environment(`bench/${FILE}`)}\n\n| instances | included calls/s offered (all) | p50 ms | p99 ms | not measured | Solde event loops busy | load + emulators' thread busy |\n`
  + `|---:|---:|---:|---:|---:|---|---:|\n${[...one.map((s) => line(1, s)), ...two.map((s) => line(2, s))].join('\n')}\n\n`
  + `Within p99 ≤ ${budgetMs} ms (INVITE → B-leg INVITE) and no call lost: one instance carried ${oneCarried} calls/s, two carried `
  + `${twoCarried} calls/s: ${ratio}x.\n`;
console.log(body);
writeResults(FILE, `Scale-out: one Solde instance against two (included calls, p99 ≤ ${budgetMs} ms)`, body);
