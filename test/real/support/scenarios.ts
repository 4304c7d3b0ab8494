// SIPp scenarios for the real-server tests and benchmarks: the PBX (caller, UAC) and the carrier trunk
// (UAS). Each one is a whole SIPp XML file; every wait in it is bounded (`timeout` on each recv).

export interface CallerScenario {
  /** Digits the PBX sends in the request URI and To, e.g. 00212612345678. */
  readonly dialled: string;
  /** Calling extension (From user). */
  readonly extension: string;
  /** drachtio-server's SIP address, host:port. */
  readonly server: string;
  /** Fixed Call-ID and From tag (one call), or SIPp's per-call ids when absent (load). */
  readonly callId?: string;
  readonly fromTag?: string;
  /** The caller's RTP port in its SDP offer. */
  readonly rtpPort: number;
  /** What the caller does. */
  readonly steps: readonly CallerStep[];
  /** Extra INVITE headers, e.g. 'Require: 100rel'. */
  readonly inviteHeaders?: readonly string[];
}

export type CallerStep =
  | { readonly kind: 'expect'; readonly status: number; readonly timeoutMs: number; readonly optional?: boolean; readonly rtd?: string }
  /** A final answer the caller gets: non-2xx is ACKed by SIPp's transaction layer rules (here: explicitly). */
  | { readonly kind: 'expect-final-error'; readonly status: number; readonly timeoutMs: number }
  | { readonly kind: 'answered'; readonly timeoutMs: number; readonly rtd?: string }
  | { readonly kind: 'pause'; readonly ms: number }
  /** BYE, answered 200 (or `status`: 481 when no app owns the dialog any more). */
  | { readonly kind: 'bye'; readonly status?: number }
  | { readonly kind: 'expect-bye'; readonly timeoutMs: number }
  | { readonly kind: 'cancel'; readonly timeoutMs: number }
  /** A reliable provisional (RFC 3262): expects it with RSeq and sends PRACK (the INVITE must require 100rel). */
  | { readonly kind: 'expect-reliable'; readonly status: number; readonly timeoutMs: number }
  /** A re-INVITE in the dialog (a PBX's session refresh or hold): expects 200 and ACKs it. */
  | { readonly kind: 'reinvite'; readonly cseq: number; readonly timeoutMs: number }
  /** A session refresh (RFC 4028): a re-INVITE with the INVITE's own SDP and these headers; expects 200, ACKs. */
  | { readonly kind: 'refresh'; readonly cseq: number; readonly rtpPort: number; readonly headers: readonly string[]; readonly timeoutMs: number };

/** The INVITE's branch, repeated by its CANCEL and by the ACK of a non-2xx answer (same transaction). */
const INVITE_BRANCH = 'z9hG4bK-[pid]-[call_number]-invite';

const HEAD = '<?xml version="1.0" encoding="ISO-8859-1" ?>\n<!DOCTYPE scenario SYSTEM "sipp.dtd">\n';

export function offerSdp(rtpPort: number): string {
  return ['v=0', 'o=pbx 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', `m=audio ${rtpPort} RTP/AVP 0 101`,
    'a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000', 'a=sendrecv'].join('\n');
}

export function callerScenario(s: CallerScenario): string {
  const callId = s.callId ?? '[call_id]';
  const fromTag = s.fromTag ?? '[pid]SIPpTag00[call_number]';
  const uri = `sip:${s.dialled}@${s.server}`;
  const from = `<sip:${s.extension}@[local_ip]>;tag=${fromTag}`;
  const common = `From: ${from}\nTo: <${uri}>\nCall-ID: ${callId}`;
  // SIPp starts one response-time measure per message: a second one starts at the 100 Trying that
  // drachtio-server (sofia) sends at once (a <nop> after the INVITE made SIPp take the 100 as unexpected).
  const [firstRtd, ...moreRtds] = s.steps.flatMap((step) => 'rtd' in step && step.rtd ? [step.rtd] : []);
  const parts: string[] = [`<send retrans="500"${firstRtd ? ` start_rtd="${firstRtd}"` : ''}>
<![CDATA[
INVITE ${uri} SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=${INVITE_BRANCH}
${common}
CSeq: 1 INVITE
Contact: <sip:${s.extension}@[local_ip]:[local_port]>
Max-Forwards: 70
User-Agent: pbx-sipp
${(s.inviteHeaders ?? []).map((h) => `${h}\n`).join('')}Content-Type: application/sdp
Content-Length: [len]

${offerSdp(s.rtpPort)}
]]>
</send>
${moreRtds.length === 0 ? '<recv response="100" optional="true" timeout="5000"/>' : `<recv response="100" timeout="5000" start_rtd="${moreRtds.join(',')}"/>`}`];
  for (const step of s.steps) parts.push(callerStep(step, common, uri));
  return `${HEAD}<scenario name="pbx caller">\n${parts.join('\n')}\n</scenario>\n`;
}

