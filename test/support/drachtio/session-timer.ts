// drachtio-server v0.9.4's own RFC 4028 session timer on a dialog it made for the app's INVITE (the B leg),
// from its source (sip-dialog.cpp setSessionTimer/doSessionTimerHandling, sip-dialog-controller.cpp
// processResponseOutsideDialog, processResponseToRefreshingReinvite, notifyRefreshDialog,
// notifyTerminateStaleDialog): a 200 with Session-Expires starts it; refresher=uac (or none) means the
// server refreshes with a re-INVITE carrying the dialog's local SDP at half the interval, restarting on a
// 200 with Session-Expires; refresher=uas means the server sends BYE at the end of the interval. A failed
// refresh also ends in that BYE. The app hears of the BYE as of a request from the network, with the
// transaction id `unsolicited` and the source `application`. The app is not told of refreshes.
// Header order and values of the re-INVITE, the BYE and the frame to the app were checked against the real
// server (test/real/session-timer.test.ts: sofia prints `10;refresher=uac` and `SIP;cause=200;...`). The ±5 s jitter the
// server adds to its refresh time is left out (it would make short test intervals meaningless).
import { sofiaViaHost, type AppLink } from './app-link';
import { buildSipMessage, byteLengthOf, headerParam, type SipHeader, type SipMessage } from './sip-message';
import { newSofiaBranch } from './sip-ids';
import { applicationLeader } from './wire-leaders';

// As sofia prints it (the source writes `SIP ;cause=200 ;text=...`; seen through the real server, test/real/session-timer.test.ts).
export const STALE_REASON = 'SIP;cause=200;text="Session timer expired"';

/** What the timer needs of its dialog (BLeg). */
export interface TimedDialog {
  readonly link: AppLink;
  dialogId(): string;
  /** From, To, Call-ID of a request the server starts in the dialog, and the next CSeq number. */
  dialogHeaders(): { from: string; to: string; callId: string; cseq: number };
  remoteTarget(): string;
  localSdp(): string;
  localContact(): string;
  /** The far end answers the server's refresh (the test chooses how). */
  answerRefresh(reinvite: SipMessage): SipMessage;
  /** The server's BYE went out: the dialog is over. */
  endedByServer(bye: SipMessage): void;
}

export class ServerSessionTimer {
  private generation = 0;
  private running = false;

  constructor(private readonly dialog: TimedDialog) {}

  /** A 200 to an INVITE from the far end: its Session-Expires (if any) sets the timer. */
  fromResponse(response: SipMessage): void {
    const value = response.get('session-expires') ?? response.get('x');
    if (value === undefined) return;
    const seconds = Number(value.split(';')[0]?.trim());
    if (!Number.isInteger(seconds) || seconds <= 0) return;
    const refresher = headerParam(value, 'refresher')?.toLowerCase();
    this.set(seconds, refresher === undefined || refresher === 'uac');
  }

  cancel(): void {
    this.generation += 1;
    this.running = false;
  }

  get isRunning(): boolean { return this.running; }

  private set(seconds: number, weRefresh: boolean): void {
    this.cancel();
    this.running = true;
    const generation = this.generation;
    const delayMs = weRefresh ? (seconds * 1000) / 2 : seconds * 1000;
    this.dialog.link.schedule(delayMs, () => {
      if (generation !== this.generation) return;
      this.running = false;
      if (weRefresh) this.refresh(seconds);
      else this.terminate();
    });
  }

  private refresh(seconds: number): void {
    const reinvite = this.request('INVITE', [
      { name: 'Contact', value: this.dialog.localContact() },
      { name: 'Session-Expires', value: `${seconds};refresher=uac` },
      { name: 'Min-SE', value: '90' },
      { name: 'Content-Type', value: 'application/sdp' },
    ], this.dialog.localSdp());
    const answer = this.dialog.answerRefresh(reinvite);
    if (answer.status !== 200) return this.terminate();
    this.fromResponse(answer); // the server ACKs the 200 itself; nothing goes to the app
  }

  private terminate(): void {
    const bye = this.request('BYE', [{ name: 'Reason', value: STALE_REASON }]);
    this.dialog.endedByServer(bye);
    this.dialog.link.send(applicationLeader({
      lengthBytes: byteLengthOf(bye), local: this.dialog.link.sipHost, transactionId: 'unsolicited', dialogId: this.dialog.dialogId(),
    }), bye);
  }

  private request(method: string, extra: SipHeader[], body = ''): SipMessage {
    const { from, to, callId, cseq } = this.dialog.dialogHeaders();
    return buildSipMessage(`${method} ${this.dialog.remoteTarget()} SIP/2.0`, [
      { name: 'Via', value: `SIP/2.0/UDP ${sofiaViaHost(this.dialog.link.sipHost)};rport;branch=${newSofiaBranch()}` },
      { name: 'Max-Forwards', value: '70' },
      { name: 'From', value: from },
      { name: 'To', value: to },
      { name: 'Call-ID', value: callId },
      { name: 'CSeq', value: `${cseq} ${method}` },
      ...extra,
    ], body);
  }
}
