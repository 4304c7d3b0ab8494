// Shared by bench/sip-*.ts: a Solde SIP app on real Postgres, Redis and rtpengine behind the drachtio
// emulator, an open-loop call generator (calls offered at a fixed rate whatever the answers), and the
// writer of this area's block in bench/README.md ("## SIP").
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { createSocket } from 'node:dgram';
import type { TestRtpengine } from '../test/support/rtpengine';

/** rtpengine with room for a few hundred concurrent calls (4 ports each). */
export async function startBenchRtpengine(): Promise<TestRtpengine> {
  const ngPort = 23000 + Math.floor(Math.random() * 1000);
  const portMin = 40000;
  const portMax = 44999;
  const child = spawn('rtpengine', ['--config-file=none', '--table=-1', '--interface=127.0.0.1', `--listen-ng=127.0.0.1:${ngPort}`,
    '--delete-delay=0', '--foreground', '--log-stderr', '--log-level=3', `--port-min=${portMin}`, `--port-max=${portMax}`],
  { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let attempt = 0; attempt < 50; attempt += 1) {
    if (await pings(ngPort)) {
      return { host: '127.0.0.1', ngPort, portMin, portMax, stop: async () => { child.kill('SIGTERM'); await exited; } };
    }
  }
  child.kill('SIGKILL');
  throw new Error(`rtpengine did not answer on NG port ${ngPort} (is rtpengine-daemon installed?)`);
}

function pings(port: number): Promise<boolean> {
  const socket = createSocket('udp4');
  return new Promise((resolve) => {
    const timer = setTimeout(() => { socket.close(); resolve(false); }, 100);
    socket.once('message', () => { clearTimeout(timer); socket.close(); resolve(true); });
    socket.send('p d7:command4:pinge', port, '127.0.0.1');
  });
}

export interface OpenLoopResult {
  readonly offered: number;
  readonly measured: number[];
  readonly failures: number;
  readonly elapsedMs: number;
  /** How long offering took (the rest of elapsedMs is waiting for the last calls to end). */
  readonly offerMs: number;
  /** A few of the errors calls failed with. */
  readonly errors: string[];
}

/**
 * Offers `total` calls at `perSecond`, on schedule even when earlier calls are slow (open loop), and
 * collects each call's latency (ms). `placeCall(i)` resolves with the latency of call i, or null on failure.
 */
export async function openLoop(perSecond: number, total: number, placeCall: (i: number) => Promise<number | null>,
  progress: (line: string) => void): Promise<OpenLoopResult> {
  const started = performance.now();
  const running: Promise<void>[] = [];
  const measured: number[] = [];
  let failures = 0;
  const errors: string[] = [];
  for (let i = 0; i < total; i += 1) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    running.push(placeCall(i).then((latency) => { if (latency === null) failures += 1; else measured.push(latency); },
      (error: unknown) => { failures += 1; if (errors.length < 5) errors.push((error as Error).message); }));
    if ((i + 1) % perSecond === 0) progress(`offered ${i + 1}/${total} calls, ${measured.length} measured, ${failures} failed`);
  }
  const offerMs = performance.now() - started;
  await Promise.all(running);
  return { offered: total, measured, failures, elapsedMs: performance.now() - started, offerMs, errors };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function row(name: string, latencies: readonly number[], note: string): string {
  const sorted = [...latencies].sort((a, b) => a - b);
  return `| ${name} | ${sorted.length} | ${percentile(sorted, 50).toFixed(2)} | ${percentile(sorted, 99).toFixed(2)} | ${sorted.at(-1)?.toFixed(2) ?? '-'} | ${note} |`;
}

export const TABLE_HEAD = '| scenario | calls measured | p50 ms | p99 ms | max ms | note |\n|---|---:|---:|---:|---:|---|';

export function environment(file: string): string {
  return `Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model.trim()}), load average ${loadavg()[0]!.toFixed(1)} at the end, ${new Date().toISOString().slice(0, 10)}; ${file}`;
}

const README = new URL('./README.md', import.meta.url);
const SECTION = '## SIP';
const INTRO = `Call control (sip/) driven through the drachtio wire protocol by the test-side drachtio-server emulator
(test/support/drachtio), with real Postgres, Redis and rtpengine. Latency is measured where drachtio-server
would see it: from the INVITE frame written to Solde's TCP connection to the B-leg INVITE frame (included
call) or the 183 (paid call: rating, reserve in Redis, rtpengine offer + answer; the announcement itself
excluded) coming back. Calls are offered open-loop at a fixed rate (a slow answer does not slow the offer);
each call is then answered and hung up. The emulator, Solde and rtpengine share the machine's 2 cores with
the other engineers' work, so these are upper bounds. Run a file with \`node --import tsx bench/<file>\`; it
rewrites its own block below.`;

/** Replaces this file's block (between markers) inside bench/README.md's "## SIP" section. */
export function writeResults(file: string, title: string, body: string): void {
  let text = readFileSync(README, 'utf8');
  if (!text.includes(`\n${SECTION}\n`)) text = `${text.trimEnd()}\n\n${SECTION}\n\n${INTRO}\n`;
  const start = `<!-- ${file} -->`;
  const end = `<!-- /${file} -->`;
  const block = `${start}\n### ${title}\n\n${body}\n${end}`;
  const sectionAt = text.indexOf(`\n${SECTION}\n`);
  const before = text.indexOf(start, sectionAt);
  if (before >= 0) text = text.slice(0, before) + block + text.slice(text.indexOf(end, before) + end.length);
  else {
    const nextSection = text.indexOf('\n## ', sectionAt + 1);
    const at = nextSection < 0 ? text.length : nextSection;
    text = `${text.slice(0, at).trimEnd()}\n\n${block}\n${text.slice(at)}`;
  }
  writeFileSync(README, text.endsWith('\n') ? text : `${text}\n`);
}
