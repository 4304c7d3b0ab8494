import type Srf from 'drachtio-srf';

// drachtio-srf answers a re-INVITE by itself, with the dialog's old SDP, when the dialog has no 'modify'
// listener at that moment. A new dialog can get one before createB2BUA's promise lets the session listen:
// when a PBX re-INVITEs right after the answer and the event loop is busy, its frames arrive in the same
// read as the confirmation of the 200 and srf dispatches them before the promise goes on (seen under load
// through the real drachtio-server: the carrier never heard of the PBX's new media). So every dialog srf
// creates gets a listener at once; it keeps re-INVITEs until the session claims the dialog (onReinvite),
// and answers as srf would (200, its local SDP) for a dialog that nobody claims in time.

type Reinvite = (req: Srf.SrfRequest, res: Srf.SrfResponse) => void;

interface Claim {
  handler: Reinvite | null;
  readonly waiting: Array<{ req: Srf.SrfRequest; res: Srf.SrfResponse }>;
}

const CLAIM_WAIT_MS = 2_000;
const MAX_WAITING = 4; // a PBX sends one re-INVITE at a time (RFC 3261 14.1); more is answered at once
const claims = new WeakMap<Srf.Dialog, Claim>();

/** What srf does for a re-INVITE nobody handles: 200 with the dialog's current local SDP. */
export function answerAsSrf(dialog: Srf.Dialog, res: Srf.SrfResponse): void {
  const local = (dialog as unknown as { local: { sdp: string; contact: string } }).local;
  res.send(200, { body: local.sdp, headers: { Contact: local.contact, 'Content-Type': 'application/sdp' } });
}

/** Installs the early listener on every dialog `srf` creates from now on (srf's addDialog). Once per Srf. */
export function holdEarlyReinvites(srf: Srf): void {
  const target = srf as unknown as { addDialog(dialog: Srf.Dialog): void; soldeHoldsReinvites?: true };
  if (target.soldeHoldsReinvites) return;
  target.soldeHoldsReinvites = true;
  const addDialog = target.addDialog.bind(srf);
  target.addDialog = (dialog: Srf.Dialog) => {
    addDialog(dialog);
    const claim: Claim = { handler: null, waiting: [] };
    claims.set(dialog, claim);
    dialog.on('modify', (req: Srf.SrfRequest, res: Srf.SrfResponse) => {
      if (claim.handler) return claim.handler(req, res);
      if (claim.waiting.length >= MAX_WAITING) return answerAsSrf(dialog, res);
      const entry = { req, res };
      claim.waiting.push(entry);
      setTimeout(() => {
        const at = claim.waiting.indexOf(entry);
        if (at === -1) return;
        claim.waiting.splice(at, 1);
        try {
          answerAsSrf(dialog, res);
        } catch { /* the dialog ended meanwhile: nothing to answer */ }
      }, CLAIM_WAIT_MS).unref();
    });
  };
}

/** Handles the dialog's re-INVITEs from now on, those that came before first. */
export function onReinvite(dialog: Srf.Dialog, handler: Reinvite): void {
  const claim = claims.get(dialog);
  if (!claim) {
    dialog.on('modify', handler); // a dialog made before holdEarlyReinvites (none in Solde's own srf)
    return;
  }
  claim.handler = handler;
  for (const { req, res } of claim.waiting.splice(0)) handler(req, res);
}
