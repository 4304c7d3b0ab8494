// The portal's most frequent call, end to end over real HTTP: GET /api/v1/accounts/:id/balance with an
// API key (key digest looked up in Postgres, account read, balance and holds from Redis), 16 requests in
// flight from one client process, against the server in the same process (both share the 2 cores). The
// client is node:http with keep-alive: fetch (undici) took ~35% of the process' CPU by itself (profiled),
// so the figure measured the client more than Solde.
//   node --import tsx bench/http-balance.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { Bench } from 'tinybench';
import { createHarness } from '../test/http-harness';

const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 3_000);
const IN_FLIGHT = 16;
const SECTION = '## HTTP API';

const h = await createHarness({ logLevel: 'silent', maxFailures: 1_000_000 });
try {
  await h.createTenant('bench-http');
  await h.funds.topUp({ accountId: 'bench-http', amountMicros: 50_000_000n, requestId: 'bench-http:seed', actor: 'bench' });
  const headers = await h.headersFor('account-admin', 'bench-http');
  const url = `${await h.app.listen({ host: '127.0.0.1', port: 0 })}/api/v1/accounts/bench-http/balance`;
  const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  const get = () => new Promise<void>((resolve, reject) => {
    const req = request(url, { headers, agent }, (response) => {
      response.resume(); // read and discard the body
      response.on('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`balance answered ${response.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
  console.log(`measuring ${url} for ${TIME_MS} ms with ${IN_FLIGHT} in flight...`);
  const bench = new Bench({ concurrency: 'task', threshold: IN_FLIGHT, time: TIME_MS, iterations: 0, warmupTime: 500 });
  bench.add(`GET balance over HTTP, ${IN_FLIGHT} in flight`, get);
  const started = performance.now();
  await bench.run();
  const elapsedMs = performance.now() - started;
  const result = bench.tasks[0]?.result;
  if (result?.state !== 'completed') throw new Error(`the benchmark did not complete (${result?.state})`);
  const samples = result.latency.samplesCount;
  const row = `| GET /api/v1/accounts/:id/balance, ${IN_FLIGHT} in flight | ${Math.round((samples * 1000) / elapsedMs)} | `
    + `${(result.latency.p50 ?? 0).toFixed(2)} | ${(result.latency.p99 ?? 0).toFixed(2)} | ${samples} |`;
  const table = `| scenario | requests/s | p50 ms | p99 ms | samples |\n|---|---:|---:|---:|---:|\n${row}\n`;
  console.log(table);
  const environment = `Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model.trim()}), ${new Date().toISOString().slice(0, 10)}, `
    + `load average ${loadavg()[0]!.toFixed(1)}; \`node --import tsx bench/http-balance.ts\``;
  writeSection(`${SECTION}\n\nThe portal's most frequent call over real HTTP (fetch to the listening server, same process): API key checked `
    + 'in Postgres, account read, balance and holds from Redis, JSON with exact amounts.\n\n'
    + `${environment}\n\n${table}`);
} finally {
  await h.close();
}

/** Replaces this file's section of bench/README.md (or appends it), leaving the others' sections alone. */
function writeSection(text: string): void {
  const path = new URL('./README.md', import.meta.url);
  const readme = readFileSync(path, 'utf8');
  const start = readme.indexOf(SECTION);
  if (start === -1) {
    writeFileSync(path, `${readme.trimEnd()}\n\n${text}`);
    return;
  }
  const next = readme.indexOf('\n## ', start + SECTION.length);
  writeFileSync(path, `${readme.slice(0, start)}${text}${next === -1 ? '' : `\n${readme.slice(next + 1)}`}`);
}
