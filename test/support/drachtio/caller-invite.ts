// The INVITE a caller leg sends: built from the call's options the way a phone or PBX writes one (as in
// the transcripts), or taken verbatim for malformed-INVITE tests (caller-leg.ts).
import { hostPortText, type AppLink } from './app-link';
import { buildSipMessage, uriOf, type SipHeader, type SipMessage } from './sip-message';
import { newEndpointBranch, newEndpointCallId, newEndpointTag } from './sip-ids';
import type { HostPort } from './wire-leaders';

export interface PlaceCallOptions {
  /** Calling user (`0033123456789`), a full URI (`sip:100@pbx.example`) or a name-addr (`"Alice" <sip:100@pbx>`). */
  readonly from: string;
  /** Dialled user (`0612345678`) or a full request URI. */
  readonly to: string;
  /** Where the INVITE comes from (the PBX); default 127.0.0.1:5090 as in the transcripts. */
  readonly source?: HostPort;
  /** The SDP offer; undefined gives a plain PCMU offer, null sends no body. */
  readonly sdp?: string | null;
  /** Extra headers, printed after Contact in the given order. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Exactly this SIP text as the received INVITE (for malformed-INVITE tests). It goes through the
   * same gate as a real drachtio-server: see `leg.serverVerdict` and sofia-precheck.ts.
   */
  readonly rawRequest?: string;
  /** ACK a 2xx as soon as it arrives, as a phone does (default true). */
  readonly autoAck?: boolean;
}

export const DEFAULT_OFFER_SDP = [
  'v=0', 'o=caller 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
  'm=audio 40000 RTP/AVP 0 101', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000', 'a=sendrecv', '',
].join('\r\n');

export function buildInvite(options: PlaceCallOptions, source: HostPort, link: AppLink): SipMessage {
  const requestUri = /^(sips?|tel):/i.test(options.to) ? options.to : `sip:${options.to}@${hostPortText(link.sipHost)}`;
  const fromUri = options.from.includes('<') ? uriOf(options.from)
    : /^(sips?|tel):/i.test(options.from) ? options.from : `sip:${options.from}@${hostPortText(source)}`;
  const fromUser = /^sips?:([^@]+)@/i.exec(fromUri)?.[1];
  const from = options.from.includes('<') ? options.from : `<${fromUri}>`;
  const sdp = options.sdp === undefined ? DEFAULT_OFFER_SDP : options.sdp;
  const headers: SipHeader[] = [
    { name: 'Via', value: `SIP/2.0/UDP ${hostPortText(source)};branch=${newEndpointBranch()};rport` },
    { name: 'Max-Forwards', value: '70' },
    { name: 'From', value: `${from};tag=${newEndpointTag()}` },
    { name: 'To', value: `<${requestUri}>` },
    { name: 'Call-ID', value: newEndpointCallId() },
    { name: 'CSeq', value: '1 INVITE' },
    { name: 'Contact', value: `<sip:${fromUser === undefined ? '' : `${fromUser}@`}${hostPortText(source)}>` },
    ...Object.entries(options.headers ?? {}).map(([name, value]) => ({ name, value })),
  ];
  if (sdp !== null) headers.push({ name: 'Content-Type', value: 'application/sdp' });
  return buildSipMessage(`INVITE ${requestUri} SIP/2.0`, headers, sdp ?? '');
}

export function rawHeaders(raw: string): SipHeader[] {
  const head = raw.replace(/\r\n/g, '\n').split('\n\n')[0] ?? '';
  return head.split('\n').slice(1).flatMap((line) => {
    const colon = line.indexOf(':');
    return colon <= 0 ? [] : [{ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() }];
  });
}

/** The headers of a request the caller sends inside its dialog (ACK, BYE): From/To/Call-ID of the call. */
export function inDialogHeaders(call: { invite: SipMessage; responses: readonly SipMessage[]; source: HostPort; callId: string }, method: string, cseq: number): SipHeader[] {
  const toWithTag = call.responses.find((r) => r.status >= 200)?.get('to') ?? call.invite.get('to') ?? '';
  const contact = call.invite.get('contact');
  return [
    { name: 'Via', value: `SIP/2.0/UDP ${hostPortText(call.source)};branch=${newEndpointBranch()};rport` },
    { name: 'Max-Forwards', value: '70' },
    { name: 'From', value: call.invite.get('from') ?? '' },
    { name: 'To', value: toWithTag },
    { name: 'Call-ID', value: call.callId },
    { name: 'CSeq', value: `${cseq} ${method}` },
    ...(contact === undefined ? [] : [{ name: 'Contact', value: contact }]),
  ];
}
