// The whole authorization of a paid call, from one Node process: classify the dialled number, find its
// tariff, compute the first grant, reserve it in Redis, for random numbers (generated from the sample deck,
// kept when they classify as PREMIUM or INTERNATIONAL with a rate) and random accounts among 1,000.
// No Postgres on this path.   node --import tsx bench/auth-paid-call.ts
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createClassifier, DEFAULT_INCLUDED_COUNTRIES } from '../rating/classify';
import { firstGrant, parseDeck, TariffIndex } from '../rating/tariffs';
import { alternate, environment, measure, setUpFunds, table, writeResults, type Measured } from './funds-setup';

const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 2_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ACCOUNTS = 1_000;
const NUMBERS = 16_384; // a power of two: the cursor wraps with a mask

const deck = parseDeck(readFileSync(new URL('../rating/tariffs/sample-deck.csv', import.meta.url), 'utf8'));
const index = TariffIndex.build(deck);
const classify = createClassifier({ includedCountries: DEFAULT_INCLUDED_COUNTRIES });
let seed = 12_345;
const random = (k: number): number => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed % k;
};

/** Dialled numbers as a PBX sends them ("00" + digits), each a paid destination with a rate. */
function paidNumbers(): string[] {
  const found: string[] = [];
  for (let attempt = 0; attempt < NUMBERS * 50 && found.length < NUMBERS; attempt += 1) {
    let digits = deck[random(deck.length)]!.prefix;
    const length = 10 + random(3);
    while (digits.length < length) digits += String(random(10));
    const c = classify(`00${digits}`);
    if ((c.class === 'INTERNATIONAL' || c.class === 'PREMIUM') && c.ratingKey && index.lookup(c.ratingKey)) found.push(`00${digits}`);
  }
  if (found.length < NUMBERS) throw new Error(`only ${found.length} paid numbers found in the sample deck`);
  return found;
}

const numbers = paidNumbers();
const b = await setUpFunds(ACCOUNTS, 10n ** 13n);
const runId = randomUUID().slice(0, 8);
let cursor = 0;
let n = 0;

async function authorize(): Promise<void> {
  const c = classify(numbers[cursor++ & (NUMBERS - 1)]!);
  const tariff = c.ratingKey ? index.lookup(c.ratingKey) : undefined;
  if (!tariff) throw new Error(`no tariff for ${c.dialled}`);
  const grant = firstGrant(tariff);
  const hold = await b.funds.reserve({ accountId: b.accounts[random(ACCOUNTS)]!, callId: `${runId}-${n++}`, amountMicros: grant.amountMicros, validitySeconds: 600 });
  if (hold.status !== 'ok') throw new Error(`reserve: ${hold.status}`);
}

try {
  const depths = process.env.BENCH_IN_FLIGHT ? [Number(process.env.BENCH_IN_FLIGHT)] : [16, 256]; // one depth: for profiling
  const scenarios = depths.map((inFlight) => () => measure(`classify + rate + reserve, ${inFlight} in flight, ${ACCOUNTS} accounts`, inFlight, TIME_MS, authorize));
  const rows = (await alternate(ROUNDS, scenarios)).map((m: Measured) => ({
    ...m, note: `goal >= 40,000/s with p99 < 2 ms: ${m.opsPerSecond >= 40_000 && m.p99Ms < 2 ? 'met' : 'not met'}`,
  }));
  console.log(table(rows));
  writeResults('auth-paid-call.ts', 'Authorization of a paid call (classify + rate + reserve)',
    `${environment('bench/auth-paid-call.ts')}; median of ${ROUNDS} alternating rounds; ${NUMBERS} random paid numbers from the sample deck\n\n${table(rows)}\n`);
} finally {
  await b.close();
}
