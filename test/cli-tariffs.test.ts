// The tariff CLI commands against a real Postgres: import with progress and line-numbered refusal, the
// per-country listing, and the rate of one dialled number.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli';
import { createTestDatabase, type TestDatabase } from './support/pg';

const HEADER = 'prefix,country,destination,rate_per_minute,connect_fee,initial_increment,subsequent_increment,minimum_charge';

let db: TestDatabase;
let dir: string;

const run = runCli;

function file(name: string, ...lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${[HEADER, ...lines].join('\n')}\n`);
  return path;
}

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.SOLDE_DATABASE_URL = db.url;
  dir = mkdtempSync(join(tmpdir(), 'solde-cli-tariffs-'));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await db.drop();
});

describe('solde import-rates', () => {
  const good = () => file('good.csv',
    '2126,MA,"Morocco, mobile",0.35,0.05,30,6,0.1',
    '212,MA,Morocco,0.2,0,60,60,0',
    '2125,MA,Morocco,0.19,0,60,60,0');

  it('imports with progress, then says unchanged', async () => {
    const first = await run('import-rates', good());
    expect(first.code).toBe(0);
    expect(first.out).toContain('imported 3 rates');
    expect(first.err).toContain('0/3 rates');
    expect(first.err).toContain('3/3 rates');
    const again = await run('import-rates', good(), '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out)).toMatchObject({ status: 'unchanged', rows: 3 });
  });

  it('refuses a bad file with its line number and keeps the deck in force', async () => {
    const bad = file('bad.csv', '212,MA,Morocco,0.99,0,60,60,0', '2126,MA,Morocco mobile,0.1,0,60,60,0', '2127,MA,Morocco mobile,0.1,0,60,0,0');
    const result = await run('import-rates', bad);
    expect(result.code).toBe(1);
    expect(result.err).toContain('line 4: subsequent_increment 0');
    const listing = JSON.parse((await run('rates', 'MA', '--json')).out);
    expect(listing.rates.map((r: { prefix: string; per_minute: string }) => [r.prefix, r.per_minute]))
      .toEqual([['212', '0.2'], ['2125', '0.19'], ['2126', '0.35']]);
  });

  it('explains a missing file and bad usage', async () => {
    expect((await run('import-rates', join(dir, 'nope.csv'))).code).toBe(1);
    expect((await run('import-rates')).code).toBe(2);
  });
});

describe('solde rates', () => {
  it('lists a country by ISO code or name, sorted by destination then prefix, amounts exact', async () => {
    const byName = await run('rates', 'Maroc', '--json');
    expect(byName.code).toBe(0);
    const listing = JSON.parse(byName.out);
    expect(listing).toMatchObject({ country: 'MA', name: 'Morocco' });
    expect(listing.rates.map((r: { prefix: string }) => r.prefix)).toEqual(['212', '2125', '2126']);
    expect(listing.rates[2]).toMatchObject({ destination: 'Morocco, mobile', per_minute: '0.35', per_minute_micros: '350000', connect_fee: '0.05' });
    const text = await run('rates', 'ma');
    expect(text.out).toMatch(/2126\s+Morocco, mobile\s+0\.35\s+0\.05\s+30\/6\s+0\.1/);
  });

  it('refuses an unknown country', async () => {
    const result = await run('rates', 'Atlantis');
    expect(result.code).toBe(1);
    expect(result.err).toContain('not a country');
  });
});

describe('solde rate', () => {
  it('prices a charged number with the longest prefix and its first grant', async () => {
    const result = await run('rate', '00 212 6 12 34 56 78', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({
      class: 'INTERNATIONAL', rating_key: '212612345678', charged: true,
      rate: { prefix: '2126', per_minute: '0.35' },
      // 0.05 connect fee + 60 s at 0.35/min
      first_grant: { seconds: 60, amount: '0.4', amount_micros: '400000' },
      one_minute: { amount: '0.4' },
    });
  });

  it('says an included number is never charged, and refuses an invalid one', async () => {
    const included = await run('rate', '0612345678');
    expect(included.code).toBe(0);
    expect(included.out).toContain('never charged');
    expect((await run('rate', '12')).code).toBe(1);
  });

  it('fails with a hint when no rate covers a charged number', async () => {
    const result = await run('rate', '+8613912345678');
    expect(result.code).toBe(1);
    expect(result.err).toContain('no rate for 8613912345678');
  });
});
