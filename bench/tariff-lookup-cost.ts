// Lookup + cost on a 50,000-row deck with random rating keys (done-when: >= 1,000,000 per second on one core).
//   node --import tsx bench/tariff-lookup-cost.ts
// Throughput is measured over batches of 1,000 lookups (a timer read per single lookup would cost more than
// the lookup); the single-operation task gives the latency percentiles, timer overhead included.
import { Bench } from 'tinybench';
import { cost, parseDeck, TariffIndex } from '../rating/tariffs';
import { syntheticDeckCsv, syntheticPrefixes } from '../rating/tariffs/synthetic-deck';

const ROWS = 50_000;
const KEYS = 65_536; // a power of two: the key cursor wraps with a mask
const BATCH = 1_000;

const index = TariffIndex.build(parseDeck(syntheticDeckCsv(ROWS)));
const prefixes = syntheticPrefixes(ROWS);
let seed = 42;
const random = (n: number): number => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed % n;
};
// Real-looking keys: a deck prefix followed by random digits up to 12 digits, a few with no rate at all.
const keys = Array.from({ length: KEYS }, (_, i) => {
  const prefix = i % 50 === 0 ? '999' : prefixes[random(prefixes.length)]!;
  let key = prefix;
  while (key.length < 12) key += String(random(10));
  return key;
});
const durations = Array.from({ length: KEYS }, () => 1 + random(3_600));

let cursor = 0;
let sink = 0n;
function lookupAndCost(): void {
  const i = cursor++ & (KEYS - 1);
  const tariff = index.lookup(keys[i]!);
  if (tariff) sink += cost(tariff, durations[i]!);
}

const bench = new Bench({ name: 'tariff lookup + cost, 50,000-row deck', time: 2_000, warmupTime: 500 });
bench.add(`lookup+cost x${BATCH}`, () => {
  for (let n = 0; n < BATCH; n += 1) lookupAndCost();
});
bench.add('lookup+cost x1', lookupAndCost);
await bench.run();

const [batch, single] = bench.tasks.map((t) => t.result);
if (batch?.state !== 'completed' || single?.state !== 'completed') throw new Error('a benchmark task did not complete');
const opsPerSecond = Math.round(batch.throughput.mean * BATCH);
const nanos = (ms: number, per = 1): number => Math.round((ms * 1e6) / per);
console.log(`| lookup + cost, ${ROWS.toLocaleString('en')} rows, random keys | ${opsPerSecond.toLocaleString('en')} ops/s | ` +
  `p99 of a ${BATCH}-op batch: ${nanos(batch.latency.p99, BATCH)} ns/op; single op p50 ${nanos(single.latency.p50)} ns, ` +
  `p99 ${nanos(single.latency.p99)} ns (timer read included) |`);
if (sink < 0n) console.log('unreachable'); // keeps the results alive
