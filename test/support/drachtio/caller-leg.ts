// The A side: a phone/PBX (UAC) behind drachtio-server. Everything it "sends" goes to the app the way
// drachtio-server v0.9.4 delivers it, and everything the app answers comes back the way the server
// would put it on the wire to the phone (Via, tags, Contact, Content-Length filled in by sofia).
import { hostPortText, type AppLink } from './app-link';
import { Mailbox, DEFAULT_WAIT_MS } from './mailbox';
import { applyReceivedVia } from './received-via';
import { SipMessage, buildSipMessage, byteLengthOf, copyHeaders, headerParam, headerRecord, uriOf, type SipHeader } from './sip-message';
import { sendInDialogRequest } from './in-dialog-request';
import { newSofiaTag, newTransactionId } from './sip-ids';
import { sofiaVerdict } from './sofia-precheck';
import { NOK, dialogIdOf, failureLeader, networkLeader, responseSentLeader, type HostPort } from './wire-leaders';
import { extraHeaders, withBody } from './header-rules';
import { buildInvite, inDialogHeaders, rawHeaders, type PlaceCallOptions } from './caller-invite';

type CallerState = 'calling' | 'early' | 'confirmed' | 'terminated' | 'rejected-by-server';

export class CallerLeg {
  readonly source: HostPort;
  readonly transactionId = newTransactionId();
  /** The INVITE as the app received it (after sofia filled in `rport=`). Undefined if the server refused it. */
  readonly invite: SipMessage | undefined;
  /** What drachtio-server itself did with the INVITE: delivered, or answered/dropped with a reason. */
  readonly serverVerdict: { delivered: boolean; serverAnswer: number | null; why: string };
  /** Every response the caller received, in order (the first is drachtio's own 100 Trying). */
  readonly responses: SipMessage[] = [];
  state: CallerState = 'calling';
  private toTag: string | undefined;
  private localCseq = 1;
  /** CSeq of the requests sofia sends to the phone in this dialog (the INVITE's + 1 first: transcript). */
  private remoteCseq = 0;
  private readonly responseBox = new Mailbox<SipMessage>('caller: response to INVITE');
  private readonly requestBox = new Mailbox<SipMessage>('caller: request from the app');
  private readonly autoAck: boolean;
  private inviteLengthBytes = 0;

  /** `routed` false: no app asks for INVITEs (all removed their route): the server answers 503 itself. */
  constructor(private readonly link: AppLink, options: PlaceCallOptions, routed = true) {
    this.source = options.source ?? { address: '127.0.0.1', port: 5090 };
    this.autoAck = options.autoAck ?? true;
    const sent = options.rawRequest ?? buildInvite(options, this.source, link).toString();
    // pending-request-controller.cpp processNewRequest: "No providers available for INVITE" → 503.
    const verdict = routed ? sofiaVerdict(sent) : { deliver: false as const, serverAnswer: 503, why: 'no app routed for INVITE: drachtio-server answers 503' };
    if (!verdict.deliver) {
      this.invite = undefined;
      this.serverVerdict = { delivered: false, serverAnswer: verdict.serverAnswer, why: verdict.why };
      this.state = 'rejected-by-server';
      if (verdict.serverAnswer !== null) this.receive(this.serverAnswerTo(sent, verdict.serverAnswer));
      return;
    }
    this.serverVerdict = { delivered: true, serverAnswer: null, why: 'delivered to the app' };
    this.invite = applyReceivedVia(verdict.message, this.source);
    this.inviteLengthBytes = byteLengthOf(verdict.message);
    this.localCseq = this.invite.cseqNumber;
    link.onServerTransaction(this.transactionId, (response, msgId) => this.onAppResponse(response, msgId));
    // sofia answers 100 Trying to every INVITE itself, before the app is asked.
    this.receive(this.sofiaResponse(100, 'Trying', false));
    link.send(networkLeader({
      lengthBytes: this.inviteLengthBytes,
      transport: 'udp', from: this.source, transactionId: this.transactionId, dialogId: '',
      receivedOn: link.sipHost,
    }), this.invite);
  }

