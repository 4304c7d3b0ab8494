// Included call: time from the INVITE reaching Solde to the B-leg INVITE leaving it, at 200 calls/s
// offered (open loop), and one call at a time through tinybench for the unloaded reference.
//   node --import tsx bench/sip-included-latency.ts        (BENCH_SECONDS=10, BENCH_RATES=100,150,200)
import { includedCalls } from './sip-calls';
import { ratesFromEnv, runScenario, startSplitBed } from './sip-setup';

const log = (line: string) => console.log(`sip-included-latency: ${line}`);
log('starting Postgres database, Redis prefix, rtpengine, drachtio emulator, and Solde in a worker thread');
const bed = await startSplitBed({ toneMs: 300, balanceMicros: 1_000_000_000n });
try {
  const refusals = new Map<string, number>();
  await runScenario({
    file: 'sip-included-latency.ts', title: 'Included call: INVITE received to B-leg INVITE sent',
    rates: ratesFromEnv(), seconds: Number(process.env.BENCH_SECONDS ?? 10),
    app: bed.app, oneCall: includedCalls(bed.server, refusals), refusals, log, singleNote: 'closed loop; each call is then answered and hung up',
  });
} finally {
  await bed.close();
}
