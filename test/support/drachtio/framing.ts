// The drachtio TCP framing: `<byte length>#<message id>|<type>|...`, the SIP text after a CRLF.
// The length counts the UTF-8 bytes after the '#' (checked against every frame of the v0.9.4
// transcripts by test/drachtio-harness-wire.test.ts).
import { randomUUID } from 'node:crypto';

const MAX_FRAME_BYTES = 1_000_000; // a SIP message over UDP never comes near this
const MAX_LENGTH_DIGITS = 7;

export interface Frame {
  readonly msgId: string;
  readonly type: string;
  /** Every `|`-separated token of the leader (the text before the first CR), msgId and type included. */
  readonly tokens: readonly string[];
  /** The SIP text after the leader's CRLF, '' when there is none. */
  readonly sip: string;
}

export function encodeFrame(payloadWithoutId: string, msgId: string = randomUUID()): { msgId: string; bytes: string } {
  const payload = `${msgId}|${payloadWithoutId}`;
  return { msgId, bytes: `${Buffer.byteLength(payload, 'utf8')}#${payload}` };
}

export function parseFramePayload(payload: string): Frame {
  const cr = payload.indexOf('\r');
  const leader = cr === -1 ? payload : payload.slice(0, cr);
  const sip = cr === -1 ? '' : payload.slice(cr + 2);
  const tokens = leader.split('|');
  if (tokens.length < 2) throw new Error(`drachtio frame without a type: '${leader.slice(0, 200)}'`);
  return { msgId: tokens[0] ?? '', type: tokens[1] ?? '', tokens, sip };
}

/** Cuts a TCP byte stream into frame payloads. Throws on a malformed length (the peer is broken). */
export class FrameDecoder {
  private buffered: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): string[] {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    const payloads: string[] = [];
    // Bounded: each round consumes at least one byte of a finite buffer.
    for (let round = 0; round < 100_000; round += 1) {
      const hash = this.buffered.indexOf('#');
      if (hash === -1) {
        if (this.buffered.length > MAX_LENGTH_DIGITS) throw new Error('drachtio frame: no length prefix');
        return payloads;
      }
      const digits = this.buffered.toString('latin1', 0, hash);
      if (!/^[0-9]{1,7}$/.test(digits)) throw new Error(`drachtio frame: bad length prefix '${digits.slice(0, 20)}'`);
      const length = Number(digits);
      if (length <= 0 || length > MAX_FRAME_BYTES) throw new Error(`drachtio frame: length ${length} out of range`);
      const end = hash + 1 + length;
      if (this.buffered.length < end) return payloads;
      payloads.push(this.buffered.toString('utf8', hash + 1, end));
      this.buffered = this.buffered.subarray(end);
    }
    throw new Error('drachtio frame decoder: too many frames in one chunk');
  }
}
