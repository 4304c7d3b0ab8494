// Regenerates the 'espeak' prompt set: one WAV per word or phrase of sip/announce/speech/vocabulary.ts, per
// language, spoken by espeak-ng, with leading and trailing silence trimmed by sox (assembly adds its own
// pauses), as 22.05 kHz mono 16-bit PCM. The files are committed, so Solde needs no speech engine at run
// time. A studio voice is a sibling folder (prompts/<voice>/<lang>/<name>.wav) with the same names.
//
//   node --import tsx scripts/gen-prompts.ts [outputDir]     (default: sip/announce/prompts/espeak)
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LANGUAGES, VOCABULARY, promptNames, type Language } from '../sip/announce/speech/vocabulary';

const ESPEAK_VOICES: Record<Language, string> = { fr: 'fr-fr', en: 'en-gb' };
const WORDS_PER_MINUTE = '150';
const SAMPLE_RATE = '22050';
// sox silence effect: trim while below 0.2% of full scale, at the start, then (reversed) at the end.
const TRIM = ['silence', '1', '0.01', '0.2%', 'reverse', 'silence', '1', '0.01', '0.2%', 'reverse'];

function main(): void {
  const outputDir = resolve(process.argv[2] ?? 'sip/announce/prompts/espeak');
  requireTool('espeak-ng', 'apt-get install espeak-ng');
  requireTool('sox', 'apt-get install sox');
  const scratch = mkdtempSync(join(tmpdir(), 'solde-prompts-'));
  try {
    for (const lang of LANGUAGES) generateLanguage(lang, join(outputDir, lang), scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  console.log(`done: prompts in ${outputDir}; commit them (git add ${outputDir})`);
}

function generateLanguage(lang: Language, dir: string, scratch: string): void {
  mkdirSync(dir, { recursive: true });
  const names = promptNames(lang);
  let bytes = 0;
  for (const [index, name] of names.entries()) {
    const spoken = join(scratch, `${lang}-${name}.wav`);
    const target = join(dir, `${name}.wav`);
    execFileSync('espeak-ng', ['-v', ESPEAK_VOICES[lang], '-s', WORDS_PER_MINUTE, '-w', spoken, VOCABULARY[lang][name]!]);
    execFileSync('sox', [spoken, '-r', SAMPLE_RATE, '-c', '1', '-b', '16', '-e', 'signed-integer', target, ...TRIM]);
    bytes += statSync(target).size;
    process.stdout.write(`\r${lang}: ${index + 1}/${names.length} ${name.padEnd(40)}`);
  }
  const stale = readdirSync(dir).filter((file) => file.endsWith('.wav') && !names.includes(file.slice(0, -4)));
  for (const file of stale) rmSync(join(dir, file));
  console.log(`\r${lang}: ${names.length} prompts, ${(bytes / 1024).toFixed(0)} KiB, ${stale.length} stale removed`.padEnd(60));
}

function requireTool(command: string, install: string): void {
  try {
    execFileSync(command, ['--version'], { stdio: 'ignore' });
  } catch {
    console.error(`${command} is missing: install it (${install}) and run this again`);
    process.exit(1);
  }
}

main();
