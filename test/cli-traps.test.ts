// The operator's traps seen on the CLI (issue 16, point 12), each run in process against this file's own
// Postgres database and Redis prefix: refused amounts in currency units, an existing account, the account
// list the hints name, a second reversal, prompts-check --json, unspeakable currencies, networks too wide
// to trust quietly, ledger amounts as the balance shows them, and --help on every command.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli';
import { createTestDatabase, type TestDatabase } from './support/pg';
import { createTestRedis, type TestRedis } from './support/redis';

let db: TestDatabase;
let r: TestRedis;

const run = runCli;

beforeAll(async () => {
  db = await createTestDatabase();
  r = await createTestRedis();
  process.env.SOLDE_DATABASE_URL = db.url;
  process.env.SOLDE_REDIS_PREFIX = r.prefix;
  process.env.SOLDE_CARD_PROCESSOR = 'simulator'; // these top-ups use the simulator's test cards
  expect((await run('account', 'create', 'acme', '--name', 'Acme', '--language', 'en')).code).toBe(0);
  expect((await run('account', 'card', 'acme', 'tok_sim_4242', '4242', 'visa')).code).toBe(0);
});
afterAll(async () => {
  await r?.cleanup();
  await db?.drop();
});

async function ledgerCount(): Promise<number> {
  return (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger_entries')).rows[0]!.n;
}

describe('solde amounts', () => {
  it('refuses a negative top-up in currency units, with the amounts it takes', async () => {
    const before = await ledgerCount();
    const negative = await run('topup', 'acme', '-20');
    expect(negative.code).toBe(1);
    expect(negative.err).not.toMatch(/micro/);
    expect(negative.err).toContain('-20');
    expect(negative.err).toContain('10, 20, 50, 100');
    const zero = await run('topup', 'acme', '0');
    expect(zero.code).toBe(1);
    expect(zero.err).not.toMatch(/micro/);
    expect(await ledgerCount()).toBe(before);
  });

  it('refuses an absurdly long amount as an amount it cannot add, not as "not digits"', async () => {
    const long = await run('topup', 'acme', '1'.repeat(40));
    expect(long.code).toBe(1);
    expect(long.err).not.toMatch(/expected digits|not an amount/);
    expect(long.err).toMatch(/too large/);
    expect(long.err).toContain('10, 20, 50, 100');
    const threshold = await run('auto-recharge', 'acme', 'on', '--threshold', '-5', '--amount', '50');
    expect(threshold.code).toBe(1);
    expect(threshold.err).toContain('5, 10, 20');
    expect(threshold.err).not.toMatch(/micro/);
  });

  it('prints ledger amounts as the balance does (€20.00), and sub-cent call debits exactly', async () => {
    expect((await run('topup', 'acme', '20', '--request-id', 'traps-ledger-1')).code).toBe(0);
    const ledger = await run('ledger', 'acme');
    expect(ledger.out).toMatch(/ €20\.00  balance €20\.00 /);
    expect(ledger.out).not.toContain('€20.000000');
    const { exactAmount } = await import('../src/cli/funds-cli');
    expect(exactAmount(-452_300n, 'EUR')).toBe('-€0.4523');
    expect(exactAmount(20_000_000n, 'EUR')).toBe('€20.00');
  });
});

describe('solde account', () => {
  it('says an existing account exists, not IDEMPOTENCY_CONFLICT, and changes nothing', async () => {
    const again = await run('account', 'create', 'acme', '--name', 'Other name');
    expect(again.code).toBe(1);
    expect(again.err).toContain('account acme already exists (Acme, EUR, en)');
    expect(again.err).not.toContain('IDEMPOTENCY_CONFLICT');
    expect(JSON.parse((await run('account', 'show', 'acme', '--json')).out)).toMatchObject({ name: 'Acme' });
  });

  it('lists accounts, the command the not-found hint names', async () => {
    expect((await run('account', 'create', 'bistro', '--name', 'Bistro')).code).toBe(0);
    const missing = await run('balance', 'nobody');
    expect(missing.err).toContain('solde account list');
    const listed = await run('account', 'list');
    expect(listed.code).toBe(0);
    expect(listed.out.split('\n')).toEqual([expect.stringMatching(/^acme: Acme, EUR, en, active, balance €/), expect.stringMatching(/^bistro: Bistro, EUR, fr/)]);
    const page = JSON.parse((await run('account', 'list', '--limit', '1', '--json')).out);
    expect(page).toMatchObject({ accounts: [{ id: 'acme' }], next_after: 'acme' });
    expect(JSON.parse((await run('account', 'list', '--after', 'acme', '--json')).out).accounts.map((a: { id: string }) => a.id)).toEqual(['bistro']);
  });

  it('accepts only currencies the announcements can say, and names them', async () => {
    const xyz = await run('account', 'create', 'zed', '--name', 'Zed', '--currency', 'XYZ');
    expect(xyz.code).toBe(1);
    expect(xyz.err).toContain('XYZ');
    expect(xyz.err).toContain('EUR, GBP, CHF');
    expect((await run('account', 'show', 'zed')).code).toBe(1);
    expect((await run('account', 'create', 'pound', '--name', 'Pound Ltd', '--currency', 'GBP')).code).toBe(0);
  });
});

describe('solde reverse', () => {
  it('refuses a second reversal of the same top-up, saying it was already reversed', async () => {
    const { entry } = JSON.parse((await run('topup', 'acme', '10', '--json')).out);
    const first = await run('reverse', entry.id, '--reason', 'charged twice');
    expect(first.code, first.err).toBe(0);
    const second = await run('reverse', entry.id, '--reason', 'charged twice');
    expect(second.code).toBe(1);
    expect(second.err).toContain(`entry #${entry.id} was already reversed`);
    expect(second.out).toBe('');
    // A script that retries with its own request id gets the first answer back (idempotent), exit 0.
    const scripted = await run('topup', 'acme', '10', '--json');
    const id = JSON.parse(scripted.out).entry.id;
    expect((await run('reverse', id, '--reason', 'retry test', '--request-id', 'traps-rev-1')).code).toBe(0);
    const retry = await run('reverse', id, '--reason', 'retry test', '--request-id', 'traps-rev-1');
    expect(retry.code).toBe(0);
    expect(retry.out).toContain('already done by request id traps-rev-1');
  });
});

describe('solde pbx add', () => {
  it('refuses a network wider than a /16 without --force, warns over a /24', async () => {
    const wide = await run('pbx', 'add', 'acme', '10.0.0.0/8');
    expect(wide.code).toBe(1);
    expect(wide.err).toContain('16,777,216 addresses');
    expect(wide.err).toContain('--force');
    expect(JSON.parse((await run('pbx', 'list', 'acme', '--json')).out).sources).toEqual([]);
    const forced = await run('pbx', 'add', 'acme', '10.0.0.0/8', '--force');
    expect(forced.code).toBe(0);
    expect(forced.err).toContain('warning: 10.0.0.0/8 is a /8 network');
    const office = await run('pbx', 'add', 'acme', '192.0.4.0/22');
    expect(office.code).toBe(0);
    expect(office.err).toContain('warning: 192.0.4.0/22 is a /22 network: 1,024 addresses');
    const single = await run('pbx', 'add', 'acme', '198.51.100.7');
    expect(single).toMatchObject({ code: 0, err: '' });
    expect((await run('pbx', 'add', 'acme', '2001:db8::/32')).code).toBe(1);
    expect((await run('pbx', 'add', 'acme', '2001:db8:1::/64')).err).toBe('');
  });
});

describe('solde prompts-check --json', () => {
  it('prints one JSON object, as prompts-check and as announce prompts-check', async () => {
    for (const argv of [['prompts-check', '--json'], ['announce', 'prompts-check', 'espeak', '--json']]) {
      const result = await run(...argv);
      expect(result.code, result.err).toBe(0);
      expect(JSON.parse(result.out)).toEqual({
        voice: 'espeak', ok: true,
        languages: [{ language: 'fr', ok: true, sample_rate_hz: 22050, problem: null }, { language: 'en', ok: true, sample_rate_hz: 22050, problem: null }],
      });
    }
    const missing = await run('prompts-check', 'studio-absent', '--json');
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.out)).toMatchObject({ voice: 'studio-absent', ok: false, languages: [{ ok: false, problem: expect.stringContaining('missing') }, { ok: false }] });
  });
});

