// Paid call: time from the INVITE reaching Solde to the 183 leaving it (classification, rating, first
// grant reserved in Redis, rtpengine offer and early answer; the announcement that follows is excluded),
// at 200 calls/s offered (open loop), and one call at a time through tinybench for the unloaded reference.
//   node --import tsx bench/sip-paid-latency.ts        (BENCH_SECONDS=10, BENCH_RATES=100,150,200)
import { paidCalls } from './sip-calls';
import { ratesFromEnv, runScenario, startSplitBed } from './sip-setup';

const log = (line: string) => console.log(`sip-paid-latency: ${line}`);
log('starting Postgres database, Redis prefix, rtpengine, drachtio emulator, and Solde in a worker thread');
// A 100 ms announcement: calls stay short, so the number of calls in progress stays realistic.
const bed = await startSplitBed({ toneMs: 100, balanceMicros: 10_000_000_000_000n });
try {
  const refusals = new Map<string, number>();
  await runScenario({
    file: 'sip-paid-latency.ts', title: 'Paid call: INVITE received to 183 sent (announcement excluded)',
    rates: ratesFromEnv(), seconds: Number(process.env.BENCH_SECONDS ?? 10),
    app: bed.app, oneCall: paidCalls(bed.server, refusals), refusals, log,
    singleNote: 'closed loop; each call then hears a 100 ms announcement, is answered and hung up',
  });
} finally {
  await bed.close();
}
