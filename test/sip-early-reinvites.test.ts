// A re-INVITE that reaches a dialog before its session listens is kept for the session, not answered by
// drachtio-srf with the old SDP (sip/session/early-reinvites.ts). The dialogs here are EventEmitters shaped
// like srf's (srf itself dispatches a re-INVITE as a 'modify' event); the whole path runs through the real
// drachtio-server in test/real/calls.test.ts.
import { EventEmitter } from 'node:events';
import type Srf from 'drachtio-srf';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { holdEarlyReinvites, onReinvite } from '../sip/session/early-reinvites';

function fakeSrf(): { srf: Srf; added: EventEmitter[] } {
  const added: EventEmitter[] = [];
  const srf = { addDialog: (dialog: EventEmitter) => { added.push(dialog); } } as unknown as Srf;
  holdEarlyReinvites(srf);
  return { srf, added };
}

function newDialog(srf: Srf): EventEmitter & Srf.Dialog {
  const dialog = Object.assign(new EventEmitter(), { local: { sdp: 'v=0 old', contact: '<sip:solde>' } });
  (srf as unknown as { addDialog(d: unknown): void }).addDialog(dialog);
  return dialog as unknown as EventEmitter & Srf.Dialog;
}

function reinvite(dialog: EventEmitter, body: string) {
  const sent: Array<{ status: number; body?: string }> = [];
  const res = { send: (status: number, opts?: { body?: string }) => { sent.push({ status, body: opts?.body }); } };
  dialog.emit('modify', { body } as unknown as Srf.SrfRequest, res as unknown as Srf.SrfResponse);
  return sent;
}

afterEach(() => { vi.useRealTimers(); });

describe('early re-INVITEs', () => {
  it('still adds the dialog to srf, and gives a re-INVITE that came before the claim to the session', () => {
    const { srf, added } = fakeSrf();
    const dialog = newDialog(srf);
    expect(added).toEqual([dialog]);
    const answered = reinvite(dialog, 'v=0 new');
    expect(answered).toEqual([]); // kept, not answered with the old SDP
    const seen: string[] = [];
    onReinvite(dialog, (req, res) => { seen.push(req.body); res.send(200, { body: 'v=0 relayed' }); });
    expect(seen).toEqual(['v=0 new']);
    expect(answered).toEqual([{ status: 200, body: 'v=0 relayed' }]);
    reinvite(dialog, 'v=0 later');
    expect(seen).toEqual(['v=0 new', 'v=0 later']); // and every one after it
  });

  it('answers as srf would (200, the local SDP) when nobody claims the dialog in time, and bounds what it keeps', () => {
    vi.useFakeTimers();
    const { srf } = fakeSrf();
    const dialog = newDialog(srf);
    const first = reinvite(dialog, 'v=0 a');
    for (let i = 0; i < 3; i += 1) reinvite(dialog, `v=0 ${i}`);
    const overflow = reinvite(dialog, 'v=0 fifth');
    expect(overflow).toEqual([{ status: 200, body: 'v=0 old' }]); // past 4 kept, answered at once
    expect(first).toEqual([]);
    vi.advanceTimersByTime(2_000);
    expect(first).toEqual([{ status: 200, body: 'v=0 old' }]);
    const seen: string[] = [];
    onReinvite(dialog, (req) => { seen.push(req.body); });
    expect(seen).toEqual([]); // answered ones are not handed over again
  });
});
