// Scenario: the Announcer turning a balance into a WAV for rtpengine, cached (the same balance again:
// words built, key looked up) and uncached (a new amount each time: words, assembly of ~5 s of 22.05 kHz
// audio, atomic write to disk). Writes its table into bench/README.md under "## Announcements".
//
//   node --import tsx bench/announce-assemble.ts
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { createAnnouncer } from '../sip/announce/index';

const README = new URL('./README.md', import.meta.url);
const SECTION = '## Announcements';

async function main(): Promise<void> {
  const outputDir = mkdtempSync(join(tmpdir(), 'solde-bench-announce-'));
  try {
    const announcer = createAnnouncer({ outputDir, cacheEntries: 1000, evictionGraceMs: 0 });
    await announcer.balance('fr', 12_500_000n, 'EUR', 12); // loads the prompt set, warms the cache entry
    let cents = 0n;
    const bench = new Bench({ time: 2000, warmupTime: 300 });
    bench
      .add('cached: balance fr 12.50 EUR + minutes', async () => { await announcer.balance('fr', 12_500_000n, 'EUR', 12); })
      .add('uncached: balance fr, new amount each time', async () => {
        cents += 1n;
        await announcer.balance('fr', 123_450_000n + cents * 10_000n, 'EUR', 12);
      });
    console.log('running 2 tasks for about 5 s...');
    await bench.run();
    const table = markdownTable(bench);
    console.log(table);
    writeSection(table);
  } finally {
    rmSync(outputDir, { recursive: true, force: true });
  }
}

function markdownTable(bench: Bench): string {
  const rows = bench.tasks.map((task) => {
    const result = task.result;
    if (result.state !== 'completed') return `| ${task.name} | ${result.state} | | | | |`;
    const { latency, throughput } = result;
    return `| ${task.name} | ${Math.round(throughput.mean)} | ${latency.mean.toFixed(4)} | ${latency.p50.toFixed(4)} | ${latency.p99.toFixed(4)} | ${latency.samplesCount} |`;
  });
  return [
    `Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), load average ${loadavg()[0]!.toFixed(1)} ` +
      `(other work on the machine), ${new Date().toISOString().slice(0, 10)}; bench/announce-assemble.ts`,
    '',
    '| task | ops/s | mean ms | p50 ms | p99 ms | samples |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

/** Replaces this scenario's section of bench/README.md, leaving the other sections alone. */
function writeSection(table: string): void {
  const text = existsSync(README) ? readFileSync(README, 'utf8') : '# Benchmarks\n';
  const body = `${SECTION}\n\n${SECTION_INTRO}\n\n${table}\n`;
  const start = text.indexOf(SECTION);
  if (start < 0) {
    writeFileSync(README, `${text.trimEnd()}\n\n${body}`);
    return;
  }
  const next = text.indexOf('\n## ', start + SECTION.length);
  writeFileSync(README, text.slice(0, start) + body + (next < 0 ? '' : text.slice(next)));
}

const SECTION_INTRO =
  'Turning a balance into a WAV that rtpengine can play (`createAnnouncer().balance(...)`). Cached: the ' +
  'words are built and the cache key found. Uncached: words, assembly of about 5 s of 22.05 kHz mono ' +
  'audio from the espeak prompts, and an atomic write of ~250 KB to disk (tmpfs or page cache).';

await main();
