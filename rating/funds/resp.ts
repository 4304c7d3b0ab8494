// RESP2, the Redis protocol, as far as the funds scripts need it: commands are arrays of bulk strings;
// replies are parsed incrementally from the socket's chunks (a reply may span chunks, a chunk may hold
// many replies).

/** An error reply of Redis ("-ERR ..."): an answer, not a broken connection. */
export class RedisReplyError extends Error {
  override readonly name = 'RedisReplyError';
}

export type Reply = string | number | null | RedisReplyError | Reply[];

const CR = 13;
const MAX_ARRAY_LENGTH = 1_000_000;
const MAX_BULK_BYTES = 512 * 1024 * 1024;

/** One command in RESP: `*<n>\r\n` then `$<bytes>\r\n<arg>\r\n` per argument. */
export function encodeCommand(args: readonly string[]): string {
  let text = `*${args.length}\r\n`;
  for (const arg of args) text += `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`;
  return text;
}

/** Marks "this reply is not complete yet" inside the parser (never escapes it). */
const INCOMPLETE = Symbol('incomplete');
type Parsed = Reply | typeof INCOMPLETE;

export class ReplyParser {
  private buffer: Buffer = Buffer.alloc(0);
  private offset = 0;

  /** Feeds a chunk; calls `onReply` for every reply it completes, in order. */
  feed(chunk: Buffer, onReply: (reply: Reply) => void): void {
    this.buffer = this.offset < this.buffer.length ? Buffer.concat([this.buffer.subarray(this.offset), chunk]) : chunk;
    this.offset = 0;
    for (;;) {
      const start = this.offset;
      const reply = this.parse();
      if (reply === INCOMPLETE) {
        this.offset = start;
        return;
      }
      onReply(reply);
    }
  }

  reset(): void {
    this.buffer = Buffer.alloc(0);
    this.offset = 0;
  }

  private parse(): Parsed {
    if (this.offset >= this.buffer.length) return INCOMPLETE;
    const type = this.buffer[this.offset]!;
    const line = this.line();
    if (line === INCOMPLETE) return INCOMPLETE;
    switch (type) {
      case 0x2b: return line; // '+'
      case 0x2d: return new RedisReplyError(line); // '-'
      case 0x3a: return Number(line); // ':'
      case 0x24: return this.bulk(toLength(line, MAX_BULK_BYTES)); // '$'
      case 0x2a: return this.array(toLength(line, MAX_ARRAY_LENGTH)); // '*'
      default: throw new Error(`not a RESP reply: byte ${type} at ${this.offset}`);
    }
  }

  /** The rest of the current line after its type byte, or INCOMPLETE; moves past its CRLF. */
  private line(): string | typeof INCOMPLETE {
    const end = this.buffer.indexOf(CR, this.offset + 1);
    if (end < 0 || end + 1 >= this.buffer.length) return INCOMPLETE;
    const text = this.buffer.toString('utf8', this.offset + 1, end);
    this.offset = end + 2;
    return text;
  }

  private bulk(length: number): Parsed {
    if (length < 0) return null;
    if (this.offset + length + 2 > this.buffer.length) return INCOMPLETE;
    const text = this.buffer.toString('utf8', this.offset, this.offset + length);
    this.offset += length + 2;
    return text;
  }

  private array(length: number): Parsed {
    if (length < 0) return null;
    const items: Reply[] = new Array<Reply>(length);
    for (let i = 0; i < length; i += 1) {
      const item = this.parse();
      if (item === INCOMPLETE) return INCOMPLETE;
      items[i] = item;
    }
    return items;
  }
}

function toLength(text: string, max: number): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < -1 || n > max) throw new Error(`not a RESP length: ${JSON.stringify(text)}`);
  return n;
}
