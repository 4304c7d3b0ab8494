// A request the app sends inside a dialog (`sip||<dialog id>`: ACK, BYE, INFO...), as drachtio-server
// puts it on the wire: the app wrote `BYE sip:placeholder` and only its own headers; sofia fills in
// the remote target, a new Via branch, Max-Forwards, the dialog's From/To/Call-ID and its CSeq.
import { sofiaViaHost, type AppLink } from './app-link';
import { extraHeaders, withBody } from './header-rules';
import { buildSipMessage, byteLengthOf, headerRecord, type SipMessage } from './sip-message';
import { newSofiaBranch, newTransactionId } from './sip-ids';
import { requestSentLeader } from './wire-leaders';

export interface DialogSide {
  readonly remoteTarget: string;
  readonly from: string;
  readonly to: string;
  readonly callId: string;
  readonly cseq: number;
}

/** Builds the request, echoes it to the app (`Msg sent:`) and returns it with its transaction id. */
export function sendInDialogRequest(link: AppLink, fromApp: SipMessage, msgId: string, side: DialogSide):
  { sent: SipMessage; transactionId: string } {
  const sent = buildSipMessage(`${fromApp.method} ${side.remoteTarget} SIP/2.0`, [
    { name: 'Via', value: `SIP/2.0/UDP ${sofiaViaHost(link.sipHost)};rport;branch=${newSofiaBranch()}` },
    { name: 'Max-Forwards', value: '70' },
    { name: 'From', value: side.from },
    { name: 'To', value: side.to },
    { name: 'Call-ID', value: side.callId },
    { name: 'CSeq', value: `${side.cseq} ${fromApp.method}` },
    ...withBody(extraHeaders(headerRecord(fromApp)), fromApp),
  ], fromApp.body);
  const transactionId = newTransactionId();
  link.send(requestSentLeader({
    requestMsgId: msgId, lengthBytes: byteLengthOf(sent), local: link.sipHost, transactionId,
  }), sent);
  return { sent, transactionId };
}
