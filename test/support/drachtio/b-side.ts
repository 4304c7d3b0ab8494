// What a new B leg does by itself when a test set a behaviour (server.setBSide): ring, then answer or fail.
import type { BLeg } from './b-leg';

export interface BSideBehaviour {
  /** Send 180 Ringing at once. */
  readonly ringing?: boolean;
  /** Then this final response after afterMs (200 carries a default SDP answer unless sdp is given). */
  readonly final?: { readonly status: number; readonly afterMs?: number; readonly sdp?: string; readonly reason?: string };
}

export function applyBSide(leg: BLeg, behaviour: BSideBehaviour | undefined, schedule: (delayMs: number, action: () => void) => void): void {
  if (behaviour === undefined) return;
  if (behaviour.ringing === true) schedule(0, () => leg.respond(180));
  const final = behaviour.final;
  if (final === undefined) return;
  schedule(final.afterMs ?? 0, () => {
    if (leg.state !== 'calling' && leg.state !== 'early') return;
    if (final.status === 200) leg.answer({ sdp: final.sdp, reason: final.reason });
    else leg.respond(final.status, { reason: final.reason, sdp: final.sdp });
  });
}
