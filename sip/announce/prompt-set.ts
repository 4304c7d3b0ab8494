// A prompt set: the audio of every word and phrase of one language, for one voice, loaded from
// <promptsDir>/<voice>/<lang>/<name>.wav. An operator may replace the generated files with studio
// recordings of the same names; all files of a set must share one sample rate (22.05 kHz or more:
// rtpengine paces 8 kHz files unevenly), mono, 16-bit. Everything wrong is reported at once.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promptNames, type Language } from './speech/vocabulary';
import { parseWav } from './wav';

export const MIN_SAMPLE_RATE = 22_050;

export interface PromptSet {
  readonly voice: string;
  readonly lang: Language;
  readonly sampleRate: number;
  /** Samples of a prompt (16-bit mono, little-endian). An unknown name is a bug and throws. */
  samples(name: string): Buffer;
}

export class PromptSetError extends Error {
  override name = 'PromptSetError';
}

/** A voice names a folder and a part of file names: letters, digits, '_' and '-' only. */
export function assertVoiceName(voice: string): void {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(voice)) throw new PromptSetError(`bad voice name ${JSON.stringify(voice)}: use letters, digits, _ and -`);
}

export async function loadPromptSet(promptsDir: string, voice: string, lang: Language): Promise<PromptSet> {
  assertVoiceName(voice);
  const dir = join(promptsDir, voice, lang);
  const problems: string[] = [];
  const byName = new Map<string, Buffer>();
  const rates = new Map<number, string>();
  // Files are read concurrently, but each read returns its own problem and the list is built in
  // vocabulary order afterwards: the report is the same, line for line, however the reads finish.
  type Loaded = { name: string; audio: ReturnType<typeof parseWav> } | { problem: string };
  const loaded = await Promise.all(promptNames(lang).map(async (name): Promise<Loaded> => {
    const path = join(dir, `${name}.wav`);
    try {
      return { name, audio: parseWav(await readFile(path), path) };
    } catch (error) {
      return { problem: (error as NodeJS.ErrnoException).code === 'ENOENT' ? `${path}: missing` : (error as Error).message };
    }
  }));
  for (const entry of loaded) {
    if ('problem' in entry) {
      problems.push(entry.problem);
      continue;
    }
    if (entry.audio.samples.length === 0) problems.push(`${join(dir, entry.name)}.wav: no samples`);
    rates.set(entry.audio.sampleRate, entry.name);
    byName.set(entry.name, entry.audio.samples);
  }
  const sampleRate = [...rates.keys()][0] ?? 0;
  if (rates.size > 1) problems.push(`${dir}: prompts have different sample rates (${[...rates.keys()].join(', ')} Hz); resample them to one`);
  if (rates.size > 0 && sampleRate < MIN_SAMPLE_RATE) problems.push(`${dir}: ${sampleRate} Hz is too low; use ${MIN_SAMPLE_RATE} Hz or more`);
  if (problems.length > 0) {
    throw new PromptSetError(
      `prompt set ${voice}/${lang} is not usable:\n  - ${problems.slice(0, 20).join('\n  - ')}\n` +
      (problems.length > 20 ? `  (and ${problems.length - 20} more)\n` : '') +
      `Regenerate it (node --import tsx scripts/gen-prompts.ts) or record the missing names.`,
    );
  }
  return {
    voice, lang, sampleRate,
    samples(name) {
      const samples = byName.get(name);
      if (samples === undefined) throw new Error(`prompt ${JSON.stringify(name)} is not in the ${lang} vocabulary`);
      return samples;
    },
  };
}