  get callId(): string { return this.mustInvite().get('call-id') ?? ''; }
  get fromTag(): string { return headerParam(this.mustInvite().get('from'), 'tag') ?? ''; }
  get dialogId(): string { return dialogIdOf(this.callId, this.fromTag); }

  /** The next response (provisional or final) the app sent to the caller. */
  nextResponse(timeoutMs = DEFAULT_WAIT_MS): Promise<SipMessage> {
    return this.responseBox.next('response', timeoutMs);
  }

  /** Skips responses until one with this status (fails on a different final response). */
  async waitForStatus(status: number, timeoutMs = DEFAULT_WAIT_MS): Promise<SipMessage> {
    for (let round = 0; round < 100; round += 1) {
      const response = await this.responseBox.next(`response ${status}`, timeoutMs);
      if (response.status === status) return response;
      if (response.status >= 200) throw new Error(`caller: expected ${status}, got final ${response.status} ${response.reason}`);
    }
    throw new Error(`caller: more than 100 responses without a ${status}`);
  }

  /** Skips provisional responses and returns the final one. */
  async waitForFinal(timeoutMs = DEFAULT_WAIT_MS): Promise<SipMessage> {
    for (let round = 0; round < 100; round += 1) {
      const response = await this.responseBox.next('final response', timeoutMs);
      if (response.status >= 200) return response;
    }
    throw new Error('caller: more than 100 provisional responses');
  }

  /** ACK for the 2xx, delivered to the app like drachtio does (empty transport, INVITE transaction id). */
  ack(): void {
    if (this.state !== 'confirmed') throw new Error(`caller: ack() needs a 2xx first (state ${this.state})`);
    const ack = buildSipMessage(`ACK ${this.remoteTarget()} SIP/2.0`, [
      ...this.dialogRequestHeaders('ACK', this.mustInvite().cseqNumber),
    ]);
    this.deliverRequest(ack, '', this.transactionId);
  }

  /** Hang up: BYE to the app. Resolves with the app's response as the phone receives it. */
  bye(options: { headers?: Readonly<Record<string, string>> } = {}): Promise<SipMessage> {
    if (this.state !== 'confirmed') throw new Error(`caller: bye() needs a confirmed call (state ${this.state})`);
    this.localCseq += 1;
    const bye = buildSipMessage(`BYE ${this.remoteTarget()} SIP/2.0`, [
      ...this.dialogRequestHeaders('BYE', this.localCseq), ...extraHeaders(options.headers),
    ]);
    const transactionId = newTransactionId();
    const received = applyReceivedVia(bye, this.source);
    const answered = new Mailbox<SipMessage>('caller: response to BYE');
    this.link.onServerTransaction(transactionId, (response, msgId) => {
      const toPhone = this.sofiaResponseTo(received, response);
      this.link.send(responseSentLeader({
        requestMsgId: msgId, lengthBytes: byteLengthOf(toPhone), transport: '', to: this.source, transactionId, dialogId: '',
      }), toPhone);
      if (response.status >= 200) {
        this.link.forgetServerTransaction(transactionId);
        this.link.forgetDialog(this.dialogId);
        this.state = 'terminated';
      }
      answered.put(toPhone);
    });
    this.deliverRequest(bye, 'udp', transactionId);
    return answered.next('response to the BYE');
  }

