// `solde classify`: in-process through main() with a capturing CliIO, and once through the real bin.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { main, type CliIO } from '../src/cli/main';

function capture(): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (line) => stdout.push(line), err: (line) => stderr.push(line) };
}

async function run(...argv: string[]) {
  const io = capture();
  const code = await main(argv, io);
  return { code, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n') };
}

describe('solde classify (in process)', () => {
  it('prints the class and the rule, exit 0', async () => {
    const { code, stdout, stderr } = await run('classify', '0892 12 34 56');
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toContain('PREMIUM');
    expect(stdout).toContain('+33892123456');
    expect(stdout).toContain('fr-premium-089');
  });

  it('--json prints one JSON object with class, e164, country and rule', async () => {
    const { code, stdout } = await run('classify', '+44 (0)20 7946 0018', '--json');
    expect(code).toBe(0);
    expect(stdout.split('\n')).toHaveLength(1);
    expect(JSON.parse(stdout)).toEqual({
      class: 'INCLUDED', dialled: '+44 (0)20 7946 0018', e164: '+442079460018', country: 'GB',
      numberType: 'FIXED_LINE', ratingKey: '442079460018', rule: 'included-fixed:GB',
    });
  });

  it('joins an unquoted number given as several words', async () => {
    const { code, stdout } = await run('classify', '--json', '+49', '30', '12345678');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ class: 'INCLUDED', e164: '+493012345678' });
  });

  it('INVALID exits 1 and says why', async () => {
    const readable = await run('classify', '06123');
    expect(readable.code).toBe(1);
    expect(readable.stdout).toContain('INVALID, the number is incomplete (invalid:too-short)');
    const json = await run('classify', 'abc', '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ class: 'INVALID', rule: 'invalid:characters', e164: null });
  });

  it('bad usage exits 2 with the usage on stderr', async () => {
    for (const argv of [['classify'], ['classify', '--json'], ['classify', '0612345678', '--plan=DE']]) {
      const { code, stdout, stderr } = await run(...argv);
      expect(code, argv.join(' ')).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain('usage: solde classify');
    }
  });

  it('a bad configuration exits 2 and names the variable', async () => {
    const saved = process.env.SOLDE_INCLUDED_COUNTRIES;
    process.env.SOLDE_INCLUDED_COUNTRIES = 'GERMANY';
    try {
      const { code, stderr } = await run('classify', '0612345678');
      expect(code).toBe(2);
      expect(stderr).toContain('SOLDE_INCLUDED_COUNTRIES');
    } finally {
      if (saved === undefined) delete process.env.SOLDE_INCLUDED_COUNTRIES;
      else process.env.SOLDE_INCLUDED_COUNTRIES = saved;
    }
  });

  it('--help prints the usage, exit 0', async () => {
    const { code, stdout } = await run('classify', '--help');
    expect(code).toBe(0);
    expect(stdout).toContain('usage: solde classify');
  });
});

describe('solde classify (the real bin, as a subprocess)', () => {
  const bin = fileURLToPath(new URL('../bin/solde.mjs', import.meta.url));
  const execFileAsync = promisify(execFile);

  it('uses the configured plan and prints JSON', async () => {
    const env = { ...process.env, SOLDE_INCLUDED_COUNTRIES: 'MA' };
    const { stdout } = await execFileAsync(process.execPath, [bin, 'classify', '+212 522 12 34 56', '--json'], { env, timeout: 20_000 });
    expect(JSON.parse(stdout)).toMatchObject({ class: 'INCLUDED', country: 'MA', rule: 'included-fixed:MA' });
  });

  it('exits 1 for an INVALID number', async () => {
    const invalid = await execFileAsync(process.execPath, [bin, 'classify', '+999 123'], { timeout: 20_000 }).catch((error) => error);
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toContain('invalid:unknown-country-code');
  });
});
