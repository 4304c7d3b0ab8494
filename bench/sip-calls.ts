// The two calls bench/sip-*.ts place through the drachtio emulator, each resolving with its setup latency
// (ms) or null when refused: an included call (INVITE → B-leg INVITE) and a paid call (INVITE → 183).
// Installing one replaces the emulator's B-leg handler, so a bed runs one kind at a time.
import type { DrachtioServer } from '../test/support/drachtio/index';

export type OneCall = () => Promise<number | null>;

/** A fixed-line French number: included. The carrier answers at once; the caller hangs up at once. */
export function includedCalls(server: DrachtioServer, refusals: Map<string, number>, firstCaller = 1_000_000): OneCall {
  server.setBSide({ final: { status: 200 } });
  const bLegSeen = new Map<string, (at: number) => void>();
  server.onOutboundInvite((leg) => {
    const at = performance.now();
    bLegSeen.get(/sip:([^@;>]+)@/.exec(leg.invite.get('from') ?? '')?.[1] ?? '')?.(at);
  });
  let next = firstCaller;
  return async () => {
    const from = String(next++);
    const seen = new Promise<number>((resolve) => bLegSeen.set(from, resolve));
    const sentAt = performance.now();
    const caller = server.placeCall({ from, to: '0612345678' });
    const bAt = await Promise.race([seen, refusedOrLate(caller)]);
    bLegSeen.delete(from);
    if (bAt !== null) await server.nextBLeg(); // keep the emulator's queue of B legs empty (bounded)
    const final = await caller.waitForFinal(20_000);
    if (final.status === 200) await caller.bye();
    else refusals.set(String(final.status), (refusals.get(String(final.status)) ?? 0) + 1);
    return bAt === null ? null : bAt - sentAt;
  };
}

/** Morocco at 1 EUR/s: paid, announced (the bed's tone), answered at once, hung up at once. */
export function paidCalls(server: DrachtioServer, refusals: Map<string, number>, firstCaller = 2_000_000): OneCall {
  server.setBSide({ final: { status: 200 } });
  server.onOutboundInvite(() => { void server.nextBLeg(); }); // keep the emulator's B-leg queue empty
  let next = firstCaller;
  return async () => {
    const sentAt = performance.now();
    const caller = server.placeCall({ from: String(next++), to: '00212612345678' });
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
}

/** Resolves null once the caller has a final response without a B leg, or after 10 s (polled: no event). */
async function refusedOrLate(caller: { readonly state: string }): Promise<null> {
  for (let waited = 0; waited < 10_000; waited += 20) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (caller.state !== 'calling' && caller.state !== 'early' && caller.state !== 'confirmed') return null;
  }
  return null;
}
