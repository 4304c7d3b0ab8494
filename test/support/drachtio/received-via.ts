// What sofia does to the top Via of a request it receives (RFC 3581 and RFC 3261 18.2.1): fill in
// `rport=<source port>` and add `received=` when the sent-by host is not the source address. The
// packet length drachtio reports is the size before this change (5 bytes less for `=5090`).
import { SipMessage, headerKey, type SipHeader } from './sip-message';
import type { HostPort } from './wire-leaders';

export function applyReceivedVia(request: SipMessage, source: HostPort): SipMessage {
  let done = false;
  const headers: SipHeader[] = request.headers.map((header) => {
    if (done || headerKey(header.name) !== 'via') return header;
    done = true;
    return { name: header.name, value: fillVia(header.value, source) };
  });
  return new SipMessage(request.startLine, headers, request.body);
}

function fillVia(value: string, source: HostPort): string {
  const sentBy = /^SIP\/2\.0\/[A-Za-z]+\s+([^;:\s]+)/.exec(value)?.[1];
  let filled = value.replace(/;rport(?=;|$)/i, `;rport=${source.port}`);
  if (sentBy !== undefined && sentBy !== source.address && !/;received=/i.test(filled)) {
    filled += `;received=${source.address}`;
  }
  return filled;
}
