// Reads the recorded drachtio TCP frames (section 3 of each file) so that tests can compare the
// emulator's wire with the real server's. The recordings (recordings/) are real drachtio-server v0.9.4
// sessions kept in this repository, so that a clone alone can run the comparison.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { WireRecord } from './server';

export const TRANSCRIPTS_DIR = fileURLToPath(new URL('./recordings/', import.meta.url));

export interface RecordedFrame extends WireRecord {
  /** The `<byte length>` the frame was sent with. */
  readonly declaredLength: number;
}

/** The frames of one transcript file, in order. SIP text is rebuilt with CRLF (trailing CRLFs are lost). */
export function recordedFrames(file: string): RecordedFrame[] {
  const text = readFileSync(`${TRANSCRIPTS_DIR}${file}`, 'utf8');
  const section = text.split(/#+ 3\. /)[1]?.split(/\n#+ 4\. /)[0];
  if (section === undefined) throw new Error(`${file}: no section 3 (raw TCP payloads)`);
  const blocks = section.split(/\n(?=----- )/).filter((block) => block.startsWith('----- '));
  return blocks.map((block) => {
    const [banner = '', first = '', ...rest] = block.split('\n');
    const match = /^([0-9]+)#(.*)$/.exec(first);
    if (match === null) throw new Error(`${file}: frame without a length: '${first.slice(0, 80)}'`);
    const direction = banner.includes('(srf -> drachtio-server)') ? 'app->server' : 'server->app';
    const sip = trimTrailingEmpty(rest).join('\r\n');
    return {
      direction, declaredLength: Number(match[1]),
      payload: sip === '' ? (match[2] ?? '') : `${match[2] ?? ''}\r\n${sip}`,
    };
  });
}

function trimTrailingEmpty(lines: string[]): string[] {
  const out = [...lines];
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

const PORTS_KEPT = new Set(['5060', '5070', '5090', '9022']);

/**
 * A frame reduced to what must match between the real server and the emulator: direction, the leader
 * with ids/times/lengths/tags abstracted, the SIP start line and the header names in order (User-Agent
 * left out: it belongs to the recorded endpoints, not to drachtio), and whether there is a body.
 */
export function frameShape(record: WireRecord): string {
  const cr = record.payload.indexOf('\r');
  const leader = cr === -1 ? record.payload : record.payload.slice(0, cr);
  const tokens = leader.split('|').slice(1).map(abstractToken);
  if (cr === -1) return `${record.direction} ${tokens.join('|')}`;
  const sip = record.payload.slice(cr + 2);
  const [head = '', body = ''] = sip.split('\r\n\r\n');
  const [startLine = '', ...headerLines] = head.split('\r\n');
  const names = headerLines.map((line) => line.slice(0, line.indexOf(':'))).filter((name) => name.toLowerCase() !== 'user-agent');
  return `${record.direction} ${tokens.join('|')} / ${startLine} / ${names.join(',')}${body.trim() === '' ? '' : ' +body'}`;
}

function abstractToken(token: string): string {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(token)) return 'UUID';
  if (/^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}$/.test(token)) return 'TIME';
  if (/;from-tag=/.test(token)) return 'DIALOG';
  if (/^[0-9]+$/.test(token) && !PORTS_KEPT.has(token)) return 'N';
  return token;
}

/**
 * The whole frame with what is random or endpoint-specific masked: ids, times, tags, branches,
 * Call-IDs, CSeq numbers, lengths, SDP bodies and User-Agent lines. What is left is drachtio's format.
 */
export function maskedFrame(record: WireRecord): string {
  const text = record.payload
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'UUID')
    .replace(/[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}/g, 'TIME')
    .replace(/tag=[A-Za-z0-9]+/g, 'tag=T')
    .replace(/branch=z9hG4bK[A-Za-z0-9]+/g, 'branch=B')
    .replace(/[0-9a-f]{32}@127\.0\.0\.1/g, 'CALLID')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-1240-[0-9a-f]{4}-[0-9a-f]{12}/g, 'CALLID')
    .replace(/(cseq: |CSeq: )[0-9]{6,}/gi, '$1N')
    .replace(/^([^|]*\|sip\|network\|)[0-9]+\|/, '$1N|')
    .replace(/^([^|]*\|response\|[^|]*\|OK\|application\|)[0-9]+\|/, '$1N|')
    .replace(/(Content-Length: )[0-9]+/gi, '$1L')
    .replace(/\r\nUser-Agent: [^\r]*/g, '');
  const blank = text.indexOf('\r\n\r\n');
  return `${record.direction} ${blank === -1 ? text : text.slice(0, blank)}`;
}