  /**
   * CANCEL the INVITE. As drachtio-server does: sofia answers 200 to the CANCEL and 487 to the INVITE
   * itself, then the app gets the CANCEL (req 'cancel' event). After a final response it is too late:
   * the CANCEL gets 200 and the app hears nothing.
   */
  cancel(): { cancelResponse: SipMessage; inviteResponse: SipMessage | undefined } {
    const invite = this.mustInvite();
    const cancel = buildSipMessage(`CANCEL ${invite.uri} SIP/2.0`, [
      { name: 'Via', value: invite.get('via') ?? '' },
      { name: 'Max-Forwards', value: '70' },
      { name: 'From', value: invite.get('from') ?? '' },
      { name: 'To', value: invite.get('to') ?? '' },
      { name: 'Call-ID', value: this.callId },
      { name: 'CSeq', value: `${invite.cseqNumber} CANCEL` },
      // The recorded phone repeated its Contact on the CANCEL; kept so the wire matches the transcripts.
      ...copyHeaders(invite, invite.has('contact') ? ['Contact'] : []),
    ]);
    const cancelResponse = this.sofiaResponseTo(cancel, undefined, 200, 'OK', false);
    if (this.state !== 'calling' && this.state !== 'early') return { cancelResponse, inviteResponse: undefined };
    const inviteResponse = this.sofiaResponse(487, 'Request Terminated', true);
    this.state = 'terminated';
    this.receive(inviteResponse);
    // The CANCEL goes up with the INVITE's transaction id and packet length (seen in the transcripts).
    this.link.send(networkLeader({
      lengthBytes: this.inviteLengthBytes,
      transport: 'udp', from: this.source, transactionId: this.transactionId, dialogId: this.dialogId,
    }), cancel);
    return { cancelResponse, inviteResponse };
  }

  /** The next request the app sent into this dialog (BYE when it tears the call down); answered 200. */
  waitForRequest(timeoutMs = DEFAULT_WAIT_MS): Promise<SipMessage> {
    return this.requestBox.next('request from the app', timeoutMs);
  }

  /** The app's BYE on the A leg, as the phone received it (the phone answered 200 OK). */
  async waitForBye(timeoutMs = DEFAULT_WAIT_MS): Promise<SipMessage> {
    const request = await this.requestBox.next('BYE from the app', timeoutMs);
    if (request.method !== 'BYE') throw new Error(`caller: expected BYE from the app, got ${request.method}`);
    return request;
  }

  private onAppResponse(response: SipMessage, msgId: string): void {
    if (this.state !== 'calling' && this.state !== 'early') {
      this.link.send(failureLeader(msgId, NOK.unknownTransaction));
      return;
    }
    const status = response.status;
    const toPhone = this.sofiaResponseTo(this.mustInvite(), response, status, response.reason, status > 100);
    this.link.send(responseSentLeader({
      requestMsgId: msgId, lengthBytes: byteLengthOf(toPhone), transport: 'udp', to: this.source,
      transactionId: this.transactionId, dialogId: this.dialogId,
    }), toPhone);
    if (status >= 200) this.finish(status);
    else if (status > 100) this.state = 'early';
    this.responses.push(toPhone);
    // A phone ACKs a 2xx at once: before the test can act on the 200 (e.g. send BYE).
    if (status >= 200 && status < 300 && this.autoAck) this.ack();
    this.responseBox.put(toPhone);
  }

  private finish(status: number): void {
    this.link.forgetServerTransaction(this.transactionId);
    if (status >= 300) {
      // sofia ACKs non-2xx finals hop by hop; the app never sees that ACK.
      this.state = 'terminated';
      return;
    }
    this.state = 'confirmed';
    this.link.onDialog(this.dialogId, (request, msgId) => this.onAppRequest(request, msgId));
  }

  private onAppRequest(request: SipMessage, msgId: string): void {
    const invite = this.mustInvite();
    const to = invite.get('from') ?? '';
    const contact = invite.get('contact');
    if (request.method !== 'ACK') this.remoteCseq = Math.max(this.remoteCseq, invite.cseqNumber) + 1;
    const { sent, transactionId } = sendInDialogRequest(this.link, request, msgId, {
      remoteTarget: contact === undefined ? uriOf(to) : uriOf(contact),
      from: `${invite.get('to') ?? ''};tag=${this.toTag ?? ''}`, to, callId: this.callId, cseq: this.remoteCseq,
    });
    if (request.method === 'BYE') {
      this.link.forgetDialog(this.dialogId);
      this.state = 'terminated';
    }
    // The phone answers every in-dialog request with 200 OK.
    const ok = buildSipMessage('SIP/2.0 200 OK', [
      ...copyHeaders(sent, ['Via', 'From', 'To', 'Call-ID', 'CSeq']),
      { name: 'Contact', value: contact ?? `<sip:${hostPortText(this.source)}>` },
    ]);
    // Sent on the next tick, as a network answer comes after the server's echo (transcript app-bye).
    this.link.schedule(0, () => this.link.send(networkLeader({
      lengthBytes: byteLengthOf(ok), transport: 'udp', from: this.source, transactionId, dialogId: this.dialogId,
    }), ok));
    this.requestBox.put(sent);
  }

