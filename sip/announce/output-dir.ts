// The folder assembled announcements are written to, which rtpengine reads. Files are written under a
// temporary name and renamed, so rtpengine never opens half a file; each file name is unique, so a file
// being played is never overwritten, only unlinked once the cache has dropped it and a grace period
// (longer than any announcement) has passed.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const FILE_NAME = /^[A-Za-z0-9_-]+-(fr|en)-[0-9a-f]{16}-[0-9a-f]{8}\.wav(\.tmp)?$/;
/** Files of ours older than this are left over by a stopped process: no announcement lasts this long. */
export const STALE_AFTER_MS = 60 * 60 * 1000;
const MAX_SWEPT_ENTRIES = 100_000;

export function announcementFileName(voice: string, lang: string, keyHash: string): string {
  return `${voice}-${lang}-${keyHash}-${randomBytes(4).toString('hex')}.wav`;
}

export async function writeAtomically(path: string, data: Buffer): Promise<void> {
  const temporary = `${path}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, path);
}

/** Creates the folder and removes announcement files that a previous process left behind. */
export async function prepareOutputDir(dir: string, nowMs = Date.now()): Promise<number> {
  await mkdir(dir, { recursive: true });
  const names = (await readdir(dir)).slice(0, MAX_SWEPT_ENTRIES).filter((name) => FILE_NAME.test(name));
  let removed = 0;
  for (const name of names) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => undefined);
    if (info === undefined || nowMs - info.mtimeMs < STALE_AFTER_MS) continue;
    await unlink(path).catch(() => undefined);
    removed += 1;
  }
  return removed;
}

/** Unlinks a file after a delay without keeping the process alive for it. */
export function unlinkLater(path: string, delayMs: number): void {
  const timer = setTimeout(() => void unlink(path).catch(() => undefined), delayMs);
  timer.unref();
}
