// A small SIP message model: start line, ordered headers, body. Enough to read what drachtio-srf
// sends and to print messages the way drachtio-server (sofia-sip) prints them.
const CRLF = '\r\n';

const COMPACT_NAMES: Record<string, string> = {
  i: 'call-id', f: 'from', t: 'to', v: 'via', m: 'contact', l: 'content-length', c: 'content-type',
  k: 'supported', s: 'subject', e: 'content-encoding', o: 'event', r: 'refer-to', x: 'session-expires',
};

// sofia-sip prints the headers it knows with these spellings, whatever the app wrote.
const CANONICAL_NAMES: Record<string, string> = {
  'via': 'Via', 'max-forwards': 'Max-Forwards', 'from': 'From', 'to': 'To', 'call-id': 'Call-ID',
  'cseq': 'CSeq', 'contact': 'Contact', 'content-type': 'Content-Type', 'content-length': 'Content-Length',
  'reason': 'Reason', 'allow': 'Allow', 'supported': 'Supported', 'require': 'Require',
  'retry-after': 'Retry-After', 'warning': 'Warning', 'user-agent': 'User-Agent', 'server': 'Server',
  'record-route': 'Record-Route', 'route': 'Route', 'session-expires': 'Session-Expires',
  'min-se': 'Min-SE', 'rseq': 'RSeq', 'rack': 'RAck', 'accept': 'Accept', 'event': 'Event',
  'subject': 'Subject', 'priority': 'Priority', 'organization': 'Organization', 'date': 'Date',
  'timestamp': 'Timestamp', 'expires': 'Expires', 'privacy': 'Privacy',
};

export function headerKey(name: string): string {
  const lower = name.trim().toLowerCase();
  return COMPACT_NAMES[lower] ?? lower;
}

export function canonicalHeaderName(name: string): string {
  return CANONICAL_NAMES[headerKey(name)] ?? name.trim();
}

export interface SipHeader {
  readonly name: string;
  readonly value: string;
}

export class SipMessage {
  constructor(
    readonly startLine: string,
    readonly headers: readonly SipHeader[],
    readonly body: string,
  ) {}

  get isRequest(): boolean {
    return !this.startLine.startsWith('SIP/2.0 ');
  }
  get method(): string {
    if (!this.isRequest) return this.cseqMethod;
    return this.startLine.split(' ')[0] ?? '';
  }
  get uri(): string {
    return this.isRequest ? (this.startLine.split(' ')[1] ?? '') : '';
  }
  get status(): number {
    return this.isRequest ? 0 : Number(this.startLine.split(' ')[1]);
  }
  get reason(): string {
    return this.isRequest ? '' : this.startLine.split(' ').slice(2).join(' ');
  }
  get cseqNumber(): number {
    return Number((this.get('cseq') ?? '').trim().split(/\s+/)[0]);
  }
  get cseqMethod(): string {
    return (this.get('cseq') ?? '').trim().split(/\s+/)[1] ?? '';
  }

  /** The first value of a header (case-insensitive, compact forms understood). */
  get(name: string): string | undefined {
    const key = headerKey(name);
    return this.headers.find((h) => headerKey(h.name) === key)?.value;
  }
  getAll(name: string): string[] {
    const key = headerKey(name);
    return this.headers.filter((h) => headerKey(h.name) === key).map((h) => h.value);
  }
  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  toString(): string {
    const lines = [this.startLine, ...this.headers.map((h) => `${h.name}: ${h.value}`)];
    return lines.join(CRLF) + CRLF + CRLF + this.body;
  }
}

export function parseSipMessage(text: string): SipMessage {
  const split = text.indexOf(CRLF + CRLF);
  const head = split === -1 ? text : text.slice(0, split);
  const body = split === -1 ? '' : text.slice(split + 4);
  const lines = head.split(CRLF);
  const startLine = lines[0] ?? '';
  if (!/^(SIP\/2\.0 [1-6][0-9][0-9]( .*)?|[A-Za-z]+ \S+ SIP\/2\.0)$/.test(startLine)) {
    throw new Error(`not a SIP start line: '${startLine.slice(0, 120)}'`);
  }
  const headers: SipHeader[] = [];
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    if (line.startsWith(' ') || line.startsWith('\t')) {
      // folded continuation line (RFC 3261 7.3.1)
      const last = headers.pop();
      if (last === undefined) throw new Error('SIP header continuation without a header');
      headers.push({ name: last.name, value: `${last.value} ${line.trim()}` });
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`not a SIP header line: '${line.slice(0, 120)}'`);
    headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  return new SipMessage(startLine, headers, body);
}

/** Builds a message with Content-Length computed from the body (in bytes), as sofia does. */
export function buildSipMessage(startLine: string, headers: readonly SipHeader[], body = ''): SipMessage {
  const withoutLength = headers.filter((h) => headerKey(h.name) !== 'content-length');
  return new SipMessage(
    startLine,
    [...withoutLength, { name: 'Content-Length', value: String(Buffer.byteLength(body, 'utf8')) }],
    body,
  );
}

/** The value of a `;name=value` parameter of a header value (tag, branch, rport...). */
export function headerParam(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  const afterUri = value.includes('>') ? value.slice(value.lastIndexOf('>')) : value;
  const match = new RegExp(`;\\s*${name}(=([^;,\\s>]*))?`, 'i').exec(afterUri);
  if (match === null) return undefined;
  return match[2] ?? '';
}

/** The URI inside a name-addr (`"x" <sip:a@b>;tag=1` gives `sip:a@b`) or an addr-spec. */
export function uriOf(value: string): string {
  const open = value.indexOf('<');
  if (open !== -1) return value.slice(open + 1, value.indexOf('>', open));
  return value.split(';')[0]?.trim() ?? '';
}

/** `sip:user@host:port;params` split into its parts (a test-side helper, not a full RFC 3261 parser). */
export function parseSipUri(uri: string): { user: string | undefined; host: string; port: number | undefined } {
  const match = /^sips?:(?:([^@]*)@)?([^:;>]+)(?::([0-9]+))?/i.exec(uri);
  if (match === null) throw new Error(`not a sip URI: '${uri}'`);
  return { user: match[1], host: match[2] ?? '', port: match[3] === undefined ? undefined : Number(match[3]) };
}

/** The headers as a name -> value record (the last value wins), for passing them on. */
export function headerRecord(message: SipMessage): Record<string, string> {
  return Object.fromEntries(message.headers.map((h) => [h.name, h.value]));
}

/** The first value of each named header, under that name. */
export function copyHeaders(message: SipMessage, names: readonly string[]): SipHeader[] {
  return names.map((name) => ({ name, value: message.get(name) ?? '' }));
}

export function byteLengthOf(message: SipMessage): number {
  return Buffer.byteLength(message.toString(), 'utf8');
}