function callerStep(step: CallerStep, common: string, uri: string): string {
  const rtd = (name?: string) => name ? ` rtd="${name}"` : '';
  switch (step.kind) {
    case 'expect':
      return `<recv response="${step.status}" timeout="${step.timeoutMs}"${step.optional ? ' optional="true"' : ''}${rtd(step.rtd)}/>`;
    case 'expect-final-error':
      // The ACK of a non-2xx answer belongs to the INVITE's transaction: same URI and branch.
      return `<recv response="${step.status}" timeout="${step.timeoutMs}"/>\n<send>${request('ACK', uri, INVITE_BRANCH, 1)}</send>`;
    case 'answered':
      // A free call relays the carrier's 180; a paid call keeps it from the caller (tests assert which).
      return `<recv response="180" optional="true" timeout="${step.timeoutMs}"/>
<recv response="200" rrs="true" timeout="${step.timeoutMs}"${rtd(step.rtd)}/>
<send>${request('ACK', '[next_url]', '[branch]', 1)}</send>`;
    case 'expect-reliable':
      return `<recv response="${step.status}" rrs="true" timeout="${step.timeoutMs}">
<action><ereg regexp="[0-9]+" search_in="hdr" header="RSeq:" assign_to="rseq"/></action>
</recv>
<send retrans="500">${request('PRACK', '[next_url]', '[branch]', 2, 'RAck: [$rseq] 1 INVITE\n')}</send>
<recv response="200" timeout="${step.timeoutMs}"/>`;
    case 'pause':
      return `<pause milliseconds="${step.ms}"/>`;
    case 'bye':
      // CSeq 10: above any re-INVITE's.
      return `<send retrans="500">${request('BYE', '[next_url]', '[branch]', 10)}</send>\n<recv response="${step.status ?? 200}" timeout="5000"/>`;
    case 'reinvite': {
      const sdp = offerSdp(6002).replace('o=pbx 1 1', 'o=pbx 1 2');
      const extra = 'Contact: <sip:pbx@[local_ip]:[local_port]>\nContent-Type: application/sdp\n';
      return `<send retrans="500">${request('INVITE', '[next_url]', '[branch]', step.cseq, extra, sdp)}</send>
<recv response="100" optional="true" timeout="${step.timeoutMs}"/>
<recv response="200" timeout="${step.timeoutMs}"/>
<send>${request('ACK', '[next_url]', '[branch]', step.cseq)}</send>`;
    }
    case 'refresh': {
      const extra = `Contact: <sip:pbx@[local_ip]:[local_port]>\n${step.headers.map((h) => `${h}\n`).join('')}Content-Type: application/sdp\n`;
      return `<send retrans="500">${request('INVITE', '[next_url]', '[branch]', step.cseq, extra, offerSdp(step.rtpPort))}</send>
<recv response="100" optional="true" timeout="${step.timeoutMs}"/>
<recv response="200" timeout="${step.timeoutMs}"/>
<send>${request('ACK', '[next_url]', '[branch]', step.cseq)}</send>`;
    }
    case 'expect-bye':
      return `<recv request="BYE" timeout="${step.timeoutMs}"/>
${okToLast()}`;
    case 'cancel':
      return `<send><![CDATA[
CANCEL ${uri} SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=${INVITE_BRANCH}
${common}
CSeq: 1 CANCEL
Max-Forwards: 70
Content-Length: 0

]]></send>
<recv response="200" timeout="${step.timeoutMs}"/>
${callerStep({ kind: 'expect-final-error', status: 487, timeoutMs: step.timeoutMs }, common, uri)}`;
  }
}

