// Rate deck import against a real Postgres: validation (all or nothing, with the line number), idempotent
// re-import, the store's atomic swap, and a 50,000-row deck.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isSoldeError } from '../core/errors';
import { importDeck, importDeckIfEmpty, TariffStore, parseDeck } from '../rating/tariffs';
import { parseCsv } from '../rating/tariffs/csv';
import { syntheticDeckCsv, syntheticPrefixes } from '../rating/tariffs/synthetic-deck';
import { createTestDatabase, type TestDatabase } from './support/pg';

const HEADER = 'prefix,country,destination,rate_per_minute,connect_fee,initial_increment,subsequent_increment,minimum_charge';
const GOOD = '212,MA,Morocco,0.25,0,60,60,0';
const deck = (...lines: string[]): string => [HEADER, ...lines].join('\n');

function csvError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isSoldeError(error, 'BAD_CSV')) return error.message;
    throw error;
  }
  throw new Error('expected BAD_CSV');
}

describe('deck validation', () => {
  it.each([
    ['letters in prefix', '2126a,MA,Morocco mobile,0.25,0,60,60,0', 'line 3: prefix "2126a"'],
    ['prefix of 16 digits', '2121234567890123,MA,Morocco,0.25,0,60,60,0', 'line 3: prefix'],
    ['prefix with +', '+2126,MA,Morocco mobile,0.25,0,60,60,0', 'line 3: prefix "+2126"'],
    ['prefix with 00', '002126,MA,Morocco mobile,0.25,0,60,60,0', 'line 3: prefix "002126"'],
    ['unknown country', '2126,XX,Morocco mobile,0.25,0,60,60,0', 'line 3: country "XX"'],
    ['prefix outside the country', '4930,MA,Berlin,0.25,0,60,60,0', 'line 3: prefix 4930 is not in MA (+212)'],
    ['empty destination', '2126,MA,,0.25,0,60,60,0', 'line 3: destination'],
    ['price not a number', '2126,MA,Morocco mobile,abc,0,60,60,0', 'line 3: rate_per_minute "abc"'],
    ['price in exponent form', '2126,MA,Morocco mobile,1e-3,0,60,60,0', 'line 3: rate_per_minute "1e-3"'],
    ['price with 7 decimals', '2126,MA,Morocco mobile,0.1234567,0,60,60,0', 'line 3: rate_per_minute'],
    ['negative price', '2126,MA,Morocco mobile,-0.01,0,60,60,0', 'line 3: rate_per_minute -0.01 is negative'],
    ['absurd price', '2126,MA,Morocco mobile,250,0,60,60,0', 'line 3: rate_per_minute 250 is above'],
    ['negative connect fee', '2126,MA,Morocco mobile,0.25,-1,60,60,0', 'line 3: connect_fee -1 is negative'],
    ['absurd minimum charge', '2126,MA,Morocco mobile,0.25,0,60,60,500', 'line 3: minimum_charge 500 is above'],
    ['zero increment', '2126,MA,Morocco mobile,0.25,0,0,60,0', 'line 3: initial_increment 0'],
    ['increment above an hour', '2126,MA,Morocco mobile,0.25,0,60,3601,0', 'line 3: subsequent_increment 3601'],
    ['fractional increment', '2126,MA,Morocco mobile,0.25,0,1.5,1,0', 'line 3: initial_increment "1.5"'],
    ['duplicate prefix', '212,MA,Morocco again,0.3,0,60,60,0', 'line 3: prefix 212 already priced on line 2'],
    ['missing field', '2126,MA,Morocco mobile,0.25,0,60,60', 'line 3: 7 fields, expected 8'],
    ['unclosed quote', '2126,MA,"Morocco mobile,0.25,0,60,60,0', 'line 3: a quoted field is never closed'],
  ])('refuses %s with its line number', (_name, bad, reason) => {
    expect(csvError(() => parseDeck(deck(GOOD, bad)))).toContain(reason);
  });

  it.each([
    ['an unknown column', 'prefix,country,destination,rate,connect_fee,initial_increment,subsequent_increment,minimum_charge', 'line 1: unknown column "rate"'],
    ['a missing column', 'prefix,country,destination,rate_per_minute,connect_fee,initial_increment,subsequent_increment', 'line 1: header lacks minimum_charge'],
    ['an empty file', '', 'line 1: the file is empty'],
  ])('refuses a header with %s', (_name, header, reason) => {
    expect(csvError(() => parseDeck(header))).toContain(reason);
  });

  it('refuses a deck with no rates', () => {
    expect(csvError(() => parseDeck(`${HEADER}\n`))).toContain('the deck has no rates');
  });

  it('counts comment and blank lines in line numbers', () => {
    expect(csvError(() => parseDeck(`# sample\n\n${HEADER}\n${GOOD}\n\n2126,MA,x,bad,0,60,60,0\n`))).toContain('line 6:');
  });

  it('names the physical line after a quoted line break, with LF or CRLF, and the line a quote opened on', () => {
    const text = `${HEADER}\n${GOOD}\n2126,MA,"Morocco\nmobile",bad,0,60,60,0\n\n2127,MA,x,bad,0,60,60,0\n`;
    for (const deckText of [text, text.replaceAll('\n', '\r\n')]) {
      expect(parseCsv(deckText).map((record) => record.line)).toEqual([1, 2, 3, 6]);
      expect(csvError(() => parseDeck(deckText))).toContain('line 3: destination'); // a line break is no printable name
    }
    expect(csvError(() => parseDeck(`${HEADER}\n${GOOD}\n# note\n2126,MA,"Morocco\nmobile,0.25,0,60,60,0\n`)))
      .toContain('line 4: a quoted field is never closed');
    expect(csvError(() => parseDeck(`${HEADER}\n${GOOD}\n2126,MA,Mor"occo,0.25,0,60,60,0\n`))).toContain('line 3: a quote inside an unquoted field');
    expect(csvError(() => parseDeck(`${HEADER}\n${GOOD}\n2126,MA,"Morocco"x,0.25,0,60,60,0\n`))).toContain('line 3: text after a closing quote');
  });

  it('reads quoted fields with commas and quotes, a BOM, CRLF, any column order, and ; with decimal commas', () => {
    const rows = parseDeck(
      '\uFEFFcountry,prefix,destination,rate_per_minute,connect_fee,initial_increment,subsequent_increment,minimum_charge\r\n' +
        'MA,2126,"Morocco, mobile ""Maroc Telecom""",0.2500,0.01,30,6,0.02\r\n',
    );
    expect(rows).toEqual([{
      prefix: '2126', country: 'MA', destination: 'Morocco, mobile "Maroc Telecom"', perMinuteMicros: 250_000n,
      connectFeeMicros: 10_000n, initialIncrementSeconds: 30, subsequentIncrementSeconds: 6, minimumChargeMicros: 20_000n,
    }]);
    const semicolons = parseDeck(`${HEADER.replaceAll(',', ';')}\n2126;ma;Morocco mobile;0,0125;0;1;1;0\n`);
    expect(semicolons[0]).toMatchObject({ country: 'MA', perMinuteMicros: 12_500n, initialIncrementSeconds: 1 });
  });
});

