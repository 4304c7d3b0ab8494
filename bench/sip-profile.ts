// Where a call's CPU goes in Solde's thread: a V8 CPU profile taken under a steady open-loop load (included
// calls, then paid calls), split by step (bench/profile-steps.ts) and divided by the calls offered. The app
// logs at info (to /dev/null, asynchronously) as in production unless SOLDE_BENCH_LOG_LEVEL says otherwise.
//   node --import tsx bench/sip-profile.ts      (BENCH_RATE=100 calls/s, BENCH_SECONDS=10)
import { includedCalls, paidCalls, type OneCall } from './sip-calls';
import { selfTimeBySteps, type CpuProfile } from './profile-steps';
import { environment, openLoop, startSplitBed, writeResults, type SplitBed } from './sip-setup';

process.env.SOLDE_BENCH_LOG_LEVEL ??= 'info';
process.env.SOLDE_BENCH_LOG_FILE ??= '/dev/null';
const FILE = 'sip-profile.ts';
const rate = Number(process.env.BENCH_RATE ?? 100);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const log = (line: string) => console.log(`sip-profile: ${line}`);

interface Breakdown { readonly perStepMicros: Map<string, number>; readonly calls: number; readonly threadCpuMicros: number; readonly failures: number }

async function profiled(bed: SplitBed, kind: string, oneCall: OneCall): Promise<Breakdown> {
  log(`${kind}: warm-up, ${rate} calls/s for 2 s`);
  await openLoop(rate, rate * 2, oneCall, log);
  await bed.app.idle();
  log(`${kind}: profiling ${rate} calls/s for ${seconds} s`);
  await bed.app.profileStart();
  const cpuBefore = await bed.app.cpuMicros();
  const loaded = await openLoop(rate, rate * seconds, oneCall, log);
  await bed.app.idle();
  const threadCpuMicros = (await bed.app.cpuMicros()) - cpuBefore;
  const profile = await bed.app.profileStop() as CpuProfile;
  return { perStepMicros: selfTimeBySteps(profile), calls: loaded.offered, threadCpuMicros, failures: loaded.failures };
}

function table(included: Breakdown, paid: Breakdown, bare: Breakdown): string {
  const all = [included, paid, bare];
  const steps = [...new Set(all.flatMap((b) => [...b.perStepMicros.keys()]))]
    .sort((a, b) => (paid.perStepMicros.get(b) ?? 0) / paid.calls - (paid.perStepMicros.get(a) ?? 0) / paid.calls);
  const cell = (b: Breakdown, step: string) => ((b.perStepMicros.get(step) ?? 0) / b.calls).toFixed(0);
  const sum = (b: Breakdown) => ([...b.perStepMicros.values()].reduce((a, v) => a + v, 0) / b.calls).toFixed(0);
  const lines = steps.map((step) => `| ${step} | ${all.map((b) => cell(b, step)).join(' | ')} |`);
  lines.push(`| **sampled total** | ${all.map((b) => `**${sum(b)}**`).join(' | ')} |`);
  lines.push(`| thread CPU (process.threadCpuUsage) | ${all.map((b) => (b.threadCpuMicros / b.calls).toFixed(0)).join(' | ')} |`);
  return `| step | included µs/call | paid µs/call | bare B2BUA µs/call |\n|---|---:|---:|---:|\n${lines.join('\n')}`;
}

/** The bare drachtio-srf B2BUA (bench/bare-b2bua-worker.ts), same included call shape: the framework's own share. */
async function profiledBare(refusals: Map<string, number>): Promise<Breakdown> {
  const bare = await startSplitBed({ toneMs: 100, balanceMicros: 1n, app: 'bare-b2bua' });
  try {
    return await profiled(bare, 'bare B2BUA', includedCalls(bare.server, refusals));
  } finally {
    await bare.close();
  }
}

log('starting Postgres database, Redis prefix, rtpengine, drachtio emulator, and Solde in a worker thread');
const bed = await startSplitBed({ toneMs: 100, balanceMicros: 10_000_000_000_000n });
const refusals = new Map<string, number>();
let included: Breakdown;
let paid: Breakdown;
try {
  included = await profiled(bed, 'included', includedCalls(bed.server, refusals));
  paid = await profiled(bed, 'paid', paidCalls(bed.server, refusals));
} finally {
  await bed.close();
}
{
  const bare = await profiledBare(refusals);
  const note = `${rate} calls/s offered for ${seconds} s each; ${included.failures} included and ${paid.failures} paid calls not measured`
    + `${refusals.size ? ` (refused: ${[...refusals].map(([why, n]) => `${n}x ${why}`).join(', ')})` : ''}; `
    + `app log level ${process.env.SOLDE_BENCH_LOG_LEVEL} to ${process.env.SOLDE_BENCH_LOG_FILE}; self time of each sampled function, 100 µs sampling`;
  const body = `${environment(`bench/${FILE}`)}\n\n${note}.\n\n${table(included, paid, bare)}\n`;
  console.log(body);
  writeResults(FILE, 'Where a call\'s CPU goes in Solde\'s thread (CPU profile under load)', body);
}
