import { createSocket } from 'node:dgram';
import { offerSdp } from './scenarios';

// Malformed INVITEs, each a whole datagram, sent raw (SIPp cannot send what does not parse). The same
// cases are what test/support/drachtio/recordings/malformed-invites.json recorded from the real server.

export interface MalformedCase {
  readonly name: string;
  /** The datagram, with CALLID standing for a unique Call-ID, SERVER for drachtio's host:port, PORT for ours. */
  readonly template: string;
  /** A valid INVITE after all (RFC 3261 18.3): it becomes a call; left out of the burst. */
  readonly wellFormed?: boolean;
}

const sdp = offerSdp(6000).replace(/\n/g, '\r\n') + '\r\n';
const headers = (omit: readonly string[], extra: Record<string, string> = {}, body = sdp) => {
  const all: Record<string, string> = {
    'Via': 'SIP/2.0/UDP 127.0.0.1:PORT;rport;branch=z9hG4bK-CALLID', 'Max-Forwards': '70',
    'From': '<sip:101@127.0.0.1>;tag=t-CALLID', 'To': '<sip:00493012345678@SERVER>', 'Call-ID': 'CALLID',
    'CSeq': '1 INVITE', 'Contact': '<sip:101@127.0.0.1:PORT>', 'Content-Type': 'application/sdp',
    'Content-Length': String(Buffer.byteLength(body)), ...extra,
  };
  return Object.entries(all).filter(([name]) => !omit.includes(name)).map(([name, value]) => `${name}: ${value}\r\n`).join('') + '\r\n' + body;
};
const invite = (uri = 'sip:00493012345678@SERVER') => `INVITE ${uri} SIP/2.0\r\n`;

export const MALFORMED_CASES: readonly MalformedCase[] = [
  { name: 'not SIP at all', template: 'hello CALLID\r\n\r\n' },
  { name: 'spaces in the request URI', template: invite('sip:0049 3012 345678@SERVER') + headers([]) },
  { name: 'no SIP version', template: 'INVITE sip:00493012345678@SERVER\r\n' + headers([]) },
  { name: 'no Via', template: invite() + headers(['Via']) },
  { name: 'no Call-ID', template: invite() + headers(['Call-ID']).replace('Via: SIP/2.0/UDP 127.0.0.1:PORT;rport;branch=z9hG4bK-CALLID', 'Via: SIP/2.0/UDP 127.0.0.1:PORT;rport;branch=z9hG4bK-CALLID;x=CALLID') },
  { name: 'no From', template: invite() + headers(['From']) },
  { name: 'no To', template: invite() + headers(['To']) },
  { name: 'no CSeq', template: invite() + headers(['CSeq']) },
  { name: 'CSeq method differs', template: invite() + headers([], { CSeq: '1 BYE' }) },
  { name: 'Content-Length not a number', template: invite() + headers([], { 'Content-Length': 'many' }) },
  { name: 'Content-Length beyond the datagram', template: invite() + headers([], { 'Content-Length': '99999' }) },
  { name: 'Max-Forwards not a number', template: invite() + headers([], { 'Max-Forwards': 'abc' }) },
  { name: 'Max-Forwards 0', template: invite() + headers([], { 'Max-Forwards': '0' }) },
  { name: 'no SDP', template: invite() + headers(['Content-Type'], { 'Content-Length': '0' }, '') },
  { name: 'letters as the number', template: invite('sip:callme@SERVER') + headers([], { To: '<sip:callme@SERVER>' }) },
  { name: 'From without a tag', template: invite() + headers([], { From: '<sip:101@127.0.0.1>' }) },
  { name: 'tel: request URI', template: invite('tel:+493012345678') + headers([]) },
  { name: 'SDP that is not SDP', template: invite() + headers([], {}, 'this is not a session description\r\n') },
  { name: 'bytes after Content-Length', template: invite() + headers([], {}, sdp) + 'trailing junk', wellFormed: true },
];

export interface MalformedReply {
  readonly name: string;
  readonly callId: string;
  /** Status lines the sender got back (drachtio's own answer or Solde's), in order. */
  readonly statuses: readonly number[];
}

/** Sends every case once from 127.0.0.1 and collects what comes back for `listenMs` after the last one. */
export async function sendMalformedBurst(server: string, listenMs: number, cases = MALFORMED_CASES, prefix = 'malformed'): Promise<MalformedReply[]> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const port = socket.address().port;
  const replies = cases.map((c, i) => ({ name: c.name, callId: `${prefix}-${i}-${process.pid}`, statuses: [] as number[] }));
  socket.on('message', (message) => {
    const text = message.toString();
    const status = /^SIP\/2\.0 (\d{3})/.exec(text)?.[1];
    const reply = replies.find((r) => text.includes(r.callId));
    if (status && reply) reply.statuses.push(Number(status));
  });
  const [host, sipPort] = server.split(':');
  for (const [i, c] of cases.entries()) {
    const datagram = c.template.replaceAll('CALLID', replies[i]!.callId).replaceAll('SERVER', server).replaceAll('PORT', String(port));
    await new Promise<void>((resolve) => socket.send(datagram, Number(sipPort), host, () => resolve()));
  }
  await new Promise((resolve) => setTimeout(resolve, listenMs));
  socket.close();
  return replies;
}
