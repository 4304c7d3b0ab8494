// Imports a carrier CSV deck into Postgres: validate everything first (a bad line refuses the whole file and
// Postgres is never touched), then replace the current deck's rates in one transaction. Readers keep seeing
// the previous deck until the commit (DELETE, not TRUNCATE, so nobody waits on a table lock).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Tariff } from '../contracts';
import { inTransaction, type Pool, type PoolClient } from '../db/pool';
import { deckHash } from './deck-hash';
import { parseDeck } from './parse-deck';

export interface ImportOptions {
  /** Where the deck came from (file name), kept in tariff_decks for the audit trail. */
  readonly source?: string;
  /** Called after each batch of rows written, and once before the first. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface ImportResult {
  readonly status: 'imported' | 'unchanged';
  readonly rows: number;
  readonly version: string;
}

/** Serialises imports of concurrent operators or starting instances. Any constant. */
const DECK_LOCK = 746_532_010;
const BATCH_ROWS = 5_000;
/** Other instances LISTEN here to reload their index (payload: the new deck version). */
export const DECK_CHANNEL = 'solde_tariffs';
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export async function importDeck(pool: Pool, csvText: string, opts: ImportOptions = {}): Promise<ImportResult> {
  const rows = parseDeck(csvText);
  const version = deckHash(rows);
  const onProgress = opts.onProgress ?? (() => undefined);
  onProgress(0, rows.length);
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [DECK_LOCK]);
    const current = await client.query<{ content_hash: string }>('SELECT content_hash FROM tariff_decks WHERE is_current');
    if (current.rows[0]?.content_hash === version) {
      onProgress(rows.length, rows.length);
      return { status: 'unchanged', rows: rows.length, version };
    }
    await client.query('UPDATE tariff_decks SET is_current = false WHERE is_current');
    const deck = await client.query<{ id: string }>(
      'INSERT INTO tariff_decks (content_hash, source, row_count, is_current) VALUES ($1, $2, $3, true) RETURNING id',
      [version, opts.source ?? 'unknown', rows.length],
    );
    await client.query('DELETE FROM tariffs');
    for (let done = 0; done < rows.length; done += BATCH_ROWS) {
      await insertBatch(client, deck.rows[0]!.id, rows.slice(done, done + BATCH_ROWS));
      onProgress(Math.min(done + BATCH_ROWS, rows.length), rows.length);
    }
    await client.query('SELECT pg_notify($1, $2)', [DECK_CHANNEL, version]);
    return { status: 'imported', rows: rows.length, version };
  });
}

async function insertBatch(client: PoolClient, deckId: string, rows: readonly Tariff[]): Promise<void> {
  // One statement per batch: arrays unnested server-side, far faster than a row per INSERT.
  await client.query(
    `INSERT INTO tariffs (deck_id, prefix, country, destination, per_minute_micros, connect_fee_micros,
       initial_increment_seconds, subsequent_increment_seconds, minimum_charge_micros)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::int[], $8::int[], $9::bigint[])`,
    [
      deckId,
      rows.map((t) => t.prefix),
      rows.map((t) => t.country),
      rows.map((t) => t.destination),
      rows.map((t) => t.perMinuteMicros.toString()),
      rows.map((t) => t.connectFeeMicros.toString()),
      rows.map((t) => t.initialIncrementSeconds),
      rows.map((t) => t.subsequentIncrementSeconds),
      rows.map((t) => t.minimumChargeMicros.toString()),
    ],
  );
}

export interface ImportIfEmptyResult {
  readonly status: 'imported' | 'unchanged' | 'present';
  readonly rows: number;
}

/**
 * At start-up: when no deck was ever imported, imports the one at `path` (the sample deck by default), so
 * Solde rates calls out of the box. A relative path is tried from the working directory, then the repository.
 */
export async function importDeckIfEmpty(pool: Pool, path: string, opts: ImportOptions = {}): Promise<ImportIfEmptyResult> {
  const existing = await pool.query<{ row_count: number }>('SELECT row_count FROM tariff_decks WHERE is_current');
  if (existing.rows[0]) return { status: 'present', rows: existing.rows[0].row_count };
  const file = resolveDeckPath(path);
  const result = await importDeck(pool, await readFile(file, 'utf8'), { source: path, ...opts });
  return { status: result.status, rows: result.rows };
}

function resolveDeckPath(path: string): string {
  if (isAbsolute(path) || existsSync(path)) return path;
  const inRepo = resolve(REPO_ROOT, path);
  return existsSync(inRepo) ? inRepo : path;
}
