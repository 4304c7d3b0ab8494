// Serves the current deck from memory. load()/reload() read Postgres and swap the index in one assignment;
// current() never touches Postgres, and an index a caller holds never changes (it is immutable).
import type { Tariff } from '../contracts';
import type { Pool } from '../db/pool';
import { parseMicros } from '../money';
import { EMPTY_DECK_VERSION } from './deck-hash';
import { TariffIndex } from './tariff-index';
import { watchDeck, type DeckWatch } from './watch';

interface TariffRow {
  content_hash: string;
  prefix: string;
  country: string;
  destination: string;
  per_minute_micros: string;
  connect_fee_micros: string;
  initial_increment_seconds: number;
  subsequent_increment_seconds: number;
  minimum_charge_micros: string;
}

export class TariffStore {
  private index: TariffIndex | undefined;
  private pending: Promise<TariffIndex> | undefined;

  constructor(private readonly pool: Pool) {}

  /** Loads the current deck (an empty index when none was imported yet). */
  load(): Promise<TariffIndex> {
    return this.reload();
  }

  /** The index in force. Throws if load() never completed: that is a start-up ordering bug. */
  current(): TariffIndex {
    if (!this.index) throw new Error('TariffStore.current() called before load() completed');
    return this.index;
  }

  /**
   * Re-reads the deck and swaps it in. Concurrent calls share one read. When the deck did not change the
   * same index object is kept. On failure the previous index stays in force and the error is thrown.
   */
  reload(): Promise<TariffIndex> {
    this.pending ??= this.read().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /**
   * Reloads whenever any instance imports a deck (Postgres LISTEN on the import's NOTIFY). Holds one pool
   * connection until stop(). Errors of a reload or of the connection go to onError; the index in force stays.
   */
  watch(onError: (error: Error) => void): Promise<DeckWatch> {
    return watchDeck(this.pool, () => this.reload(), onError);
  }

  private async read(): Promise<TariffIndex> {
    const head = await this.pool.query<{ content_hash: string }>('SELECT content_hash FROM tariff_decks WHERE is_current');
    if (this.index && this.index.version === (head.rows[0]?.content_hash ?? EMPTY_DECK_VERSION)) return this.index;
    // One statement: the rates and their deck's hash come from the same snapshot.
    const result = await this.pool.query<TariffRow>(
      `SELECT d.content_hash, t.prefix, t.country, t.destination, t.per_minute_micros, t.connect_fee_micros,
              t.initial_increment_seconds, t.subsequent_increment_seconds, t.minimum_charge_micros
         FROM tariff_decks d JOIN tariffs t ON t.deck_id = d.id
        WHERE d.is_current`,
    );
    const rows = result.rows.map(toTariff);
    const index = TariffIndex.build(rows);
    const stored = result.rows[0]?.content_hash ?? EMPTY_DECK_VERSION;
    if (index.version !== stored) {
      throw new Error(`tariffs of deck ${stored} do not match its hash (${index.version}): rows were edited outside import-rates; re-import the deck`);
    }
    this.index = index;
    return index;
  }
}

function toTariff(row: TariffRow): Tariff {
  return {
    prefix: row.prefix,
    country: row.country,
    destination: row.destination,
    perMinuteMicros: parseMicros(row.per_minute_micros),
    connectFeeMicros: parseMicros(row.connect_fee_micros),
    initialIncrementSeconds: row.initial_increment_seconds,
    subsequentIncrementSeconds: row.subsequent_increment_seconds,
    minimumChargeMicros: parseMicros(row.minimum_charge_micros),
  };
}
