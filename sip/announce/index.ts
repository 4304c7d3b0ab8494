// The Announcer: what session control calls to get a WAV that rtpengine plays (`play media` with `file`,
// then wait `durationMs`: rtpengine sends no end-of-playback event). Messages are assembled from the
// prompt set of the account's language and cached by (language, voice, message words): two balances that
// round down to the same cent share one file. The cache is bounded; dropped files are deleted later.
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LRUCache } from 'lru-cache';
import { balanceMessage, insufficientMessage, lowFundsMessage, type Message } from './speech/messages';
import { LANGUAGES, type Language } from './speech/vocabulary';
import { assembleMessage } from './assemble';
import { announcementsTotal } from './metrics';
import { announcementFileName, prepareOutputDir, unlinkLater, writeAtomically } from './output-dir';
import { assertVoiceName, loadPromptSet, type PromptSet } from './prompt-set';

export interface Announcement { path: string; durationMs: number }

export interface Announcer {
  balance(lang: 'fr' | 'en', availableMicros: bigint, currency: string, minutesLeft?: number): Promise<Announcement>;
  insufficient(lang: 'fr' | 'en', availableMicros: bigint, currency: string): Promise<Announcement>;
  lowFunds(lang: 'fr' | 'en', secondsLeft: number): Promise<Announcement>;
}

export interface AnnouncerOptions {
  /** Where WAVs are written; rtpengine must be able to read it. Made absolute. */
  outputDir: string;
  /** Prompt set folder name under promptsDir; default 'espeak'. */
  voice?: string;
  /** Default: the committed sets in sip/announce/prompts. */
  promptsDir?: string;
  /** Messages kept (one file each); default 1000. */
  cacheEntries?: number;
  /** How long a file dropped from the cache stays on disk, for a playback that may still use it. */
  evictionGraceMs?: number;
}

export const DEFAULT_PROMPTS_DIR = fileURLToPath(new URL('./prompts', import.meta.url));
export const DEFAULT_CACHE_ENTRIES = 1000;
export const DEFAULT_EVICTION_GRACE_MS = 120_000;

export function createAnnouncer(opts: AnnouncerOptions): Announcer {
  if (typeof opts.outputDir !== 'string' || opts.outputDir === '') throw new TypeError('createAnnouncer: outputDir is required');
  const outputDir = resolve(opts.outputDir);
  const voice = opts.voice ?? 'espeak';
  assertVoiceName(voice);
  const promptsDir = resolve(opts.promptsDir ?? DEFAULT_PROMPTS_DIR);
  const graceMs = opts.evictionGraceMs ?? DEFAULT_EVICTION_GRACE_MS;
  if (!Number.isSafeInteger(graceMs) || graceMs < 0) throw new RangeError(`evictionGraceMs must be a whole number >= 0, got ${graceMs}`);

  const cacheEntries = opts.cacheEntries ?? DEFAULT_CACHE_ENTRIES;
  if (!Number.isSafeInteger(cacheEntries) || cacheEntries < 1) throw new RangeError(`cacheEntries must be a whole number >= 1, got ${cacheEntries}`);
  // Only a message pushed out by newer ones loses its file; a failed one is deleted and had none.
  const cache = new LRUCache<string, Promise<Announcement>>({
    max: cacheEntries,
    dispose: (dropped, _key, reason) => {
      if (reason === 'evict') dropped.then((announcement) => unlinkLater(announcement.path, graceMs), () => undefined);
    },
  });
  const promptSets = new Map<Language, Promise<PromptSet>>();
  let ready: Promise<unknown> | undefined;

  function promptSet(lang: Language): Promise<PromptSet> {
    let loading = promptSets.get(lang);
    if (loading === undefined) {
      loading = loadPromptSet(promptsDir, voice, lang);
      promptSets.set(lang, loading);
      loading.catch(() => promptSets.delete(lang)); // an operator may fix the files: try again next time
    }
    return loading;
  }

  async function produce(message: Message, key: string): Promise<Announcement> {
    ready ??= prepareOutputDir(outputDir).catch((error: unknown) => { ready = undefined; throw unwritable(error); });
    const [prompts] = await Promise.all([promptSet(message.lang), ready]);
    const { wav, durationMs } = assembleMessage(message, prompts);
    const keyHash = createHash('sha1').update(key).digest('hex').slice(0, 16);
    const path = join(outputDir, announcementFileName(voice, message.lang, keyHash));
    await writeAtomically(path, wav).catch((error: unknown) => { throw unwritable(error); });
    return Object.freeze({ path, durationMs });
  }

  function unwritable(error: unknown): Error {
    return new Error(`cannot write announcements to ${outputDir} (${(error as Error).message}); ` +
      'check SOLDE_ANNOUNCEMENTS_DIR: a folder Solde can write and rtpengine can read', { cause: error });
  }

  async function announce(message: Message): Promise<Announcement> {
    const key = cacheKey(message);
    const cached = cache.get(key);
    if (cached !== undefined) {
      announcementsTotal.inc({ outcome: 'hit' });
      return cached;
    }
    announcementsTotal.inc({ outcome: 'assembled' });
    const produced = produce(message, key);
    cache.set(key, produced);
    produced.catch(() => { if (cache.peek(key) === produced) cache.delete(key); }); // a failure is not cached
    return produced;
  }

  // Load the prompts now, not on the first caller's time; a failure is reported on first use instead.
  for (const lang of LANGUAGES) promptSet(lang).catch(() => undefined);

  return {
    async balance(lang, availableMicros, currency, minutesLeft) {
      return announce(balanceMessage(checkLanguage(lang), availableMicros, currency, minutesLeft));
    },
    async insufficient(lang, availableMicros, currency) {
      return announce(insufficientMessage(checkLanguage(lang), availableMicros, currency));
    },
    async lowFunds(lang, secondsLeft) {
      return announce(lowFundsMessage(checkLanguage(lang), secondsLeft));
    },
  };
}

/** Same words, same pauses, same language: same audio. Built from the message, so amounts that round
 *  down to the same cent share a key. */
export function cacheKey(message: Message): string {
  return `${message.lang}|${message.sentences.map((sentence) => sentence.map((t) => t.glue + t.prompt).join('')).join('|')}`;
}

function checkLanguage(lang: Language): Language {
  if (lang !== 'fr' && lang !== 'en') throw new TypeError(`language must be 'fr' or 'en', got ${JSON.stringify(lang)}; use chooseLanguage()`);
  return lang;
}

export { loadPromptSet, PromptSetError } from './prompt-set';
export { chooseLanguage } from './speech/messages';
