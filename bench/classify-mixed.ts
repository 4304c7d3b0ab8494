// Classification of a realistic mix of what a French business PBX dials, against the raw libphonenumber-js
// parse+getType of the same strings in the same run (goal: Solde >= 90% of the raw speed).
// Run: node --import tsx bench/classify-mixed.ts [--time-ms=3000] [--only=raw|solde]
import { Bench } from 'tinybench';
import { pathToFileURL } from 'node:url';
import { classify } from '../rating/classify/index';
import { seededRandom } from './classify-seeded-random';
import { rawParseAndType } from './raw-libphonenumber';

/** [weight out of 100, template]: each 'x' becomes a random digit. Weights follow a business PBX's traffic. */
const TEMPLATES: readonly [number, readonly string[]][] = [
  [25, ['06 xx xx xx xx', '06xxxxxxxx', '07 8x xx xx xx', '06.xx.xx.xx.xx']], // French mobiles
  [20, ['01 4x xx xx xx', '02 40 xx xx xx', '03 88 xx xx xx', '04 91 xx xx xx', '0556xxxxxx']], // French fixed
  [8, ['+33 6 xx xx xx xx', '0033 1 4x xx xx xx', '+33 (0)1 4x xx xx xx']], // French, international form
  [4, ['09 72 xx xx xx']], // French VoIP
  [5, ['0800 xx xx xx', '0806 xx xx xx', '0810 xx xx xx', '0892 xx xx xx']], // French service numbers
  [5, ['3949', '118712', '112', '3237', '30xx', '3646']], // French short numbers
  [3, ['0262 16 xx xx', '0690 30 xx xx', '0596 30 xx xx']], // overseas departments
  [12, ['+49 30 xxxxxxxx', '+44 20 7946 0xxx', '+32 2 5xx xx xx', '+34 91x xx xx xx', '+39 06 xxxx xxxx', '+41 44 xxx xx xx']],
  [8, ['+49 151 xxxxxxxx', '+44 7400 xxxxxx', '+34 6xx xx xx xx', '+39 347 xxx xxxx']], // mobiles of included countries
  [6, ['+212 6xx xx xx xx', '+1 212 555 01xx', '+86 138 xxxx xxxx', '+221 33 8xx xx xx']], // elsewhere
  [2, ['+44 909 876 xxxx', '+49 900 1xxxxxx']], // premium abroad
  [2, ['06 12', 'abc', '+999 123 456']], // refused
];

export function dialledMix(count: number, seed = 20261125): string[] {
  if (!Number.isInteger(count) || count <= 0 || count > 100_000) throw new RangeError('count must be 1..100000');
  const next = seededRandom(seed);
  const totalWeight = TEMPLATES.reduce((sum, [weight]) => sum + weight, 0);
  const mix: string[] = [];
  for (let i = 0; i < count; i++) {
    let pick = next() * totalWeight;
    const group = TEMPLATES.find(([weight]) => (pick -= weight) < 0) ?? TEMPLATES[0]!;
    const template = group[1][Math.floor(next() * group[1].length)]!;
    mix.push(template.replace(/x/g, () => String(Math.floor(next() * 10))));
  }
  return mix;
}

const MIX_SIZE = 500;

export interface BenchRow { readonly name: string; readonly numbersPerSecond: number; readonly meanMicrosPerNumber: number; readonly p99MillisPerSet: number }

export async function runClassificationBench(options: { only?: 'raw' | 'solde'; timeMs?: number } = {}): Promise<BenchRow[]> {
  const mix = dialledMix(MIX_SIZE);
  const bench = new Bench({ time: options.timeMs ?? 3000, warmupTime: 500 });
  let sink = 0; // keeps the work observable so that it cannot be optimised away
  if (options.only !== 'raw') {
    bench.add('Solde classify()', () => {
      for (const dialled of mix) sink += classify(dialled).rule.length;
    });
  }
  if (options.only !== 'solde') {
    bench.add('raw libphonenumber-js parse+getType', () => {
      for (const dialled of mix) sink += rawParseAndType(dialled)?.length ?? 0;
    });
  }
  console.error(`benchmarking ${bench.tasks.length} task(s) on ${MIX_SIZE} dialled strings, ~${((options.timeMs ?? 3000) + 500) / 1000} s each...`);
  await bench.run();
  const rows = bench.tasks.map((task) => {
    const result = task.result;
    if (result.state !== 'completed') throw new Error(`${task.name}: ${result.state}`);
    return {
      name: task.name,
      numbersPerSecond: (MIX_SIZE * 1000) / result.latency.mean,
      meanMicrosPerNumber: (result.latency.mean * 1000) / MIX_SIZE,
      p99MillisPerSet: result.latency.p99,
    };
  });
  printTable(rows);
  if (sink === 42) console.error('unlikely');
  return rows;
}

function printTable(rows: readonly BenchRow[]): void {
  console.log('| task | numbers/s | mean µs/number | p99 ms per 500 numbers |');
  console.log('|---|---:|---:|---:|');
  for (const row of rows) {
    console.log(`| ${row.name} | ${Math.round(row.numbersPerSecond).toLocaleString('en')} | ${row.meanMicrosPerNumber.toFixed(2)} | ${row.p99MillisPerSet.toFixed(3)} |`);
  }
  if (rows.length === 2) console.log(`\nSolde / raw = ${((rows[0]!.numbersPerSecond / rows[1]!.numbersPerSecond) * 100).toFixed(0)}% (goal >= 90%)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const timeArg = process.argv.find((arg) => arg.startsWith('--time-ms='));
  const onlyArg = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
  if (onlyArg !== undefined && onlyArg !== 'raw' && onlyArg !== 'solde') throw new Error(`--only=${onlyArg}: expected raw or solde`);
  await runClassificationBench({ timeMs: timeArg ? Number(timeArg.slice('--time-ms='.length)) : undefined, only: onlyArg });
}
