// The B side: the carrier trunk (a UAS) that the app reaches through drachtio-server with
// createUAC/createB2BUA. The test decides what it answers; what the app sees is what drachtio-server
// v0.9.4 would pass up (100 Trying absorbed by sofia, non-2xx ACKed by sofia, CANCEL's 200 not passed up).
import { hostPortText, sofiaViaHost, type AppLink } from './app-link';
import { extraHeaders, withBody } from './header-rules';
import { DEFAULT_WAIT_MS, Mailbox } from './mailbox';
import { applyReceivedVia } from './received-via';
import { SipMessage, buildSipMessage, byteLengthOf, copyHeaders, headerParam, headerRecord, parseSipUri, uriOf, type SipHeader } from './sip-message';
import { sendInDialogRequest } from './in-dialog-request';
import { ServerSessionTimer } from './session-timer';
import { newEndpointBranch, newEndpointTag, newSofiaBranch, newSofiaCallId, newSofiaTag, newTransactionId } from './sip-ids';
import { NOK, dialogIdOf, failureLeader, networkLeader, requestSentLeader, responseSentLeader, type HostPort } from './wire-leaders';

export const DEFAULT_ANSWER_SDP = [
  'v=0', 'o=callee 3 3 IN IP4 127.0.0.1', 's=uas', 'c=IN IP4 127.0.0.1', 't=0 0',
  'm=audio 42000 RTP/AVP 0 101', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000', 'a=sendrecv', '',
].join('\r\n');

export const REASON_PHRASES: Readonly<Record<number, string>> = {
  100: 'Trying', 180: 'Ringing', 181: 'Call Is Being Forwarded', 182: 'Queued', 183: 'Session Progress',
  200: 'OK', 400: 'Bad Request', 402: 'Payment Required', 403: 'Forbidden', 404: 'Not Found',
  408: 'Request Timeout', 480: 'Temporarily Unavailable', 481: 'Call/Transaction Does Not Exist',
  484: 'Address Incomplete', 486: 'Busy Here', 487: 'Request Terminated', 488: 'Not Acceptable Here',
  500: 'Server Internal Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Server Time-out', 603: 'Decline',
};

export interface BLegResponseOptions {
  readonly reason?: string;
  /** Body of the response (application/sdp). */
  readonly sdp?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

type BLegState = 'calling' | 'early' | 'answered' | 'failed' | 'ended';

export class BLeg {
  /** The INVITE as drachtio-server put it on the wire to the carrier. */
  readonly invite: SipMessage;
  readonly transactionId = newTransactionId();
  /** Where the INVITE went: the request URI's (or the proxy's) host and port. */
  readonly target: HostPort;
  state: BLegState = 'calling';
  /** Every response this side sent, 100 Trying included (sofia does not pass 100 up to the app). */
  readonly sentResponses: SipMessage[] = [];
  private readonly toTag = newEndpointTag();
  private localCseq = 0;
  /** How many requests (ACK aside) the app sent in this dialog: sofia's CSeq goes up from the INVITE's. */
  private localCseqOfApp = 0;
  private readonly ackBox = new Mailbox<SipMessage>('B leg: ACK from the app');
  private readonly requestBox = new Mailbox<SipMessage>('B leg: request from the app');
  private readonly cancelBox = new Mailbox<SipMessage>('B leg: CANCEL from the app');
  /** The server's refreshing re-INVITEs this side received, and the status it answers them with. */
  readonly refreshes: SipMessage[] = [];
  refreshStatus = 200;
  private readonly sessionTimer: ServerSessionTimer;