/** A request in the dialog of the last message: its From, To and Call-ID; a body gets its length. */
function request(method: string, target: string, branch: string, cseq: number, extraHeaders = '', body = ''): string {
  return `<![CDATA[
${method} ${target} SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=${branch}
[last_From:]
[last_To:]
[last_Call-ID:]
CSeq: ${cseq} ${method}
Max-Forwards: 70
${extraHeaders}Content-Length: ${body ? '[len]' : '0'}

${body ? `${body}\n` : ''}]]>`;
}

function okToLast(): string {
  return `<send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0

]]></send>`;
}

export type CarrierBehaviour =
  /** Answers after ringing; then waits for the BYE (`hangup: 'caller'`) or sends one after talkMs. */
  | { readonly kind: 'answer'; readonly ringMs: number; readonly hangup: { readonly by: 'caller'; readonly timeoutMs: number } | { readonly by: 'callee'; readonly talkMs: number };
      /** Expects one re-INVITE from Solde after the answer, and answers it with a new port. */
      readonly reinvite?: boolean;
      /** Extra headers on the 200, e.g. 'Session-Expires: 2;refresher=uas'. */
      readonly answerHeaders?: readonly string[];
      /** Expects drachtio-server's refreshing re-INVITE (RFC 4028) after the answer and fails it with this status. */
      readonly failRefresh?: { readonly status: number; readonly reason: string; readonly timeoutMs: number } }
  /** Rings and waits for a CANCEL. */
  | { readonly kind: 'ring-until-cancel'; readonly timeoutMs: number }
  /** Answers with this failure. */
  | { readonly kind: 'fail'; readonly status: number; readonly reason: string };

const TO_TAG = '[pid]SIPpTag01[call_number]';

/** The carrier's response to the last request: extra header lines, and an SDP answer on rtpPort unless null. */
function carrierResponse(status: number, reason: string, extra: string, rtpPort: number | null): string {
  return `<send${rtpPort !== null ? ' retrans="500"' : ''}><![CDATA[
SIP/2.0 ${status} ${reason}
[last_Via:]
[last_From:]
[last_To:];tag=${TO_TAG}
[last_Call-ID:]
[last_CSeq:]
Contact: <sip:carrier@[local_ip]:[local_port]>
${extra}${rtpPort !== null ? `Content-Type: application/sdp\nContent-Length: [len]\n\n${answerSdp(rtpPort)}` : 'Content-Length: 0\n'}
]]></send>`;
}

