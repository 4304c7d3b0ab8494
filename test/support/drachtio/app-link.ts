// What a leg (caller or carrier side) needs from the emulated drachtio-server: sending to the app and
// being told what the app sends back on a transaction or a dialog.
import type { SipMessage } from './sip-message';
import type { HostPort } from './wire-leaders';

/** The app's response on a server transaction (INVITE from the caller, BYE from either side). */
export type ServerTransactionHandler = (response: SipMessage, requestMsgId: string) => void;
/** A request the app sends inside a dialog (ACK, BYE, INFO...): the stackDialogId it gave. */
export type DialogHandler = (request: SipMessage, requestMsgId: string) => void;
/** A CANCEL the app sends for an INVITE it started (stackTxnId = that INVITE's transaction). */
export type ClientTransactionHandler = (cancel: SipMessage, requestMsgId: string) => void;

export interface AppLink {
  /** Where drachtio-server listens for SIP (127.0.0.1:5060 in the transcripts). */
  readonly sipHost: HostPort;
  send(leader: string, sip?: SipMessage): void;
  onServerTransaction(transactionId: string, handler: ServerTransactionHandler): void;
  forgetServerTransaction(transactionId: string): void;
  onDialog(dialogId: string, handler: DialogHandler): void;
  forgetDialog(dialogId: string): void;
  onClientTransaction(transactionId: string, handler: ClientTransactionHandler): void;
  forgetClientTransaction(transactionId: string): void;
  /** Next CSeq number for a request sofia starts outside a dialog. */
  nextCseq(): number;
  /** A timer the server must clear on close(). */
  schedule(delayMs: number, action: () => void): void;
}

/** The Via host of sofia's own requests: no port when it is the default 5060. */
export function sofiaViaHost(sipHost: HostPort): string {
  return sipHost.port === 5060 ? sipHost.address : `${sipHost.address}:${sipHost.port}`;
}

export function hostPortText(hostPort: HostPort): string {
  return `${hostPort.address}:${hostPort.port}`;
}
