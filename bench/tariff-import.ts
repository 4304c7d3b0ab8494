// Importing a 50,000-row CSV deck into Postgres (done-when: under 10 s, with progress).
//   node --import tsx bench/tariff-import.ts
// Each run imports a deck with other prices than the one before, so every run really replaces the deck.
import { Bench } from 'tinybench';
import { importDeck } from '../rating/tariffs';
import { syntheticDeckCsv } from '../rating/tariffs/synthetic-deck';
import { createTestDatabase } from '../test/support/pg';

const ROWS = 50_000;
const RUNS = 5;

const db = await createTestDatabase();
const decks = [syntheticDeckCsv(ROWS, 1), syntheticDeckCsv(ROWS, 2)];
let run = 0;
try {
  const bench = new Bench({ name: 'tariff import', iterations: RUNS, time: 0, warmupIterations: 1, warmupTime: 0 });
  bench.add(`import ${ROWS} rows`, async () => {
    const deck = decks[run++ % 2]!;
    const result = await importDeck(db.pool, deck, { source: 'bench' });
    if (result.status !== 'imported' || result.rows !== ROWS) throw new Error(`unexpected import result ${JSON.stringify(result)}`);
    process.stderr.write(`run ${run}: imported ${result.rows} rows\n`);
  });
  await bench.run();
  const result = bench.tasks[0]!.result;
  if (result.state !== 'completed') throw new Error(`the import benchmark did not complete: ${result.state}`);
  const ms = (value: number): string => `${Math.round(value)} ms`;
  console.log(`| import ${ROWS.toLocaleString('en')}-row CSV deck (parse, validate, replace in one transaction) | ` +
    `mean ${ms(result.latency.mean)}, p50 ${ms(result.latency.p50)}, max ${ms(result.latency.max)} | ${result.latency.samplesCount} runs |`);
} finally {
  await db.drop();
}