  constructor(private readonly link: AppLink, fromApp: SipMessage, msgId: string, proxy: string | undefined) {
    const parsed = parseSipUri(uriOf(proxy ?? fromApp.uri));
    this.target = { address: parsed.host, port: parsed.port ?? 5060 };
    this.invite = this.sofiaInvite(fromApp);
    link.send(requestSentLeader({
      requestMsgId: msgId, lengthBytes: byteLengthOf(this.invite), local: link.sipHost, transactionId: this.transactionId,
    }), this.invite);
    link.onClientTransaction(this.transactionId, (cancel, cancelMsgId) => this.onAppCancel(cancel, cancelMsgId));
    this.sessionTimer = new ServerSessionTimer({
      link,
      dialogId: () => this.dialogId,
      dialogHeaders: () => ({ from: this.invite.get('from') ?? '', to: `${this.invite.get('to') ?? ''};tag=${this.toTag}`,
        callId: this.callId, cseq: this.invite.cseqNumber + (this.localCseqOfApp += 1) }),
      remoteTarget: () => this.localContactUri(),
      localSdp: () => this.invite.body,
      localContact: () => this.invite.get('contact') ?? '',
      answerRefresh: (reinvite) => this.answerRefresh(reinvite),
      endedByServer: (bye) => {
        this.state = 'ended';
        this.link.forgetDialog(this.dialogId);
        this.requestBox.put(bye);
      },
    });
  }

  /** The carrier answers the server's refreshing re-INVITE with `refreshStatus` (200 echoes Session-Expires). */
  private answerRefresh(reinvite: SipMessage): SipMessage {
    this.refreshes.push(reinvite);
    const sessionExpires = reinvite.get('session-expires');
    const ok = this.refreshStatus === 200 && sessionExpires !== undefined;
    return this.responseTo(reinvite, this.refreshStatus, ok ? { sdp: DEFAULT_ANSWER_SDP, headers: { 'Session-Expires': sessionExpires } } : {}, true);
  }

  get requestUri(): string { return this.invite.uri; }
  get callId(): string { return this.invite.get('call-id') ?? ''; }
  get dialogId(): string { return dialogIdOf(this.callId, headerParam(this.invite.get('from'), 'tag') ?? ''); }
  /** The SDP offer of the INVITE, undefined when it had no body. */
  get sdp(): string | undefined { return this.invite.body === '' ? undefined : this.invite.body; }
  header(name: string): string | undefined { return this.invite.get(name); }

  /** Send a response to the INVITE (100 is absorbed by sofia and never reaches the app). */
  respond(status: number, options: BLegResponseOptions = {}): SipMessage {
    if (this.state !== 'calling' && this.state !== 'early') {
      throw new Error(`B leg: cannot respond ${status}, the INVITE is already ${this.state}`);
    }
    if (!Number.isInteger(status) || status < 100 || status > 699) throw new Error(`B leg: bad status ${status}`);
    const response = this.responseTo(this.invite, status, options, status > 100 && status < 300);
    this.sentResponses.push(response);
    if (status === 100) return response;
    if (status >= 200) this.finish(status);
    else this.state = 'early';
    this.link.send(networkLeader({
      lengthBytes: byteLengthOf(response), transport: 'udp', from: this.target,
      transactionId: this.transactionId, dialogId: this.dialogId,
    }), response);
    if (status === 200) this.sessionTimer.fromResponse(response);
    return response;
  }

  /** 200 OK with an SDP answer (a default PCMU answer unless given). */
  answer(options: BLegResponseOptions = {}): SipMessage {
    return this.respond(200, { ...options, sdp: options.sdp ?? DEFAULT_ANSWER_SDP });
  }

  /** The ACK the app sent for our 2xx, as it arrived. */
  waitForAck(timeoutMs = DEFAULT_WAIT_MS): Promise<SipMessage> {
    return this.ackBox.next('ACK', timeoutMs);
  }

  /** The app's BYE (this side answered 200 OK). */
  async waitForBye(timeoutMs = DEFAULT_WAIT_MS): Promise<SipMessage> {
    const request = await this.requestBox.next('BYE from the app', timeoutMs);
    if (request.method !== 'BYE') throw new Error(`B leg: expected BYE from the app, got ${request.method}`);
    return request;
  }

  /** The next in-dialog request from the app (answered 200 OK). */
  waitForRequest(timeoutMs = DEFAULT_WAIT_MS): Promise<SipMessage> {
    return this.requestBox.next('request from the app', timeoutMs);
  }

  /** The app's CANCEL. While ringing, this side answers it 200 and the INVITE 487, as a carrier does. */
  waitForCancel(timeoutMs = DEFAULT_WAIT_MS): Promise<SipMessage> {
    return this.cancelBox.next('CANCEL from the app', timeoutMs);
  }

