// SIP through the REAL drachtio-server v0.9.4: SIPp offers included and paid calls at fixed rates (a
// bounded count each) to drachtio-server, which hands them to Solde running as its own process
// (src/main.ts, as in production) with a real rtpengine; a second SIPp is the carrier and answers at once.
// Reports SIPp's own response times (INVITE -> 183, INVITE -> 200), failed calls, and the CPU that Solde,
// drachtio-server and rtpengine used over each run.
//   node --import tsx bench/sip-real-server.ts      (BENCH_RATES=100,200,500, BENCH_SECONDS=3 of offered load per run)
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { callerScenario, carrierScenario, type CallerStep } from '../test/real/support/scenarios';
import { freeUdpPort, waitForUdpBound } from '../test/real/support/ports';
import { startSipp, type SippResult } from '../test/real/support/sipp';
import { startRealStack, type RealStack } from '../test/real/support/stack';
import { writeResultBlock } from './readme-writer';
import { startBenchRtpengine } from './sip-setup';

const INTRO = `The same call control as "## SIP" above, but through the real drachtio-server v0.9.4 (built by
scripts/install-drachtio.sh) instead of the emulator: SIPp (sip-tester) is the PBX and offers calls at a fixed
rate, a bounded count per run (-r, -m); drachtio-server hands each INVITE to Solde, which runs as its own
process started as in production (node --import tsx src/main.ts, configuration in the environment, info
logging); a real rtpengine anchors and announces paid calls; a second SIPp is the carrier and answers at once;
the PBX hangs up as soon as it is answered. Response times are SIPp's own (-trace_rtt): INVITE sent to 183
received (paid: rated, first grant reserved, media anchored) and to 200 received (included: the carrier's
answer relayed; paid: after the whole balance announcement is played, about 12.5 s for the bench account's
2000 EUR and its thousands of minutes, so INVITE→200 is that plus the bridge; SIPp starts this second
measure at the 100 Trying, which sofia sends within a millisecond of the INVITE). SIPp's clock ticks make
the times multiples of 4 ms. A failed call is
SIPp's count (an unexpected message or a timeout), with the reasons from SIPp's error log. CPU is each
process's user+system time over the run divided by the calls offered (USER_HZ ticks: 10 ms granularity). Everything shares the machine's 2 cores with the load generators (both SIPps)
and other engineers' work: the figures are upper bounds, not capacity. Run: \`node --import tsx
bench/sip-real-server.ts\` (BENCH_RATES, BENCH_SECONDS); it rewrites its block below.`;

const log = (line: string) => console.log(`sip-real-server: ${line}`);
const RATES = (process.env.BENCH_RATES ?? '100,200,500').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const TICK_MS = 10; // USER_HZ 100

interface Kind { readonly name: 'included' | 'paid'; readonly dialled: string; readonly steps: readonly CallerStep[] }
const KINDS: readonly Kind[] = [
  { name: 'included', dialled: '00493012345678', steps: [{ kind: 'answered', timeoutMs: 30_000, rtd: 'invite-200' }, { kind: 'bye' }] },
  // The US tariff (0.60/min + 0.10): the first grant is small, so thousands of calls fit in the balance.
  { name: 'paid', dialled: '0012125551234', steps: [
    { kind: 'expect', status: 183, timeoutMs: 30_000, rtd: 'invite-183' }, { kind: 'answered', timeoutMs: 60_000, rtd: 'invite-200' }, { kind: 'bye' }] },
];

