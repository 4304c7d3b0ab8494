// Which malformed INVITEs a real drachtio-server v0.9.4 would deliver to the app, and which its SIP
// stack (sofia-sip nta) answers or drops itself before the app hears anything. First reasoned from
// sofia-sip's behaviour (RFC 3261 8.2 / 18.3 checks done in the transaction layer), then checked case by
// case against the real server (recordings/malformed-invites.json, test/drachtio-harness-malformed.test.ts).
// Tests of Solde must only feed the app what could pass this gate.
import { SipMessage, parseSipMessage } from './sip-message';

export type SofiaVerdict =
  | { readonly deliver: true; readonly message: SipMessage }
  | { readonly deliver: false; readonly serverAnswer: number | null; readonly why: string };

const MANDATORY = ['call-id', 'from', 'to', 'cseq'] as const;

export function sofiaVerdict(raw: string): SofiaVerdict {
  let parsed: SipMessage;
  try {
    // sofia accepts bare LF line ends; the app then sees CRLF.
    parsed = parseSipMessage(raw.includes('\r\n') ? raw : raw.replace(/\n/g, '\r\n'));
  } catch (error) {
    return { deliver: false, serverAnswer: null, why: `unparseable, dropped: ${(error as Error).message}` };
  }
  if (!parsed.isRequest) return { deliver: false, serverAnswer: null, why: 'a response, not a request' };
  if (!parsed.has('via')) return { deliver: false, serverAnswer: null, why: 'no Via: nowhere to answer, dropped' };
  for (const name of MANDATORY) {
    if (!parsed.has(name)) return { deliver: false, serverAnswer: 400, why: `missing ${name}` };
  }
  const cseq = /^\s*([0-9]{1,10})\s+([A-Za-z]+)\s*$/.exec(parsed.get('cseq') ?? '');
  if (cseq === null || cseq[2] !== parsed.method) {
    return { deliver: false, serverAnswer: 400, why: `bad CSeq '${parsed.get('cseq')}'` };
  }
  const maxForwards = parsed.get('max-forwards');
  if (maxForwards !== undefined && !/^\s*[0-9]{1,3}\s*$/.test(maxForwards)) {
    return { deliver: false, serverAnswer: 400, why: `bad Max-Forwards '${maxForwards}'` };
  }
  // Max-Forwards: 0 is NOT refused: the real v0.9.4 delivers it to the app (recordings/malformed-invites.json);
  // the app must answer 483 itself.
  return checkContentLength(parsed);
}

function checkContentLength(parsed: SipMessage): SofiaVerdict {
  const declared = parsed.get('content-length');
  if (declared === undefined) return { deliver: true, message: parsed }; // over UDP the datagram ends the body
  if (!/^\s*[0-9]{1,9}\s*$/.test(declared)) {
    return { deliver: false, serverAnswer: 400, why: `bad Content-Length '${declared}'` };
  }
  const bodyBytes = Buffer.from(parsed.body, 'utf8');
  const length = Number(declared);
  if (length > bodyBytes.length) {
    return { deliver: false, serverAnswer: 400, why: `Content-Length ${length} but only ${bodyBytes.length} body bytes` };
  }
  // Bytes past Content-Length in a datagram are ignored (RFC 3261 18.3).
  if (length === bodyBytes.length) return { deliver: true, message: parsed };
  const body = bodyBytes.subarray(0, length).toString('utf8');
  return { deliver: true, message: new SipMessage(parsed.startLine, parsed.headers, body) };
}
