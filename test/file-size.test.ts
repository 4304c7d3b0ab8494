// Small files with one job each: no source file of the repository (code, scripts, page files) is over
// 300 lines. Data (rate decks, recorded transcripts, JSON) and prose are not source and are not counted.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const MAX_FILE_LINES = 300;
const SOURCE = /\.(ts|js|mjs|cjs|lua|sh|html|css)$/;

describe('file size', () => {
  it(`keeps every source file under ${MAX_FILE_LINES} lines`, () => {
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' })
      .split('\n').filter((file) => SOURCE.test(file));
    expect(files.length).toBeGreaterThan(100); // the listing worked
    const long = files
      .map((file) => ({ file, lines: readFileSync(file, 'utf8').split('\n').length - 1 }))
      .filter(({ lines }) => lines > MAX_FILE_LINES);
    expect(long).toEqual([]);
  });
});