  /** A response drachtio-server builds from the app's (or its own) response to `request`. */
  private sofiaResponseTo(request: SipMessage, fromApp: SipMessage | undefined, status = fromApp?.status ?? 200,
    reason = fromApp?.reason ?? 'OK', withToTag = true): SipMessage {
    const headers: SipHeader[] = [
      ...request.getAll('via').map((value) => ({ name: 'Via', value })),
      { name: 'From', value: request.get('from') ?? '' },
      { name: 'To', value: this.toWithTag(request.get('to') ?? '', withToTag) },
      { name: 'Call-ID', value: request.get('call-id') ?? '' },
      { name: 'CSeq', value: request.get('cseq') ?? '' },
    ];
    const appContact = fromApp?.get('contact');
    const isInvite = request.method === 'INVITE';
    if (appContact !== undefined) headers.push({ name: 'Contact', value: appContact });
    else if (isInvite && status >= 200 && status < 300) headers.push({ name: 'Contact', value: `<sip:${hostPortText(this.link.sipHost)}>` });
    if (fromApp !== undefined) headers.push(...withBody(extraHeaders(headerRecord(fromApp)), fromApp));
    return buildSipMessage(`SIP/2.0 ${status} ${reason}`, headers, fromApp?.body ?? '');
  }

  private sofiaResponse(status: number, reason: string, withToTag: boolean): SipMessage {
    return this.sofiaResponseTo(this.mustInvite(), undefined, status, reason, withToTag);
  }

  private serverAnswerTo(raw: string, status: number): SipMessage {
    const reasons: Record<number, string> = { 400: 'Bad Request', 483: 'Too Many Hops', 503: 'Service Unavailable' };
    const request = new SipMessage('INVITE sip:x SIP/2.0', rawHeaders(raw), '');
    const headers: SipHeader[] = ['via', 'from', 'to', 'call-id', 'cseq']
      .filter((name) => request.has(name))
      .map((name) => ({ name, value: name === 'to' ? `${request.get(name)};tag=${newSofiaTag()}` : request.get(name) ?? '' }));
    return buildSipMessage(`SIP/2.0 ${status} ${reasons[status] ?? 'Error'}`, headers);
  }

  /** The To header with sofia's tag: chosen on the first response that needs one, kept afterwards. */
  private toWithTag(to: string, withToTag: boolean): string {
    if (!withToTag || headerParam(to, 'tag') !== undefined) return to;
    this.toTag ??= newSofiaTag();
    return `${to};tag=${this.toTag}`;
  }

  private remoteTarget(): string {
    const final = this.responses.find((r) => r.status >= 200 && r.status < 300);
    const contact = final?.get('contact');
    return contact === undefined ? this.mustInvite().uri : uriOf(contact);
  }

  private dialogRequestHeaders(method: string, cseq: number): SipHeader[] {
    return inDialogHeaders({ invite: this.mustInvite(), responses: this.responses, source: this.source, callId: this.callId }, method, cseq);
  }

  private deliverRequest(request: SipMessage, transport: 'udp' | '', transactionId: string): void {
    this.link.send(networkLeader({
      lengthBytes: byteLengthOf(request), transport, from: this.source, transactionId, dialogId: this.dialogId,
    }), applyReceivedVia(request, this.source));
  }

  private receive(response: SipMessage): void {
    this.responses.push(response);
    this.responseBox.put(response);
  }

  private mustInvite(): SipMessage {
    if (this.invite === undefined) throw new Error(`caller: the server did not deliver this INVITE (${this.serverVerdict.why})`);
    return this.invite;
  }

  /** Called by the server on close(): pending waits fail with this reason. */
  close(reason: string): void {
    this.responseBox.close(reason);
    this.requestBox.close(reason);
  }
}
