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

export function relayReinvites(session: Call, uas: Srf.Dialog, uac: Srf.Dialog): void {
  onReinvite(uas, (req, res) => void relay(session, 'caller', uac, req, res));
  if (session.mediaAnchored) onReinvite(uac, (_req, res) => answerAsSrf(uac, res));
  else onReinvite(uac, (req, res) => void relay(session, 'callee', uas, req, res));
}

async function relay(session: Call, from: Side, other: Srf.Dialog, req: Srf.SrfRequest, res: Srf.SrfResponse): Promise<void> {
  const { media } = session.services;
  const anchored = session.mediaAnchored && from === 'caller';
  try {
    const offer = anchored ? await media.offer(session.mediaCall, req.body) : req.body;
    const answer = await other.modify(offer);
    const back = anchored ? await media.answer(session.mediaCall, answer) : answer;
    res.send(200, { body: back, headers: { 'Content-Type': 'application/sdp' } });
  } catch (error) {
    // The other leg refused or is gone: refuse the re-INVITE; the call itself goes on as it was.
    const status = (error as { status?: number }).status;
    session.log.warn({ err: error, from }, 're-INVITE not relayed');
    res.send(status !== undefined && status >= 400 ? status : 488);
  }
}