describe('deck import', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  const count = async (): Promise<number> => Number((await db.pool.query('SELECT count(*) FROM tariffs')).rows[0].count);

  it('imports, then reports an identical deck (even with CRLF and rows reordered) as unchanged', async () => {
    const text = deck(GOOD, '2126,MA,Morocco mobile,0.45,0,60,60,0');
    expect(await importDeck(db.pool, text, { source: 'test' })).toMatchObject({ status: 'imported', rows: 2 });
    const decks = async () => Number((await db.pool.query('SELECT count(*) FROM tariff_decks')).rows[0].count);
    const before = await decks();
    const reordered = [HEADER, '2126,MA,Morocco mobile,0.45,0,60,60,0', GOOD].join('\r\n');
    expect(await importDeck(db.pool, reordered)).toMatchObject({ status: 'unchanged', rows: 2 });
    expect(await decks()).toBe(before);
    expect(await count()).toBe(2);
  });

  it('refuses a bad deck and leaves the previous one untouched, in Postgres and in the store', async () => {
    const store = new TariffStore(db.pool);
    const held = await store.load();
    const rows = await db.pool.query('SELECT * FROM tariffs ORDER BY prefix');
    await expect(importDeck(db.pool, deck('2127,MA,Morocco mobile,0.45,0,60,60,0', '33,FR,France,x,0,60,60,0')))
      .rejects.toMatchObject({ code: 'BAD_CSV', message: expect.stringContaining('line 3:') });
    expect((await db.pool.query('SELECT * FROM tariffs ORDER BY prefix')).rows).toEqual(rows.rows);
    expect(await store.reload()).toBe(held);
  });

  it('swaps a reloaded deck atomically: an index a caller holds keeps its rates', async () => {
    const store = new TariffStore(db.pool);
    const held = await store.load();
    expect(held.lookup('212612345678')?.perMinuteMicros).toBe(450_000n);
    await importDeck(db.pool, deck(GOOD, '2126,MA,Morocco mobile,0.39,0,60,60,0'));
    expect(store.current()).toBe(held);
    const [first, second] = await Promise.all([store.reload(), store.reload()]);
    expect(first).toBe(second);
    expect(first).not.toBe(held);
    expect(store.current()).toBe(first);
    expect(first.lookup('212612345678')?.perMinuteMicros).toBe(390_000n);
    expect(held.lookup('212612345678')?.perMinuteMicros).toBe(450_000n);
    expect(await store.reload()).toBe(first);
  });

  it('a watching store reloads when another instance imports a deck', async () => {
    const store = new TariffStore(db.pool);
    const before = await store.load();
    const errors: Error[] = [];
    const watch = await store.watch((error) => errors.push(error));
    try {
      await importDeck(db.pool, deck(GOOD, '2126,MA,Morocco mobile,0.41,0,60,60,0'));
      await vi.waitFor(() => expect(store.current()).not.toBe(before), { timeout: 5_000, interval: 20 });
      expect(store.current().lookup('212612345678')?.perMinuteMicros).toBe(410_000n);
      expect(errors).toEqual([]);
    } finally {
      await watch.stop();
    }
  });

  it('two concurrent imports of the same new deck write it once', async () => {
    const text = deck(GOOD, '2126,MA,Morocco mobile,0.42,0,60,60,0');
    const results = await Promise.all([importDeck(db.pool, text), importDeck(db.pool, text)]);
    expect(results.map((r) => r.status).sort()).toEqual(['imported', 'unchanged']);
    expect(await count()).toBe(2);
  });

  it('importDeckIfEmpty leaves a present deck alone', async () => {
    expect(await importDeckIfEmpty(db.pool, '/nonexistent/deck.csv')).toEqual({ status: 'present', rows: 2 });
  });

  it('imports a 50,000-row deck with progress, and the store serves every prefix', async () => {
    const progress: number[] = [];
    const result = await importDeck(db.pool, syntheticDeckCsv(50_000), { onProgress: (done, total) => progress.push(done / total) });
    expect(result).toMatchObject({ status: 'imported', rows: 50_000 });
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(1);
    expect(progress.length).toBeGreaterThan(5);
    expect(await count()).toBe(50_000);
    const index = await new TariffStore(db.pool).load();
    expect(index.size).toBe(50_000);
    const misses = syntheticPrefixes(50_000).filter((prefix) => index.lookup(`${prefix}123`)?.prefix !== prefix);
    expect(misses).toEqual([]);
  });
});

describe('store before any deck', () => {
  it('serves an empty index, then the sample deck after importDeckIfEmpty', async () => {
    const db = await createTestDatabase();
    try {
      const store = new TariffStore(db.pool);
      expect(() => store.current()).toThrow(/before load/);
      expect((await store.load()).size).toBe(0);
      const result = await importDeckIfEmpty(db.pool, 'rating/tariffs/sample-deck.csv');
      expect(result.status).toBe('imported');
      const index = await store.reload();
      expect(index.size).toBe(result.rows);
      expect(index.lookup('33612345678')?.country).toBe('FR');
    } finally {
      await db.drop();
    }
  });

  it('keeps the index in force when Postgres cannot be read', async () => {
    const db = await createTestDatabase();
    const store = new TariffStore(db.pool);
    await importDeck(db.pool, deck(GOOD));
    const held = await store.load();
    await db.drop();
    await expect(store.reload()).rejects.toThrow();
    expect(store.current()).toBe(held);
    expect(held.lookup('212612345678')?.perMinuteMicros).toBe(250_000n);
  });
});
