// The operator commands: `solde announce ...` says what a caller hears and writes the WAV;
// `solde prompts-check` validates a prompt set.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, main } from '../src/cli/main';

const outputDir = mkdtempSync(join(tmpdir(), 'solde-announce-cli-'));
const saved = process.env.SOLDE_ANNOUNCEMENTS_DIR;
beforeAll(() => { process.env.SOLDE_ANNOUNCEMENTS_DIR = outputDir; });
afterAll(() => {
  if (saved === undefined) delete process.env.SOLDE_ANNOUNCEMENTS_DIR;
  else process.env.SOLDE_ANNOUNCEMENTS_DIR = saved;
  rmSync(outputDir, { recursive: true, force: true });
});

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (line) => { out += `${line}\n`; }, err: (line) => { err += `${line}\n`; } });
  return { code, out, err };
}

describe('solde announce', () => {
  it('prints the text and writes the WAV into the announcements folder', async () => {
    const { code, out } = await run('announce', 'balance', 'fr', '12.50', 'EUR', '--minutes', '12', '--json');
    expect(code).toBe(EXIT_OK);
    const result = JSON.parse(out) as { text: string; path: string; durationMs: number };
    expect(result.text).toBe('Votre solde est de douze euros cinquante. Soit environ douze minutes de communication.');
    expect(result.path.startsWith(outputDir)).toBe(true);
    expect(existsSync(result.path)).toBe(true);
    expect(result.durationMs).toBeGreaterThan(1000);
  });

  it('says the other messages', async () => {
    expect((await run('announce', 'insufficient', 'en', '0.40', 'GBP')).out)
      .toMatch(/^Your balance is too low for this call\. Your balance is forty pence\.\n\/.+\.wav \(\d+ ms\)\n$/);
    expect((await run('announce', 'low-funds', 'fr', '30')).out).toMatch(/^Attention, votre crédit sera épuisé dans trente secondes\./);
  });

  it('refuses bad usage (2) and what it cannot say (1), with the reason', async () => {
    expect((await run('announce', 'balance', 'de', '5')).code).toBe(EXIT_USAGE);
    expect((await run('announce', 'balance', 'fr', 'douze')).code).toBe(EXIT_USAGE);
    expect((await run('announce', 'low-funds', 'fr', '0')).code).toBe(EXIT_USAGE);
    expect((await run('announce', 'shout', 'fr', '5')).code).toBe(EXIT_USAGE);
    const usd = await run('announce', 'balance', 'en', '5', 'USD');
    expect(usd.code).toBe(EXIT_FAILED);
    expect(usd.err).toMatch(/USD/);
  });
});

describe('solde prompts-check', () => {
  it('accepts the committed espeak set and names a missing voice', async () => {
    const ok = await run('prompts-check', 'espeak');
    expect(ok.code).toBe(EXIT_OK);
    expect(ok.out).toBe('espeak/fr: ok, 22050 Hz\nespeak/en: ok, 22050 Hz\n');
    const missing = await run('prompts-check', 'studio-absent');
    expect(missing.code).toBe(EXIT_FAILED);
    // The files are read concurrently; the report lists them in vocabulary order all the same.
    const missingNames = [...missing.err.matchAll(/studio-absent\/fr\/(\w+)\.wav: missing/g)].map((m) => m[1]);
    expect(missingNames.slice(0, 4)).toEqual(['zero', 'un', 'une', 'deux']);
    expect(missingNames).toHaveLength(20);
    expect(missing.err).toMatch(/and \d+ more/);
  });
});
