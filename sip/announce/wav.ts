// Just enough RIFF/WAVE to read prompt files and write assembled messages: 16-bit signed PCM, mono.
// Prompts may come from any recording tool, so reading walks the chunks (LIST, fact...) to find
// 'fmt ' and 'data' instead of assuming the 44-byte layout; writing always uses the 44-byte layout.

export const WAV_HEADER_BYTES = 44;
const PCM_FORMAT = 1;
const MAX_CHUNKS = 64;

export interface PcmAudio {
  readonly sampleRate: number;
  /** Little-endian 16-bit mono samples. */
  readonly samples: Buffer;
}

export class WavFormatError extends Error {
  override name = 'WavFormatError';
}

/** Reads a mono 16-bit PCM WAV; anything else is refused with what to do about it. */
export function parseWav(file: Buffer, name: string): PcmAudio {
  if (file.length < 12 || file.toString('ascii', 0, 4) !== 'RIFF' || file.toString('ascii', 8, 12) !== 'WAVE') {
    throw new WavFormatError(`${name}: not a RIFF/WAVE file`);
  }
  let format: { channels: number; sampleRate: number; bits: number; code: number } | undefined;
  let offset = 12;
  for (let chunk = 0; chunk < MAX_CHUNKS && offset + 8 <= file.length; chunk += 1) {
    const id = file.toString('ascii', offset, offset + 4);
    const size = file.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ' && size >= 16) {
      format = {
        code: file.readUInt16LE(body), channels: file.readUInt16LE(body + 2),
        sampleRate: file.readUInt32LE(body + 4), bits: file.readUInt16LE(body + 14),
      };
    }
    if (id === 'data') {
      if (format === undefined) throw new WavFormatError(`${name}: 'data' comes before 'fmt '`);
      if (format.code !== PCM_FORMAT || format.channels !== 1 || format.bits !== 16) {
        throw new WavFormatError(
          `${name}: must be mono 16-bit PCM, got format ${format.code}, ${format.channels} channel(s), ${format.bits} bits; ` +
          `convert it with: sox in.wav -c 1 -b 16 -e signed-integer out.wav`,
        );
      }
      const end = Math.min(body + size, file.length) & ~1; // whole samples only
      return { sampleRate: format.sampleRate, samples: file.subarray(body, end) };
    }
    offset = body + size + (size & 1); // chunks are word-aligned
  }
  throw new WavFormatError(`${name}: no 'data' chunk`);
}

/** The canonical 44-byte header of a mono 16-bit PCM WAV holding `dataBytes` of samples. */
export function writeWavHeader(target: Buffer, sampleRate: number, dataBytes: number): void {
  if (target.length < WAV_HEADER_BYTES) throw new RangeError('header needs 44 bytes');
  if (!Number.isInteger(dataBytes) || dataBytes < 0 || dataBytes % 2 !== 0) throw new RangeError(`bad data size ${dataBytes}`);
  target.write('RIFF', 0, 'ascii');
  target.writeUInt32LE(36 + dataBytes, 4);
  target.write('WAVE', 8, 'ascii');
  target.write('fmt ', 12, 'ascii');
  target.writeUInt32LE(16, 16);
  target.writeUInt16LE(PCM_FORMAT, 20);
  target.writeUInt16LE(1, 22); // mono
  target.writeUInt32LE(sampleRate, 24);
  target.writeUInt32LE(sampleRate * 2, 28); // byte rate
  target.writeUInt16LE(2, 32); // block align
  target.writeUInt16LE(16, 34);
  target.write('data', 36, 'ascii');
  target.writeUInt32LE(dataBytes, 40);
}
