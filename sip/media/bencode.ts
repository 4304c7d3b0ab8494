// Bencode, the encoding of rtpengine's NG control protocol. Only what NG uses: byte strings (decoded as
// UTF-8 text: SDP, tags, file paths), integers, lists and dictionaries. Decoding is bounded by the input
// length and a nesting limit, so a hostile or corrupt reply cannot exhaust the stack.

export type BValue = string | number | BValue[] | { [key: string]: BValue };

const MAX_DEPTH = 32;

export function encode(value: BValue): Buffer {
  const parts: Buffer[] = [];
  write(value, parts, 0);
  return Buffer.concat(parts);
}

function write(value: BValue, parts: Buffer[], depth: number): void {
  if (depth > MAX_DEPTH) throw new RangeError('bencode: nesting too deep');
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    parts.push(Buffer.from(`${bytes.length}:`), bytes);
  } else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`bencode: not an integer: ${value}`);
    parts.push(Buffer.from(`i${value}e`));
  } else if (Array.isArray(value)) {
    parts.push(Buffer.from('l'));
    for (const item of value) write(item, parts, depth + 1);
    parts.push(Buffer.from('e'));
  } else {
    parts.push(Buffer.from('d'));
    // Keys sorted as raw strings, as the format requires.
    for (const key of Object.keys(value).sort()) {
      write(key, parts, depth + 1);
      write(value[key]!, parts, depth + 1);
    }
    parts.push(Buffer.from('e'));
  }
}

export class BencodeError extends Error {
  override name = 'BencodeError';
}

export function decode(input: Buffer): BValue {
  const cursor = { at: 0 };
  const value = read(input, cursor, 0);
  if (cursor.at !== input.length) throw new BencodeError(`trailing bytes at ${cursor.at}`);
  return value;
}

function read(input: Buffer, cursor: { at: number }, depth: number): BValue {
  if (depth > MAX_DEPTH) throw new BencodeError('nesting too deep');
  const marker = input[cursor.at];
  if (marker === undefined) throw new BencodeError('unexpected end');
  if (marker === 0x69 /* i */) return readInteger(input, cursor);
  if (marker === 0x6c /* l */) {
    cursor.at += 1;
    const list: BValue[] = [];
    while (input[cursor.at] !== 0x65 /* e */) list.push(read(input, cursor, depth + 1));
    cursor.at += 1;
    return list;
  }
  if (marker === 0x64 /* d */) {
    cursor.at += 1;
    const dict: { [key: string]: BValue } = {};
    while (input[cursor.at] !== 0x65) {
      const key = readString(input, cursor);
      dict[key] = read(input, cursor, depth + 1);
    }
    cursor.at += 1;
    return dict;
  }
  return readString(input, cursor);
}

function readInteger(input: Buffer, cursor: { at: number }): number {
  const end = input.indexOf(0x65, cursor.at);
  if (end < 0) throw new BencodeError('unterminated integer');
  const text = input.toString('latin1', cursor.at + 1, end);
  if (!/^-?\d{1,16}$/.test(text)) throw new BencodeError(`bad integer ${JSON.stringify(text)}`);
  cursor.at = end + 1;
  return Number(text);
}

function readString(input: Buffer, cursor: { at: number }): string {
  const colon = input.indexOf(0x3a /* : */, cursor.at);
  if (colon < 0 || colon - cursor.at > 10) throw new BencodeError(`bad string length at ${cursor.at}`);
  const lengthText = input.toString('latin1', cursor.at, colon);
  if (!/^\d+$/.test(lengthText)) throw new BencodeError(`bad string length ${JSON.stringify(lengthText)}`);
  const start = colon + 1;
  const end = start + Number(lengthText);
  if (end > input.length) throw new BencodeError('string runs past the end');
  cursor.at = end;
  return input.toString('utf8', start, end);
}
