// CSV text -> validated rates. All or nothing: the first bad line throws BAD_CSV "line N: why".
import type { Tariff } from '../contracts';
import { SoldeError } from '../../core/errors';
import { parseCsv } from './csv';
import { readHeader, readRow } from './deck-format';

export function parseDeck(csvText: string): Tariff[] {
  const records = parseCsv(csvText);
  const header = records[0];
  if (!header) throw new SoldeError('BAD_CSV', 'line 1: the file is empty (expected a header line and rates)');
  const columns = readHeader(header.fields, header.line);
  if (records.length === 1) throw new SoldeError('BAD_CSV', `line ${header.line + 1}: the deck has no rates`);
  const lineOfPrefix = new Map<string, number>();
  const rows: Tariff[] = [];
  for (let r = 1; r < records.length; r += 1) {
    const record = records[r]!;
    const tariff = readRow(record.fields, columns, record.line);
    const earlier = lineOfPrefix.get(tariff.prefix);
    if (earlier !== undefined) {
      throw new SoldeError('BAD_CSV', `line ${record.line}: prefix ${tariff.prefix} already priced on line ${earlier}`);
    }
    lineOfPrefix.set(tariff.prefix, record.line);
    rows.push(tariff);
  }
  return rows;
}
