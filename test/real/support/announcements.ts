import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseWav } from '../../../sip/announce/wav';

/** Durations in ms of the announcements Solde assembled into its SOLDE_ANNOUNCEMENTS_DIR, by file name. */
export function announcementDurationsMs(dir: string): Map<string, number> {
  const durations = new Map<string, number>();
  if (!existsSync(dir)) return durations; // created with the first announcement
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.wav'))) {
    const audio = parseWav(readFileSync(join(dir, name)), name);
    durations.set(name, (audio.samples.length / 2 / audio.sampleRate) * 1000);
  }
  return durations;
}
