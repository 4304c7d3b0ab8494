// Assembling announcements from the committed prompt sets: valid WAV, exact length, cache behaviour,
// bounded disk use, and clear refusals. Prompt lengths are measured with sox's soxi, not with our reader.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAmount } from '../rating/money';
import { LANGUAGES, promptNames } from '../sip/announce/speech/index';
import { PAUSE_MS } from '../sip/announce/assemble';
import { DEFAULT_PROMPTS_DIR, PromptSetError, createAnnouncer } from '../sip/announce/index';
import { isSoldeError } from '../core/errors';

const scratch = mkdtempSync(join(tmpdir(), 'solde-announce-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let dirs = 0;
const freshDir = (): string => join(scratch, `out${(dirs += 1)}`);
const prompt = (lang: string, name: string): string => join(DEFAULT_PROMPTS_DIR, 'espeak', lang, `${name}.wav`);
const soxSamples = (path: string): number => Number(execFileSync('soxi', ['-s', path]).toString().trim());
const wavFiles = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.wav')) : []);

function readHeader(file: Buffer) {
  return {
    riff: file.toString('ascii', 0, 4), riffSize: file.readUInt32LE(4), wave: file.toString('ascii', 8, 12),
    fmt: file.toString('ascii', 12, 16), fmtSize: file.readUInt32LE(16), format: file.readUInt16LE(20),
    channels: file.readUInt16LE(22), sampleRate: file.readUInt32LE(24), byteRate: file.readUInt32LE(28),
    blockAlign: file.readUInt16LE(32), bits: file.readUInt16LE(34), data: file.toString('ascii', 36, 40),
    dataSize: file.readUInt32LE(40),
  };
}

describe('committed espeak prompt set', () => {
  it.each(LANGUAGES)('%s has every word as 22.05 kHz mono 16-bit PCM, a few MB in all', (lang) => {
    let bytes = 0;
    for (const name of promptNames(lang)) {
      const path = prompt(lang, name);
      const info = execFileSync('soxi', [path]).toString();
      expect(info, path).toMatch(/Channels\s*: 1\n/);
      expect(info, path).toMatch(/Sample Rate\s*: 22050\n/);
      expect(info, path).toMatch(/Precision\s*: 16-bit\n/);
      expect(info, path).toMatch(/Signed Integer PCM/);
      expect(soxSamples(path), path).toBeGreaterThan(1000);
      bytes += statSync(path).size;
    }
    expect(bytes).toBeLessThan(2.5 * 1024 * 1024);
  });
});

describe('assembled announcement', () => {
  it('is a valid WAV whose samples are exactly the prompts plus the pauses, in order', async () => {
    const outputDir = freshDir();
    const announcer = createAnnouncer({ outputDir });
    const { path, durationMs } = await announcer.balance('fr', parseAmount('12.50'), 'EUR', 12);
    expect(path.startsWith('/')).toBe(true);
    const file = readFileSync(path);
    const header = readHeader(file);
    expect(header).toEqual({
      riff: 'RIFF', riffSize: file.length - 8, wave: 'WAVE', fmt: 'fmt ', fmtSize: 16, format: 1, channels: 1,
      sampleRate: 22050, byteRate: 44100, blockAlign: 2, bits: 16, data: 'data', dataSize: file.length - 44,
    });

    // Votre solde est de | douze euros cinquante . Soit environ | douze minutes de communication
    const first = ['votre_solde_est_de', 'douze', 'euros', 'cinquante'];
    const second = ['soit_environ', 'douze', 'minutes', 'de_communication'];
    const pause = (ms: number): number => Math.round((ms * 22050) / 1000);
    const promptSamples = [...first, ...second].reduce((sum, name) => sum + soxSamples(prompt('fr', name)), 0);
    const expected = promptSamples + 2 * pause(PAUSE_MS.edge) + pause(PAUSE_MS.sentence) + 6 * pause(PAUSE_MS.word);
    expect(header.dataSize / 2).toBe(expected);
    expect(soxSamples(path)).toBe(expected);
    expect(durationMs).toBe(Math.round((expected * 1000) / 22050));

    // The first word starts right after the leading pause, byte for byte the prompt file's samples.
    const opening = readFileSync(prompt('fr', 'votre_solde_est_de')).subarray(44);
    const start = 44 + pause(PAUSE_MS.edge) * 2;
    expect(file.subarray(start, start + opening.length).equals(opening)).toBe(true);
    expect(file.subarray(44, start).every((byte) => byte === 0)).toBe(true);
  });

  it('joins hyphenated number words with a shorter pause than separate words', async () => {
    const announcer = createAnnouncer({ outputDir: freshDir() });
    const hyphenated = await announcer.balance('fr', parseAmount('91'), 'EUR'); // quatre-vingt-onze euros
    const spaced = await announcer.balance('fr', parseAmount('71'), 'EUR'); // soixante et onze euros
    const samples = (names: string[]) => names.reduce((sum, name) => sum + soxSamples(prompt('fr', name)), 0);
    const pause = (ms: number): number => Math.round((ms * 22050) / 1000);
    const frame = 2 * pause(PAUSE_MS.edge) + samples(['votre_solde_est_de', 'euros']);
    expect(soxSamples(hyphenated.path)).toBe(frame + samples(['quatre_vingt', 'onze']) + 2 * pause(PAUSE_MS.word) + pause(PAUSE_MS.hyphen));
    expect(soxSamples(spaced.path)).toBe(frame + samples(['soixante', 'et', 'onze']) + 4 * pause(PAUSE_MS.word));
  });
});

describe('announcement cache', () => {
  it('reuses one file for the same words: same amount to the cent, same language and voice', async () => {
    const outputDir = freshDir();
    const announcer = createAnnouncer({ outputDir });
    const a = await announcer.balance('fr', parseAmount('12.50'), 'EUR');
    const b = await announcer.balance('fr', parseAmount('12.509999'), 'EUR');
    const c = await announcer.balance('fr', parseAmount('12.51'), 'EUR');
    const d = await announcer.balance('en', parseAmount('12.50'), 'EUR');
    const concurrent = await Promise.all(Array.from({ length: 10 }, () => announcer.lowFunds('fr', 30)));
    expect(b).toEqual(a);
    expect(c.path).not.toBe(a.path);
    expect(d.path).not.toBe(a.path);
    expect(new Set(concurrent.map((x) => x.path)).size).toBe(1);
    expect(wavFiles(outputDir)).toHaveLength(4);
  });

  it('is bounded: a dropped message has its file deleted after the grace period', async () => {
    const outputDir = freshDir();
    const announcer = createAnnouncer({ outputDir, cacheEntries: 2, evictionGraceMs: 0 });
    const first = await announcer.lowFunds('en', 10);
    const second = await announcer.lowFunds('en', 20);
    expect(await announcer.lowFunds('en', 10)).toBe(first); // a hit makes the first the most recent
    await announcer.lowFunds('en', 30); // drops the least recently used: the second
    for (let attempt = 0; attempt < 100 && existsSync(second.path); attempt += 1) await new Promise((r) => setTimeout(r, 10));
    expect(existsSync(second.path)).toBe(false);
    expect(existsSync(first.path)).toBe(true);
    expect(wavFiles(outputDir)).toHaveLength(2);
    const again = await announcer.lowFunds('en', 20);
    expect(again.path).not.toBe(second.path);
    expect(existsSync(again.path)).toBe(true);
  });

  it('removes announcement files a stopped process left, and nothing else', async () => {
    const outputDir = freshDir();
    const announcer = createAnnouncer({ outputDir });
    await announcer.lowFunds('fr', 5); // creates the folder
    const old = join(outputDir, 'espeak-fr-0123456789abcdef-01234567.wav');
    const recent = join(outputDir, 'espeak-en-0123456789abcdef-89abcdef.wav');
    const foreign = join(outputDir, 'music-on-hold.wav');
    for (const path of [old, recent, foreign]) writeFileSync(path, 'x');
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    utimesSync(old, twoHoursAgo, twoHoursAgo);
    utimesSync(foreign, twoHoursAgo, twoHoursAgo);
    await createAnnouncer({ outputDir }).lowFunds('fr', 6);
    expect([existsSync(old), existsSync(recent), existsSync(foreign)]).toEqual([false, true, true]);
  });
});

describe('refusals', () => {
  it('refuses a currency it cannot say and writes nothing', async () => {
    const outputDir = freshDir();
    const announcer = createAnnouncer({ outputDir });
    const error = await announcer.balance('fr', parseAmount('5'), 'USD').catch((e: unknown) => e);
    expect(isSoldeError(error, 'UNSUPPORTED_CURRENCY')).toBe(true);
    await expect(announcer.insufficient('en', parseAmount('5'), 'JPY')).rejects.toMatchObject({ code: 'UNSUPPORTED_CURRENCY' });
    await expect(announcer.lowFunds('fr', 0)).rejects.toThrow(RangeError);
    await expect(announcer.balance('de' as 'fr', parseAmount('5'), 'EUR')).rejects.toThrow(TypeError);
    expect(wavFiles(outputDir)).toEqual([]);
  });

  it('says which folder it cannot write to, and recovers once it can', async () => {
    const blocker = join(scratch, 'not-a-folder');
    writeFileSync(blocker, 'a file where the folder should be');
    const announcer = createAnnouncer({ outputDir: join(blocker, 'announcements') });
    await expect(announcer.lowFunds('en', 5)).rejects.toThrow(/cannot write announcements to .*not-a-folder.*SOLDE_ANNOUNCEMENTS_DIR/);
    rmSync(blocker);
    expect(existsSync((await announcer.lowFunds('en', 5)).path)).toBe(true);
  });

  it('names every missing or unusable prompt of a voice, and tells how to fix it', async () => {
    const promptsDir = join(scratch, 'prompts-broken');
    cpSync(join(DEFAULT_PROMPTS_DIR, 'espeak', 'fr'), join(promptsDir, 'studio', 'fr'), { recursive: true });
    rmSync(join(promptsDir, 'studio', 'fr', 'quatre_vingts.wav'));
    execFileSync('sox', [prompt('fr', 'mille'), '-r', '8000', join(promptsDir, 'studio', 'fr', 'mille.wav')]);
    const announcer = createAnnouncer({ outputDir: freshDir(), promptsDir, voice: 'studio' });
    const error = await announcer.balance('fr', parseAmount('5'), 'EUR').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PromptSetError);
    expect((error as Error).message).toMatch(/quatre_vingts\.wav: missing/);
    expect((error as Error).message).toMatch(/different sample rates/);
    expect((error as Error).message).toMatch(/gen-prompts/);
    expect(() => createAnnouncer({ outputDir: freshDir(), voice: '../etc' })).toThrow(PromptSetError);
  });

  it('plays a studio voice recorded at 44.1 kHz at its own rate', async () => {
    const promptsDir = join(scratch, 'prompts-studio');
    const dir = join(promptsDir, 'studio', 'en');
    cpSync(join(DEFAULT_PROMPTS_DIR, 'espeak', 'en'), dir, { recursive: true });
    for (const name of promptNames('en')) {
      execFileSync('sox', [prompt('en', name), '-r', '44100', join(dir, `${name}.wav`)]);
    }
    const { path, durationMs } = await createAnnouncer({ outputDir: freshDir(), promptsDir, voice: 'studio' }).lowFunds('en', 30);
    expect(readHeader(readFileSync(path)).sampleRate).toBe(44100);
    expect(durationMs).toBe(Math.round((soxSamples(path) * 1000) / 44100));
  });
});