/** The carrier trunk: takes the B leg's INVITE (with the SDP Solde offers) and behaves as told. */
export function carrierScenario(behaviour: CarrierBehaviour, inviteTimeoutMs: number, rtpPort = 6000): string {
  const answerHeaders = behaviour.kind === 'answer' ? (behaviour.answerHeaders ?? []).map((h) => `${h}\n`).join('') : '';
  const response = (status: number, reason: string, sdp = false) =>
    carrierResponse(status, reason, status === 200 ? answerHeaders : '', sdp ? rtpPort : null);
  // SIPp refuses a variable that is set and never used: the INVITE's CSeq is kept only for the 487.
  const keepCseq = behaviour.kind === 'ring-until-cancel'
    ? '\n<action><ereg regexp="[0-9]+" search_in="hdr" header="CSeq:" assign_to="invite_cseq"/></action>\n'
    : behaviour.kind === 'answer' && behaviour.hangup.by === 'callee'
      ? '\n<action><ereg regexp="sip:[^>;]*" search_in="hdr" header="Contact:" assign_to="peer_contact"/></action>\n' : '';
  const parts = [`<recv request="INVITE" timeout="${inviteTimeoutMs}">${keepCseq}</recv>`];
  if (behaviour.kind === 'fail') {
    parts.push(response(behaviour.status, behaviour.reason), '<recv request="ACK" timeout="5000"/>');
  } else if (behaviour.kind === 'ring-until-cancel') {
    parts.push(response(180, 'Ringing'), `<recv request="CANCEL" timeout="${behaviour.timeoutMs}"/>`, okToLast().replace('[last_To:]', `[last_To:];tag=${TO_TAG}`),
      `<send><![CDATA[
SIP/2.0 487 Request Terminated
[last_Via:]
[last_From:]
[last_To:];tag=${TO_TAG}
[last_Call-ID:]
CSeq: [$invite_cseq] INVITE
Content-Length: 0

]]></send>`, '<recv request="ACK" timeout="5000"/>');
  } else {
    parts.push(response(180, 'Ringing'), `<pause milliseconds="${behaviour.ringMs}"/>`, response(200, 'OK', true),
      behaviour.hangup.by === 'caller' ? '<recv request="ACK" timeout="5000"/>' : `<recv request="ACK" timeout="5000">
<action>
<ereg regexp=".*" search_in="hdr" header="From:" assign_to="peer"/>
<ereg regexp=".*" search_in="hdr" header="To:" assign_to="self"/>
</action>
</recv>`);
    if (behaviour.reinvite) {
      // In the dialog: the To of the re-INVITE already carries our tag.
      const ok = response(200, 'OK', true).replace(`[last_To:];tag=${TO_TAG}`, '[last_To:]').replace(`m=audio ${rtpPort} `, `m=audio ${rtpPort + 2} `);
      parts.push(`<recv request="INVITE" timeout="10000"/>`, ok, '<recv request="ACK" timeout="5000"/>');
    }
    if (behaviour.failRefresh) {
      const { status, reason, timeoutMs } = behaviour.failRefresh;
      // sofia ACKs a non-2xx itself; the ACK is optional so the server's BYE right after it still matches.
      parts.push(`<recv request="INVITE" timeout="${timeoutMs}"/>`, response(status, reason).replace(`[last_To:];tag=${TO_TAG}`, '[last_To:]'),
        '<recv request="ACK" optional="true" timeout="5000"/>');
    }
    if (behaviour.hangup.by === 'caller') {
      parts.push(`<recv request="BYE" timeout="${behaviour.hangup.timeoutMs}"/>`, okToLast());
    } else {
      parts.push(`<pause milliseconds="${behaviour.hangup.talkMs}"/>`, `<send retrans="500"><![CDATA[
BYE [$peer_contact] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From:[$self]
To:[$peer]
[last_Call-ID:]
CSeq: 2 BYE
Max-Forwards: 70
Content-Length: 0

]]></send>`, '<recv response="200" timeout="5000"/>');
    }
  }
  return `${HEAD}<scenario name="carrier">\n${parts.join('\n')}\n</scenario>\n`;
}

/**
 * A carrier wanting a longer session interval (RFC 4028): an INVITE asking `askedSeconds` gets 422 with
 * Min-SE (its own SIPp call), the retry is answered and then waits for the BYE. Run with 2 calls.
 */
export function minSeCarrierScenario(askedSeconds: number, minSe: number, timeoutMs: number, rtpPort = 6000): string {
  return `${HEAD}<scenario name="carrier asking Min-SE">
<recv request="INVITE" timeout="${timeoutMs}">
<action><ereg regexp="^ *${askedSeconds};" search_in="hdr" header="Session-Expires:" check_it="false" assign_to="too_short"/></action>
</recv>
<nop test="too_short" next="refuse"/>
${carrierResponse(200, 'OK', '', rtpPort)}
<recv request="ACK" timeout="5000"/>
<recv request="BYE" timeout="${timeoutMs}"/>
${okToLast()}
<nop next="end"/>
<label id="refuse"/>
${carrierResponse(422, 'Session Interval Too Small', `Min-SE: ${minSe}\n`, null)}
<recv request="ACK" timeout="5000"/>
<label id="end"/>
</scenario>
`;
}

function answerSdp(rtpPort: number): string {
  return ['v=0', 'o=carrier 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', `m=audio ${rtpPort} RTP/AVP 0`,
    'a=rtpmap:0 PCMU/8000', 'a=sendrecv'].join('\n');
}