describe('--help', () => {
  const COMMANDS = [
    ['classify'], ['rate'], ['rates'], ['import-rates'],
    ['account', 'create'], ['account', 'list'], ['account', 'show'], ['account', 'card'],
    ['balance'], ['topup'], ['reverse'], ['auto-recharge'], ['ledger'], ['reconcile'],
    ['announce', 'balance'], ['announce', 'insufficient'], ['announce', 'low-funds'], ['announce', 'prompts-check'], ['prompts-check'],
    ['pbx', 'add'], ['pbx', 'list'], ['pbx', 'remove'], ['calls'],
  ];

  it('every command and subcommand answers --help and -h with its usage and options, exit 0, touching nothing', async () => {
    const before = await ledgerCount();
    for (const words of COMMANDS) {
      for (const flag of ['--help', '-h']) {
        const result = await run(...words, flag);
        expect(result.code, `${words.join(' ')} ${flag}: ${result.err}`).toBe(0);
        expect(result.out).toMatch(new RegExp(`^usage: solde ${words.join(' ')}\\b`));
        expect(result.out).toContain('-h, --help');
        expect(result.err).toBe('');
      }
    }
    for (const group of ['account', 'announce', 'pbx']) {
      const result = await run(group, '--help');
      expect(result.code).toBe(0);
      expect(result.out).toMatch(new RegExp(`^usage: solde ${group} <`));
    }
    expect(await ledgerCount()).toBe(before);
  });

  it('is generated from the option declarations', async () => {
    const help = (await run('topup', '--help')).out;
    expect(help).toMatch(/--request-id ID\s+idempotency key/);
    expect(help).toMatch(/--actor NAME\s+who did it/);
    expect(help).toMatch(/--json\s+print one JSON object/);
    const unknown = await run('topup', 'acme', '20', '--amount', '20');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("Unknown option '--amount'");
    expect(unknown.err).toContain('usage: solde topup <account> <amount>');
    const missing = await run('pbx', 'add', 'acme');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('solde pbx add: missing <address or network>');
  });

  it('scripts/create-api-key.ts --help is help: exit 0, on stdout, without a database', async () => {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/create-api-key.ts', '--help'],
      { env: { ...process.env, SOLDE_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' } });
    expect(stdout).toMatch(/^usage: node --import tsx scripts\/create-api-key.ts --role/);
    expect(stdout).toMatch(/--account ID\s+the tenant of an account-admin key/);
    expect(stdout).toContain('--role account-admin --account acme');
    expect(stderr).toBe('');
  });
});
