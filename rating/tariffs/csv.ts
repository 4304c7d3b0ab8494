// Reading carrier rate decks with csv-parse (RFC 4180: quoted fields with commas, doubled quotes and even
// line breaks inside; a UTF-8 byte-order mark; ',' or ';' as separator). What is ours: every record
// carries the physical line it starts on, and every refusal is BAD_CSV "line N: why", so a person can
// find the line in their editor.
import { CsvError, parse } from 'csv-parse/sync';
import { SoldeError } from '../../core/errors';

export interface CsvRecord {
  /** 1-based physical line where the record starts. */
  readonly line: number;
  readonly fields: string[];
}

/** Bounds the parse: a deck bigger than this is refused, not parsed for minutes. */
export const MAX_CSV_RECORDS = 1_000_000;
const MAX_FIELD_CHARS = 1_000;
/** Eight fields of the longest kind and their separators: csv-parse stops a runaway record here. */
const MAX_RECORD_CHARS = 8 * (MAX_FIELD_CHARS + 3);

/** Picks the separator from the first non-comment line: ';' when it has semicolons and no commas. */
export function detectSeparator(text: string): ',' | ';' {
  const header = text.split(/\r?\n/, 50).find((l) => l.trim() !== '' && !l.startsWith('#')) ?? '';
  return header.includes(';') && !header.includes(',') ? ';' : ',';
}

/**
 * Parses `text` into records. Blank lines (or only spaces and tabs) and lines starting with '#' (outside
 * quotes) are skipped: decks may carry comments, e.g. the sample deck's "not real carrier prices" banner.
 * Throws BAD_CSV naming the line of a malformed quote.
 */
export function parseCsv(text: string, separator: ',' | ';' = detectSeparator(text)): CsvRecord[] {
  // One line break kind: csv-parse counts a CRLF inside quotes as two lines, and line numbers must be exact.
  const lf = text.replace(/\r\n?/g, '\n');
  const records: CsvRecord[] = [];
  let lastEndLine = 0;
  const take = (fields: string[], endLine: number): null => {
    lastEndLine = endLine;
    if (fields.length === 1 && fields[0]!.trim() === '') return null; // a line of spaces or tabs
    if (records.length >= MAX_CSV_RECORDS) throw new SoldeError('BAD_CSV', `more than ${MAX_CSV_RECORDS} lines`);
    let newlines = 0;
    for (const field of fields) newlines += countLineBreaks(field);
    const line = endLine - newlines;
    if (fields.some((field) => field.length > MAX_FIELD_CHARS)) {
      throw new SoldeError('BAD_CSV', `line ${line}: a field longer than ${MAX_FIELD_CHARS} characters`);
    }
    records.push({ line, fields });
    return null; // kept here, with its line, not in csv-parse's output
  };
  try {
    parse(lf, {
      bom: true, delimiter: separator, record_delimiter: '\n', comment: '#', comment_no_infix: true,
      skip_empty_lines: true, relax_column_count: true, max_record_size: MAX_RECORD_CHARS,
      on_record: (fields, context) => take(fields, context.lines),
    });
  } catch (error) {
    if (error instanceof CsvError) throw badCsv(error, lf, lastEndLine);
    throw error;
  }
  return records;
}

function countLineBreaks(field: string): number {
  let count = 0;
  for (let at = field.indexOf('\n'); at !== -1; at = field.indexOf('\n', at + 1)) count += 1;
  return count;
}

/** csv-parse's error as BAD_CSV with the line a person looks for and the reason in the deck's terms. */
function badCsv(error: CsvError, text: string, lastEndLine: number): SoldeError {
  const line = (error as CsvError & { lines?: number }).lines ?? 1;
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      // Reported at the end of the file; the quote opened on the first line of the unfinished record.
      return new SoldeError('BAD_CSV', `line ${firstRecordLineAfter(text, lastEndLine)}: a quoted field is never closed`);
    case 'INVALID_OPENING_QUOTE':
      return new SoldeError('BAD_CSV', `line ${line}: a quote inside an unquoted field (quote the whole field)`);
    case 'CSV_INVALID_CLOSING_QUOTE':
      return new SoldeError('BAD_CSV', `line ${line}: text after a closing quote`);
    case 'CSV_MAX_RECORD_SIZE':
      return new SoldeError('BAD_CSV', `line ${line}: a field longer than ${MAX_FIELD_CHARS} characters`);
    default:
      return new SoldeError('BAD_CSV', `line ${line}: ${error.message}`);
  }
}

/** The first line after `endLine` that is neither blank nor a comment. */
function firstRecordLineAfter(text: string, endLine: number): number {
  const lines = text.split('\n');
  for (let index = endLine; index < lines.length; index += 1) {
    const content = lines[index]!.replace(/^\uFEFF/, '');
    if (content.trim() !== '' && !content.startsWith('#')) return index + 1;
  }
  return endLine + 1;
}
