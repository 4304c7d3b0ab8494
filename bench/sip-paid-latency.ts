// Paid call: time from the INVITE reaching Solde to the 183 leaving it (classification, rating, first
// grant reserved in Redis, rtpengine offer and early answer; the announcement that follows is excluded),
// at 200 calls/s offered (open loop), and one call at a time through tinybench for the unloaded reference.
//   node --import tsx bench/sip-paid-latency.ts        (BENCH_SECONDS=10, BENCH_RATES=100,150,200)
import { ratesFromEnv, runScenario, startSplitBed } from './sip-setup';

const log = (line: string) => console.log(`sip-paid-latency: ${line}`);
log('starting Postgres database, Redis prefix, rtpengine, drachtio emulator, and Solde in a worker thread');
// A 100 ms announcement: calls stay short, so the number of calls in progress stays realistic.
const bed = await startSplitBed({ toneMs: 100, balanceMicros: 10_000_000_000_000n });
try {
  bed.server.setBSide({ final: { status: 200 } }); // the carrier answers at once
  bed.server.onOutboundInvite(() => { void bed.server.nextBLeg(); }); // keep the emulator's B-leg queue empty
  const refusals = new Map<string, number>();
  let next = 2_000_000;
  const oneCall = async (): Promise<number | null> => {
    const sentAt = performance.now();
    const caller = bed.server.placeCall({ from: String(next++), to: '00212612345678' });
    let response = await caller.nextResponse(20_000);
    if (response.status === 100) response = await caller.nextResponse(20_000);
    const earlyAt = performance.now();
    const final = response.status >= 200 ? response : await caller.waitForFinal(20_000);
    if (final.status === 200) await caller.bye();
    else {
      const why = `${final.status} ${/text="([^"]*)"/.exec(final.get('reason') ?? '')?.[1] ?? ''}`.trim();
      refusals.set(why, (refusals.get(why) ?? 0) + 1);
    }
    return response.status === 183 ? earlyAt - sentAt : null;
  };
  await runScenario({
    file: 'sip-paid-latency.ts', title: 'Paid call: INVITE received to 183 sent (announcement excluded)',
    rates: ratesFromEnv(), seconds: Number(process.env.BENCH_SECONDS ?? 10),
    app: bed.app, oneCall, refusals, log,
    singleNote: 'closed loop; each call then hears a 100 ms announcement, is answered and hung up',
  });
} finally {
  await bed.close();
}
