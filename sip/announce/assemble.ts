// Concatenates the prompts of a message into one WAV with short pauses: almost none inside a hyphenated
// number (quatre-vingt-onze), a short breath between words, a longer one between sentences, and a little
// silence at both ends so that the first syllable is not clipped when RTP starts.
import type { Message } from './speech/messages';
import type { PromptSet } from './prompt-set';
import { WAV_HEADER_BYTES, writeWavHeader } from './wav';

export const PAUSE_MS = { hyphen: 15, word: 60, sentence: 350, edge: 120 } as const;
const BYTES_PER_SAMPLE = 2;

export interface AssembledWav {
  readonly wav: Buffer;
  readonly sampleCount: number;
  readonly durationMs: number;
}

export function assembleMessage(message: Message, prompts: PromptSet): AssembledWav {
  if (message.lang !== prompts.lang) throw new Error(`message in ${message.lang}, prompts in ${prompts.lang}`);
  const pieces = layout(message, prompts);
  const sampleCount = pieces.reduce<number>((sum, piece) => sum + (typeof piece === 'number' ? piece : piece.length / BYTES_PER_SAMPLE), 0);
  const wav = Buffer.alloc(WAV_HEADER_BYTES + sampleCount * BYTES_PER_SAMPLE); // zero-filled: pauses are silence
  writeWavHeader(wav, prompts.sampleRate, sampleCount * BYTES_PER_SAMPLE);
  let offset = WAV_HEADER_BYTES;
  for (const piece of pieces) {
    if (typeof piece === 'number') offset += piece * BYTES_PER_SAMPLE;
    else offset += piece.copy(wav, offset);
  }
  if (offset !== wav.length) throw new Error(`assembly wrote ${offset} of ${wav.length} bytes`);
  return { wav, sampleCount, durationMs: Math.round((sampleCount * 1000) / prompts.sampleRate) };
}

/** The message as a sequence of prompt samples and pauses (a number: that many samples of silence). */
function layout(message: Message, prompts: PromptSet): (Buffer | number)[] {
  const pause = (ms: number): number => Math.round((ms * prompts.sampleRate) / 1000);
  const pieces: (Buffer | number)[] = [pause(PAUSE_MS.edge)];
  for (const [index, sentence] of message.sentences.entries()) {
    if (index > 0) pieces.push(pause(PAUSE_MS.sentence));
    for (const [position, token] of sentence.entries()) {
      if (position > 0) pieces.push(pause(token.glue === '-' ? PAUSE_MS.hyphen : PAUSE_MS.word));
      pieces.push(prompts.samples(token.prompt));
    }
  }
  pieces.push(pause(PAUSE_MS.edge));
  return pieces;
}
