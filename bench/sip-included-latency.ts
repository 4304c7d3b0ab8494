// Included call: time from the INVITE reaching Solde to the B-leg INVITE leaving it, at 200 calls/s
// offered (open loop), and one call at a time through tinybench for the unloaded reference.
//   node --import tsx bench/sip-included-latency.ts        (BENCH_SECONDS=10, BENCH_RATES=100,150,200)
import { ratesFromEnv, runScenario, startSplitBed } from './sip-setup';

const log = (line: string) => console.log(`sip-included-latency: ${line}`);
log('starting Postgres database, Redis prefix, rtpengine, drachtio emulator, and Solde in a worker thread');
const bed = await startSplitBed({ toneMs: 300, balanceMicros: 1_000_000_000n });
try {
  bed.server.setBSide({ final: { status: 200 } }); // the carrier answers at once
  const bLegSeen = new Map<string, (at: number) => void>();
  bed.server.onOutboundInvite((leg) => {
    const at = performance.now();
    bLegSeen.get(/sip:([^@;>]+)@/.exec(leg.invite.get('from') ?? '')?.[1] ?? '')?.(at);
  });
  const refusals = new Map<string, number>();
  let next = 1_000_000;
  const oneCall = async (): Promise<number | null> => {
    const from = String(next++);
    const seen = new Promise<number>((resolve) => bLegSeen.set(from, resolve));
    const sentAt = performance.now();
    const caller = bed.server.placeCall({ from, to: '0612345678' });
    const bAt = await Promise.race([seen, refusedOrLate(caller)]);
    bLegSeen.delete(from);
    if (bAt !== null) await bed.server.nextBLeg(); // keep the emulator's queue of B legs empty (bounded)
    const final = await caller.waitForFinal(20_000);
    if (final.status === 200) await caller.bye();
    else refusals.set(String(final.status), (refusals.get(String(final.status)) ?? 0) + 1);
    return bAt === null ? null : bAt - sentAt;
  };
  await runScenario({
    file: 'sip-included-latency.ts', title: 'Included call: INVITE received to B-leg INVITE sent',
    rates: ratesFromEnv(), seconds: Number(process.env.BENCH_SECONDS ?? 10),
    app: bed.app, oneCall, refusals, log, singleNote: 'closed loop; each call is then answered and hung up',
  });
} finally {
  await bed.close();
}

/** Resolves null once the caller has a final response without a B leg, or after 10 s (polled: no event). */
async function refusedOrLate(caller: { readonly state: string }): Promise<null> {
  for (let waited = 0; waited < 10_000; waited += 20) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (caller.state !== 'calling' && caller.state !== 'early' && caller.state !== 'confirmed') return null;
  }
  return null;
}
