// CPU time Solde's own thread spends per call, included and paid, under a steady open-loop load, with the
// setup latency beside it: the before/after figure of a change on the call path (issue 13: owner lease,
// dialog records, cluster-wide slots). Each run adds or replaces the rows of its label (BENCH_LABEL,
// default the git commit), so a table holds several commits measured one after the other.
//   node --import tsx bench/sip-call-cpu.ts     (BENCH_RATE=100 calls/s, BENCH_SECONDS=10, BENCH_LABEL)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { includedCalls, paidCalls, type OneCall } from './sip-calls';
import { environment, openLoop, percentile, startSplitBed, writeResults, type SplitBed } from './sip-setup';

const FILE = 'sip-call-cpu.ts';
const TITLE = 'CPU per call in Solde\'s thread (included and paid), with setup latency';
const HEAD = '| label | call | calls | Solde thread CPU µs/call | setup p50 ms | setup p99 ms | note |\n|---|---|---:|---:|---:|---:|---|';
const rate = Number(process.env.BENCH_RATE ?? 100);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const label = process.env.BENCH_LABEL ?? execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
const log = (line: string) => console.log(`sip-call-cpu: ${line}`);

async function measure(bed: SplitBed, kind: string, oneCall: OneCall, refusals: Map<string, number>): Promise<string> {
  log(`${kind}: warm-up, ${rate} calls/s for 2 s`);
  await openLoop(rate, rate * 2, oneCall, log);
  await bed.app.idle();
  refusals.clear();
  log(`${kind}: ${rate} calls/s for ${seconds} s`);
  const cpuBefore = await bed.app.cpuMicros();
  const loaded = await openLoop(rate, rate * seconds, oneCall, log);
  await bed.app.idle(); // every call ended, settled and recorded: its whole cost is in
  const cpuMicros = (await bed.app.cpuMicros()) - cpuBefore;
  const sorted = [...loaded.measured].sort((a, b) => a - b);
  const refused = [...refusals].map(([why, n]) => `${n}x ${why}`).join(', ');
  return `| ${label} | ${kind} | ${loaded.offered} | ${(cpuMicros / loaded.offered).toFixed(0)} | ${percentile(sorted, 50).toFixed(2)} | `
    + `${percentile(sorted, 99).toFixed(2)} | ${rate} calls/s for ${seconds} s; ${loaded.failures} not measured${refused ? ` (${refused})` : ''} |`;
}

/** Rows of earlier runs under other labels, kept in the table. */
function earlierRows(): string[] {
  const text = readFileSync(new URL('./README.md', import.meta.url), 'utf8');
  const block = text.slice(text.indexOf(`<!-- ${FILE} -->`), text.indexOf(`<!-- /${FILE} -->`));
  if (!text.includes(`<!-- ${FILE} -->`)) return [];
  return block.split('\n').filter((line) => /^\| [^|]+ \| (included|paid|bare B2BUA) \|/.test(line) && !line.startsWith(`| ${label} |`));
}

/** The bare drachtio-srf B2BUA on its own bed, the same included call shape: the framework's own cost. */
async function bareBaseline(refusals: Map<string, number>): Promise<string> {
  const bare = await startSplitBed({ toneMs: 100, balanceMicros: 1n, app: 'bare-b2bua' });
  try {
    return await measure(bare, 'bare B2BUA', includedCalls(bare.server, refusals), refusals);
  } finally {
    await bare.close();
  }
}

const cpuOf = (line: string) => Number(line.split('|')[4]);

log('starting Postgres database, Redis prefix, rtpengine, drachtio emulator, and Solde in a worker thread');
const refusals = new Map<string, number>();
const bed = await startSplitBed({ toneMs: 100, balanceMicros: 10_000_000_000_000n });
const rows: string[] = [];
try {
  rows.push(await measure(bed, 'included', includedCalls(bed.server, refusals), refusals));
  rows.push(await measure(bed, 'paid', paidCalls(bed.server, refusals), refusals));
} finally {
  await bed.close();
}
log('the bare drachtio-srf B2BUA baseline, in a worker thread of its own');
rows.push(await bareBaseline(refusals));
const [included, paid, bare] = rows.map(cpuOf) as [number, number, number];
const ratios = `Run ${label}: per call, an included call costs ${(included / bare).toFixed(2)}x and a paid call ${(paid / bare).toFixed(2)}x `
  + 'the CPU of the bare drachtio-srf B2BUA (bench/bare-b2bua-worker.ts: createB2BUA to the trunk, nothing else).';
const body = `${environment(`bench/${FILE}`)} (last run)\n\n${HEAD}\n${[...earlierRows(), ...rows].join('\n')}\n\n${ratios}\n`;
console.log(body);
writeResults(FILE, TITLE, body);
