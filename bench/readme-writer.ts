// Writes one benchmark's results into bench/README.md: a block between markers named after the file,
// inside its area's "## Section", leaving every other block and section as it is.
import { readFileSync, writeFileSync } from 'node:fs';

const README = new URL('./README.md', import.meta.url);

export function writeResultBlock(section: string, intro: string, file: string, title: string, body: string): void {
  let text = readFileSync(README, 'utf8');
  if (!text.includes(`\n${section}\n`)) text = `${text.trimEnd()}\n\n${section}\n\n${intro}\n`;
  const start = `<!-- ${file} -->`;
  const end = `<!-- /${file} -->`;
  const block = `${start}\n### ${title}\n\n${body}\n${end}`;
  const sectionAt = text.indexOf(`\n${section}\n`);
  const before = text.indexOf(start, sectionAt);
  if (before >= 0) text = text.slice(0, before) + block + text.slice(text.indexOf(end, before) + end.length);
  else {
    const nextSection = text.indexOf('\n## ', sectionAt + 1);
    const at = nextSection < 0 ? text.length : nextSection;
    text = `${text.slice(0, at).trimEnd()}\n\n${block}\n${text.slice(at)}`;
  }
  writeFileSync(README, text.endsWith('\n') ? text : `${text}\n`);
}