  /** The carrier hangs up. Resolves with the app's response as the carrier receives it. */
  bye(options: { headers?: Readonly<Record<string, string>> } = {}): Promise<SipMessage> {
    if (this.state !== 'answered') throw new Error(`B leg: bye() needs an answered call (state ${this.state})`);
    this.localCseq += 1;
    const contact = this.invite.get('contact');
    const bye = buildSipMessage(`BYE ${contact === undefined ? uriOf(this.invite.get('from') ?? '') : uriOf(contact)} SIP/2.0`, [
      { name: 'Via', value: `SIP/2.0/UDP ${hostPortText(this.target)};branch=${newEndpointBranch()};rport` },
      { name: 'Max-Forwards', value: '70' },
      { name: 'From', value: `${this.invite.get('to') ?? ''};tag=${this.toTag}` },
      { name: 'To', value: this.invite.get('from') ?? '' },
      { name: 'Call-ID', value: this.callId },
      { name: 'CSeq', value: `${this.localCseq} BYE` },
      ...extraHeaders(options.headers),
    ]);
    const received = applyReceivedVia(bye, this.target);
    const transactionId = newTransactionId();
    const answered = new Mailbox<SipMessage>('B leg: response to BYE');
    this.link.onServerTransaction(transactionId, (response, msgId) => {
      const toCarrier = this.responseTo(received, response.status, { reason: response.reason, sdp: response.body,
        headers: headerRecord(response) }, false);
      this.link.send(responseSentLeader({
        requestMsgId: msgId, lengthBytes: byteLengthOf(toCarrier), transport: '', to: this.target, transactionId, dialogId: '',
      }), toCarrier);
      if (response.status >= 200) this.link.forgetServerTransaction(transactionId);
      answered.put(toCarrier);
    });
    this.state = 'ended';
    this.sessionTimer.cancel();
    this.link.forgetDialog(this.dialogId);
    this.link.send(networkLeader({
      lengthBytes: byteLengthOf(bye), transport: 'udp', from: this.target, transactionId, dialogId: this.dialogId,
    }), received);
    return answered.next('response to the BYE');
  }

  private finish(status: number): void {
    this.link.forgetClientTransaction(this.transactionId);
    if (status < 300) {
      this.state = 'answered';
      this.link.onDialog(this.dialogId, (request, msgId) => this.onAppRequest(request, msgId));
      return;
    }
    this.state = 'failed';
    // sofia ACKs a non-2xx itself; drachtio-srf still sends one and gets this NOK (transcripts b-fail*).
    this.link.onDialog(this.dialogId, (request, msgId) => {
      this.link.send(failureLeader(msgId, request.method === 'ACK' ? NOK.ackForFailure : NOK.unknownDialog));
      if (request.method === 'ACK') this.link.forgetDialog(this.dialogId);
    });
  }

  private onAppCancel(cancel: SipMessage, msgId: string): void {
    const sent = buildSipMessage(`CANCEL ${this.invite.uri} SIP/2.0`, [
      { name: 'Via', value: this.invite.get('via') ?? '' },
      { name: 'Max-Forwards', value: '70' },
      ...copyHeaders(this.invite, ['From', 'To', 'Call-ID']),
      { name: 'CSeq', value: `${this.invite.cseqNumber} CANCEL` },
      ...extraHeaders(headerRecord(cancel)),
    ]);
    this.link.send(requestSentLeader({
      requestMsgId: msgId, lengthBytes: byteLengthOf(sent), local: this.link.sipHost, transactionId: newTransactionId(),
    }), sent);
    this.cancelBox.put(sent);
    // A carrier answers the CANCEL 200 (sofia does not pass that up) and the INVITE 487.
    this.link.schedule(0, () => {
      if (this.state === 'calling' || this.state === 'early') this.respond(487);
    });
  }

