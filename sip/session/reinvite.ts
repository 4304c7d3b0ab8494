import type Srf from 'drachtio-srf';
import type { Call } from './call';
import { answerAsSrf, onReinvite } from './early-reinvites';

// Re-INVITEs inside an answered call (a PBX's hold, a new media address, a session refresh) go through
// to the other leg, as a B2BUA must. Without a 'modify' listener drachtio-srf answers a re-INVITE itself
// with the dialog's old SDP and tells the other leg nothing (seen through the real drachtio-server: the
// PBX moved its media, the carrier kept sending to the old port). Paid calls are anchored: the caller's
// new offer goes through rtpengine both ways. A carrier's re-INVITE on a paid call keeps srf's answer
// (rtpengine already faces the carrier; re-anchoring that direction is not needed for media to flow).

type Side = 'caller' | 'callee';

//
// A re-INVITE whose SDP is byte for byte the leg's current one is a session refresh (RFC 4028): it is
// answered here, as srf would, and not relayed. drachtio-server already restarted that leg's session timer
// when it came in, and the other leg has its own timer; relaying it would only let a glitch on the other
// leg (491, a timeout) fail the caller's refresh and so end a healthy call. Stricter than srf's own
// 'refresh' test (same o= version), so a PBX that changes its media without a new version is still relayed.

export function relayReinvites(session: Call, uas: Srf.Dialog, uac: Srf.Dialog): void {
  // The SDP each side last offered or answered: the caller's INVITE, and B's answer as passed to the caller.
  const current: Record<Side, string> = { caller: session.req.body, callee: localSdpOf(uas) };
  const handle = (from: Side, own: Srf.Dialog, other: Srf.Dialog) => (req: Srf.SrfRequest, res: Srf.SrfResponse) => {
    if (req.body === current[from]) return answerAsSrf(own, res);
    void relay(session, from, other, req, res).then((answer) => {
      if (answer === null) return;
      current[from] = req.body;
      current[from === 'caller' ? 'callee' : 'caller'] = answer;
    });
  };
  onReinvite(uas, handle('caller', uas, uac));
  if (session.mediaAnchored) onReinvite(uac, (_req, res) => answerAsSrf(uac, res));
  else onReinvite(uac, handle('callee', uac, uas));
}

function localSdpOf(dialog: Srf.Dialog): string {
  return (dialog as unknown as { local: { sdp: string } }).local.sdp;
}

async function relay(session: Call, from: Side, other: Srf.Dialog, req: Srf.SrfRequest, res: Srf.SrfResponse): Promise<string | null> {
  // Resolves with the other leg's answer once relayed, null when the re-INVITE was refused.
  const { media } = session.services;
  const anchored = session.mediaAnchored && from === 'caller';
  try {
    const offer = anchored ? await media.offer(session.mediaCall, req.body) : req.body;
    const answer = await other.modify(offer);
    const back = anchored ? await media.answer(session.mediaCall, answer) : answer;
    res.send(200, { body: back, headers: { 'Content-Type': 'application/sdp' } });
    return answer;
  } catch (error) {
    // The other leg refused or is gone: refuse the re-INVITE; the call itself goes on as it was.
    const status = (error as { status?: number }).status;
    session.log.warn({ err: error, from }, 're-INVITE not relayed');
    res.send(status !== undefined && status >= 400 ? status : 488);
    return null;
  }
}
