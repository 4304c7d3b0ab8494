// Which of the app's headers drachtio-server keeps, and where sofia prints them: after the headers
// it manages itself (Via, Max-Forwards, From, To, Call-ID, CSeq, Contact), in the app's order, with
// sofia's spelling for headers it knows; then Content-Type and Content-Length (transcripts: the 183
// with Contact, the 480 with Reason, the BYE with Reason).
import { canonicalHeaderName, headerKey, type SipHeader, type SipMessage } from './sip-message';

const MANAGED_BY_SOFIA = new Set(['via', 'max-forwards', 'from', 'to', 'call-id', 'cseq', 'contact', 'content-length', 'content-type']);

export function extraHeaders(headers: Readonly<Record<string, string>> | undefined): SipHeader[] {
  return Object.entries(headers ?? {})
    .filter(([name]) => !MANAGED_BY_SOFIA.has(headerKey(name)))
    .map(([name, value]) => ({ name: canonicalHeaderName(name), value }));
}

/** Adds Content-Type when the message has a body: the app's, else application/sdp as drachtio does. */
export function withBody(headers: SipHeader[], message: SipMessage): SipHeader[] {
  if (message.body === '') return headers;
  return [...headers, { name: 'Content-Type', value: message.get('content-type') ?? 'application/sdp' }];
}
