// A small RFC 4180 reader for carrier rate decks: quoted fields (with commas, doubled quotes and even line
// breaks inside), CRLF or LF, a UTF-8 byte-order mark, ',' or ';' as separator. Every record carries the
// physical line it starts on, so a refusal can name the line a person sees in their editor.
import { SoldeError } from '../../core/errors';

export interface CsvRecord {
  /** 1-based physical line where the record starts. */
  readonly line: number;
  readonly fields: string[];
}

/** Bounds every loop below: a deck bigger than this is refused, not parsed for minutes. */
export const MAX_CSV_RECORDS = 1_000_000;
const MAX_FIELD_CHARS = 1_000;

const QUOTE = 34; // "
const CR = 13;
const LF = 10;

/** Picks the separator from the first non-comment line: ';' when it has semicolons and no commas. */
export function detectSeparator(text: string): ',' | ';' {
  const header = text.split(/\r?\n/, 50).find((l) => l.trim() !== '' && !l.startsWith('#')) ?? '';
  return header.includes(';') && !header.includes(',') ? ';' : ',';
}

/**
 * Parses `text` into records. Blank lines and lines starting with '#' (outside quotes) are skipped: decks
 * may carry comments, e.g. the sample deck's "not real carrier prices" banner. Throws BAD_CSV naming the
 * line of a malformed quote.
 */
export function parseCsv(text: string, separator: ',' | ';' = detectSeparator(text)): CsvRecord[] {
  const sep = separator.charCodeAt(0);
  const records: CsvRecord[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < text.length) {
    if (records.length >= MAX_CSV_RECORDS) throw new SoldeError('BAD_CSV', `more than ${MAX_CSV_RECORDS} lines`);
    const start = line;
    if (isSkippedLine(text, i)) {
      i = endOfLine(text, i);
      line += 1;
      continue;
    }
    const fields: string[] = [];
    for (;;) {
      const field = readField(text, i, sep, line);
      fields.push(field.value);
      line += field.newlines;
      i = field.next;
      const code = text.charCodeAt(i);
      if (code === sep) {
        i += 1;
        continue;
      }
      i = skipLineBreak(text, i);
      line += 1;
      break;
    }
    records.push({ line: start, fields });
  }
  return records;
}

function isSkippedLine(text: string, i: number): boolean {
  const code = text.charCodeAt(i);
  if (code === 35) return true; // '#'
  let j = i;
  while (j < text.length && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j += 1;
  return j >= text.length || text.charCodeAt(j) === LF || text.charCodeAt(j) === CR;
}

function endOfLine(text: string, i: number): number {
  const lf = text.indexOf('\n', i);
  return lf === -1 ? text.length : lf + 1;
}

function skipLineBreak(text: string, i: number): number {
  if (text.charCodeAt(i) === CR) i += 1;
  if (text.charCodeAt(i) === LF) i += 1;
  return i;
}

interface Field {
  readonly value: string;
  readonly next: number;
  readonly newlines: number;
}

function readField(text: string, i: number, sep: number, line: number): Field {
  if (text.charCodeAt(i) === QUOTE) return readQuoted(text, i + 1, sep, line);
  let j = i;
  while (j < text.length) {
    const code = text.charCodeAt(j);
    if (code === sep || code === LF || code === CR) break;
    if (code === QUOTE) throw new SoldeError('BAD_CSV', `line ${line}: a quote inside an unquoted field (quote the whole field)`);
    j += 1;
  }
  if (j - i > MAX_FIELD_CHARS) throw new SoldeError('BAD_CSV', `line ${line}: a field longer than ${MAX_FIELD_CHARS} characters`);
  return { value: text.slice(i, j), next: j, newlines: 0 };
}

function readQuoted(text: string, i: number, sep: number, line: number): Field {
  let value = '';
  let newlines = 0;
  let j = i;
  for (;;) {
    const close = text.indexOf('"', j);
    if (close === -1) throw new SoldeError('BAD_CSV', `line ${line}: a quoted field is never closed`);
    value += text.slice(j, close);
    if (text.charCodeAt(close + 1) === QUOTE) {
      value += '"';
      j = close + 2;
      continue;
    }
    j = close + 1;
    break;
  }
  if (value.length > MAX_FIELD_CHARS) throw new SoldeError('BAD_CSV', `line ${line}: a field longer than ${MAX_FIELD_CHARS} characters`);
  const after = text.charCodeAt(j);
  if (j < text.length && after !== sep && after !== LF && after !== CR) {
    throw new SoldeError('BAD_CSV', `line ${line}: text after a closing quote`);
  }
  for (let k = 0; k < value.length; k += 1) if (value.charCodeAt(k) === LF) newlines += 1;
  return { value, next: j, newlines };
}