  private onAppRequest(request: SipMessage, msgId: string): void {
    const isAck = request.method === 'ACK';
    if (!isAck) this.localCseqOfApp += 1;
    const { sent, transactionId } = sendInDialogRequest(this.link, request, msgId, {
      remoteTarget: this.localContactUri(),
      from: this.invite.get('from') ?? '',
      to: `${this.invite.get('to') ?? ''};tag=${this.toTag}`,
      callId: this.callId,
      cseq: this.invite.cseqNumber + (isAck ? 0 : this.localCseqOfApp),
    });
    if (isAck) {
      this.ackBox.put(sent);
      return;
    }
    if (request.method === 'BYE') {
      this.state = 'ended';
      this.sessionTimer.cancel();
      this.link.forgetDialog(this.dialogId);
    }
    const ok = this.responseTo(sent, 200, {}, true);
    // Sent on the next tick, as a network answer comes after the server's echo (transcript app-bye).
    this.link.schedule(0, () => this.link.send(networkLeader({
      lengthBytes: byteLengthOf(ok), transport: 'udp', from: this.target, transactionId, dialogId: this.dialogId,
    }), ok));
    this.requestBox.put(sent);
  }

  /** The INVITE drachtio-server builds from the app's `sip||` request (transcript: B2BUA INVITE). */
  private sofiaInvite(fromApp: SipMessage): SipMessage {
    const host = hostPortText(this.link.sipHost);
    const from = localize(fromApp.get('from') ?? `sip:${host}`, host);
    const headers: SipHeader[] = [
      { name: 'Via', value: `SIP/2.0/UDP ${sofiaViaHost(this.link.sipHost)};rport;branch=${newSofiaBranch()}` },
      { name: 'Max-Forwards', value: fromApp.get('max-forwards') ?? '70' },
      { name: 'From', value: `${from};tag=${newSofiaTag()}` },
      { name: 'To', value: fromApp.has('to') ? localize(fromApp.get('to') ?? '', host) : `<${fromApp.uri}>` },
      { name: 'Call-ID', value: fromApp.get('call-id') ?? newSofiaCallId() },
      { name: 'CSeq', value: `${this.link.nextCseq()} INVITE` },
      { name: 'Contact', value: localize(fromApp.get('contact') ?? from, host) },
      ...withBody(extraHeaders(headerRecord(fromApp)), fromApp),
    ];
    return buildSipMessage(`INVITE ${fromApp.uri} SIP/2.0`, headers, fromApp.body);
  }

  private responseTo(request: SipMessage, status: number, options: BLegResponseOptions, withContact: boolean): SipMessage {
    const body = options.sdp ?? '';
    const headers: SipHeader[] = [
      ...request.getAll('via').map((value) => ({ name: 'Via', value })),
      ...copyHeaders(request, ['From']),
      { name: 'To', value: request === this.invite ? `${request.get('to') ?? ''};tag=${this.toTag}` : request.get('to') ?? '' },
      ...copyHeaders(request, ['Call-ID', 'CSeq']),
      ...(withContact ? [{ name: 'Contact', value: `<${this.localContactUri()}>` }] : []),
      ...extraHeaders(options.headers),
      ...(body === '' ? [] : [{ name: 'Content-Type', value: 'application/sdp' }]),
    ];
    return buildSipMessage(`SIP/2.0 ${status} ${options.reason ?? REASON_PHRASES[status] ?? 'Unknown'}`, headers, body);
  }

  private localContactUri(): string {
    const user = parseSipUri(uriOf(this.invite.uri)).user;
    return `sip:${user === undefined ? '' : `${user}@`}${hostPortText(this.target)}`;
  }

  /** Called by the server on close(): pending waits fail with this reason. */
  close(reason: string): void {
    this.ackBox.close(reason);
    this.requestBox.close(reason);
    this.cancelBox.close(reason);
  }
}

/** drachtio-server puts its own hostport where the app wrote `localhost`, in a name-addr. */
function localize(value: string, host: string): string {
  const replaced = value.replace(/@localhost(?=[>;:]|$)/i, `@${host}`);
  if (replaced.includes('<')) return replaced;
  const semi = replaced.indexOf(';');
  return semi === -1 ? `<${replaced}>` : `<${replaced.slice(0, semi)}>${replaced.slice(semi)}`;
}
