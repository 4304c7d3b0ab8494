// Included call: time from the INVITE reaching Solde to the B-leg INVITE leaving it, at 200 calls/s
// offered (open loop), and one call at a time through tinybench for the unloaded reference.
//   node --import tsx bench/sip-included-latency.ts        (BENCH_SECONDS=10, BENCH_RATE=200)
import { Bench } from 'tinybench';
import { startTestbed } from '../sip/testing/testbed';
import { environment, openLoop, row, startBenchRtpengine, TABLE_HEAD, writeResults } from './sip-setup';

const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const log = (line: string) => console.log(`sip-included-latency: ${line}`);

log('starting Postgres database, Redis prefix, rtpengine, drachtio emulator and Solde');
const bed = await startTestbed({ rtpengine: await startBenchRtpengine() });
try {
  await bed.account('bench', { balanceMicros: 1_000_000_000n, maxConcurrentCalls: 5000 });
  bed.server.setBSide({ final: { status: 200 } }); // the carrier answers at once
  const bLegSeen = new Map<string, (at: number) => void>();
  bed.server.onOutboundInvite((leg) => {
    const at = performance.now();
    const user = /sip:([^@;>]+)@/.exec(leg.invite.get('from') ?? '')?.[1] ?? '';
    bLegSeen.get(user)?.(at);
  });
  let next = 1_000_000;
  const oneCall = async (): Promise<number | null> => {
    const from = String(next++);
    const seen = new Promise<number>((resolve) => bLegSeen.set(from, resolve));
    const sentAt = performance.now();
    const caller = bed.server.placeCall({ from, to: '0612345678' });
    const bAt = await Promise.race([seen, new Promise<null>((resolve) => setTimeout(() => resolve(null), 10_000))]);
    bLegSeen.delete(from);
    if (bAt !== null) await bed.server.nextBLeg(); // keep the emulator's queue of B legs empty (bounded)
    const final = await caller.waitForFinal(20_000);
    if (final.status === 200) await caller.bye();
    return bAt === null ? null : bAt - sentAt;
  };

  log('unloaded reference: one call at a time (tinybench)');
  const bench = new Bench({ name: 'included call, one at a time', time: 2_000, warmupTime: 300 });
  const single: number[] = [];
  bench.add('INVITE -> B-leg INVITE, one call at a time', async () => {
    const latency = await oneCall();
    if (latency !== null) single.push(latency);
  });
  await bench.run();
  await bed.app.idle();

  log(`open loop: ${RATE} calls/s for ${SECONDS} s`);
  const loaded = await openLoop(RATE, RATE * SECONDS, oneCall, log);
  await bed.app.idle();
  if (loaded.errors.length > 0) log(`errors: ${loaded.errors.join(' | ')}`);
  const rows = [
    row('one call at a time (tinybench)', single, `${bench.tasks[0]!.result.state === 'completed' ? 'closed loop' : ''}`),
    row(`${RATE} calls/s offered, ${SECONDS} s`, loaded.measured,
      `${loaded.offered} offered in ${(loaded.offerMs / 1000).toFixed(1)} s, ${loaded.failures} failed`),
  ];
  const body = `${environment('bench/sip-included-latency.ts')}\n\n${TABLE_HEAD}\n${rows.join('\n')}\n`;
  console.log(body);
  writeResults('sip-included-latency.ts', 'Included call: INVITE received to B-leg INVITE sent', body);
} finally {
  await bed.close();
  await bed.rtpengine.stop();
}
