// Paid call: time from the INVITE reaching Solde to the 183 leaving it (classification, rating, first
// grant reserved in Redis, rtpengine offer and early answer; the announcement that follows is excluded),
// at 200 calls/s offered (open loop), and one call at a time through tinybench for the unloaded reference.
//   node --import tsx bench/sip-paid-latency.ts        (BENCH_SECONDS=10, BENCH_RATE=200)
import { Bench } from 'tinybench';
import { startTestbed } from '../sip/testing/testbed';
import { environment, openLoop, row, startBenchRtpengine, TABLE_HEAD, writeResults } from './sip-setup';

const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const log = (line: string) => console.log(`sip-paid-latency: ${line}`);

log('starting Postgres database, Redis prefix, rtpengine, drachtio emulator and Solde');
// A 100 ms announcement: calls stay short, so the number of calls in progress stays realistic.
const bed = await startTestbed({ rtpengine: await startBenchRtpengine(), toneMs: 100 });
try {
  await bed.account('bench', { balanceMicros: 10_000_000_000_000n, maxConcurrentCalls: 5000 });
  bed.server.setBSide({ final: { status: 200 } }); // the carrier answers at once
  bed.server.onOutboundInvite(() => { void bed.server.nextBLeg(); }); // keep the emulator's B-leg queue empty
  let next = 2_000_000;
  const failures = new Map<number, number>();
  const oneCall = async (): Promise<number | null> => {
    const sentAt = performance.now();
    const caller = bed.server.placeCall({ from: String(next++), to: '00212612345678' });
    const early = await caller.nextResponse(20_000).then(async (first) => (first.status === 100 ? caller.nextResponse(20_000) : first));
    const earlyAt = performance.now();
    if (early.status >= 200) {
      failures.set(early.status, (failures.get(early.status) ?? 0) + 1);
      return null;
    }
    const final = await caller.waitForFinal(20_000).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}; got ${caller.responses.map((r) => r.status).join(',')}; ${JSON.stringify(bed.app.callsByPhase())}`);
    });
    if (final.status === 200) await caller.bye();
    if (early.status !== 183) failures.set(early.status, (failures.get(early.status) ?? 0) + 1);
    return early.status === 183 ? earlyAt - sentAt : null;
  };

  log('unloaded reference: one call at a time (tinybench)');
  const bench = new Bench({ name: 'paid call, one at a time', time: 2_000, warmupTime: 300 });
  const single: number[] = [];
  bench.add('INVITE -> 183, one call at a time', async () => {
    const latency = await oneCall();
    if (latency !== null) single.push(latency);
  });
  await bench.run();
  await bed.app.idle();

  log(`open loop: ${RATE} calls/s for ${SECONDS} s`);
  const loaded = await openLoop(RATE, RATE * SECONDS, oneCall, log);
  if (bed.app.liveCalls > 0) log(`calls still in progress: ${JSON.stringify(bed.app.callsByPhase())}`);
  await bed.app.idle();
  if (loaded.errors.length > 0) log(`errors: ${loaded.errors.join(' | ')}`);
  const rows = [
    row('one call at a time (tinybench)', single, 'closed loop; each call then hears a 100 ms announcement, is answered and hung up'),
    row(`${RATE} calls/s offered, ${SECONDS} s`, loaded.measured,
      `${loaded.offered} offered in ${(loaded.offerMs / 1000).toFixed(1)} s, ${loaded.failures} failed${failures.size ? ` (${[...failures].map(([status, n]) => `${n}x ${status}`).join(', ')})` : ''}`),
  ];
  const body = `${environment('bench/sip-paid-latency.ts')}\n\n${TABLE_HEAD}\n${rows.join('\n')}\n`;
  console.log(body);
  writeResults('sip-paid-latency.ts', 'Paid call: INVITE received to 183 sent (announcement excluded)', body);
} finally {
  await bed.close();
  await bed.rtpengine.stop();
}