function cpuTicksMs(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** SIPp's -trace_rtt rows end with: response time ms;rtd name (one row per measure). */
function responseTimes(rtt: string, name: string): number[] {
  return rtt.split('\n').slice(1).map((line) => line.trim().split(';')).filter((f) => f.at(-1) === name).map((f) => Number(f.at(-2)));
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const fmt = (times: number[]) => {
  if (times.length === 0) return '—';
  const sorted = [...times].sort((a, b) => a - b);
  return [50, 90, 99].map((p) => percentile(sorted, p).toFixed(0)).join(' / ');
};

/** Why calls failed, from SIPp's error log: the unexpected status or the timeout, counted. */
function failureReasons(result: SippResult): string {
  const counts = new Map<string, number>();
  for (const match of result.errors.matchAll(/Aborting call on unexpected message[^\n]*received 'SIP\/2\.0 (\d{3})|(receive timeout)|(Aborting call on UDP retransmission timeout)/g)) {
    const key = match[1] ?? (match[2] ? 'timeout' : 'no answer (retransmissions)');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, n]) => `${key} ×${n}`).join(', ') || '—';
}

/** "Successful call" and "Failed call" totals from SIPp's last statistics screen. */
function callCounts(result: SippResult): { ok: number; failed: number } {
  const last = (label: string) => Number([...result.screen.matchAll(new RegExp(`${label}\\s*\\|[^\\n]*?(\\d+)\\s*$`, 'gm'))].at(-1)?.[1] ?? Number.NaN);
  return { ok: last('Successful call'), failed: last('Failed call') };
}

async function run(stack: RealStack, kind: Kind, rate: number): Promise<string> {
  const calls = rate * SECONDS;
  const timeoutSeconds = SECONDS + 60;
  const carrier = startSipp({ name: `${kind.name}-carrier`, scenarioXml: carrierScenario({ kind: 'answer', ringMs: 0, hangup: { by: 'caller', timeoutMs: 60_000 } }, 60_000),
    localPort: stack.trunkPort, calls, timeoutSeconds });
  await waitForUdpBound(stack.trunkPort, 10_000, 'carrier SIPp', () => carrier.process.running);
  const server = `${stack.drachtio.host}:${stack.drachtio.sipPort}`;
  const pids = { solde: stack.solde.process.pid, drachtio: stack.drachtio.process.pid, rtpengine: stack.rtpengine.pid };
  const before = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuTicksMs(pid)]));
  const startedAt = performance.now();
  const caller = startSipp({ name: `${kind.name}-pbx`, localPort: await freeUdpPort(), calls, rate, timeoutSeconds, traceRtt: true, remote: server,
    scenarioXml: callerScenario({ dialled: kind.dialled, extension: '100', server, rtpPort: 6000, steps: kind.steps }) });
  const result = await caller.done;
  const wallMs = performance.now() - startedAt;
  await carrier.stop();
  const after = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuTicksMs(pid)]));
  // CPU per call offered: a run that waits for SIPp's timeouts stretches its wall time, not its work.
  const cpu = (k: string) => ((after[k]! - before[k]!) / calls).toFixed(2);
  await stack.waitIdle(60_000).catch((error: Error) => log(error.message));
  const counts = callCounts(result);
  const line = `| ${kind.name} | ${rate} | ${calls} | ${(wallMs / 1000).toFixed(1)} | ${counts.ok} | ${counts.failed} | ${fmt(responseTimes(result.rtt, 'invite-183'))} | ${fmt(responseTimes(result.rtt, 'invite-200'))} | ${cpu('solde')} / ${cpu('drachtio')} / ${cpu('rtpengine')} | ${failureReasons(result)} |`;
  log(`${line}  (sipp exit ${result.code})`);
  return line;
}

log('starting Postgres database, Redis prefix, rtpengine, drachtio-server and Solde (src/main.ts)');
const rtpengine = await startBenchRtpengine();
const stack = await startRealStack({
  mode: 'inbound', meterIntervalSeconds: 60, rtpengine,
  // 2000 EUR: enough for every run's first grants; a balance much larger makes the announcement longer.
  accounts: [{ id: 'bench', balanceMicros: 2_000_000_000n, maxConcurrentCalls: 100_000 }],
});
const rows: string[] = [];
try {
  for (const kind of KINDS) for (const rate of RATES) rows.push(await run(stack, kind, rate));
} finally {
  await stack.close();
  await rtpengine.stop();
}
const body = [
  `Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), load average ${loadavg()[0]!.toFixed(1)} at the end, ${new Date().toISOString().slice(0, 10)}; bench/sip-real-server.ts`,
  '',
  '| calls | offered /s | count | run s | successful | failed | INVITE→183 ms p50 / p90 / p99 | INVITE→200 ms p50 / p90 / p99 | CPU ms per call: Solde / drachtio / rtpengine | failures (SIPp) |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ...rows,
].join('\n');
writeResultBlock('## SIP through the real drachtio-server', INTRO, 'sip-real-server.ts', 'Included and paid calls offered by SIPp', body);
log('results written to bench/README.md');
