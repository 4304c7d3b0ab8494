import type { Pool } from '../../rating/db/pool';
import { RECORD_COLUMNS, durationMsOf, talkMsOf, writeCallRecord, type CallRecord } from './call-records';

// Call records written in batches: the records of every call that ended within one short window go to
// Postgres as one INSERT (unnested arrays), instead of one round trip and one statement per call. Each
// writer still awaits its own record, so a session finishes only once its record is stored, exactly as
// with single writes; ON CONFLICT (call_id) keeps it idempotent. A batch Postgres refuses is written
// again record by record, so that one bad record cannot take the others with it.

/** How long the first record of a batch waits for others: well under a call's setup time. */
export const BATCH_WINDOW_MS = 5;
export const MAX_BATCH_RECORDS = 200;
/** Records waiting beyond this are refused at once (Postgres far behind): the caller retries or logs. */
const MAX_WAITING_RECORDS = 20_000;

type Outcome = 'written' | 'exists';

interface Waiting {
  readonly record: CallRecord;
  resolve(outcome: Outcome): void;
  reject(error: unknown): void;
}

export class CallRecordBatcher {
  private waiting: Waiting[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly pool: Pool, private readonly windowMs = BATCH_WINDOW_MS) {
    if (!(windowMs >= 0)) throw new RangeError(`windowMs must be >= 0, got ${windowMs}`);
  }

  write(record: CallRecord): Promise<Outcome> {
    if (this.waiting.length >= MAX_WAITING_RECORDS) {
      return Promise.reject(new Error(`call records: ${MAX_WAITING_RECORDS} already waiting for Postgres`));
    }
    return new Promise<Outcome>((resolve, reject) => {
      this.waiting.push({ record, resolve, reject });
      if (this.waiting.length >= MAX_BATCH_RECORDS) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.windowMs);
    });
  }

  /** Sends what waits now and resolves once every batch sent so far is done (stop, tests). */
  async drain(): Promise<void> {
    this.flush();
    await Promise.allSettled([...this.inFlight]);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // Bounded by MAX_WAITING_RECORDS / MAX_BATCH_RECORDS batches.
    while (this.waiting.length > 0) {
      const batch = this.waiting.slice(0, MAX_BATCH_RECORDS);
      this.waiting = this.waiting.slice(MAX_BATCH_RECORDS);
      const sent = this.send(batch).finally(() => this.inFlight.delete(sent));
      this.inFlight.add(sent);
    }
  }

  private async send(batch: readonly Waiting[]): Promise<void> {
    let written: Set<string>;
    try {
      written = await insertBatch(this.pool, batch.map((item) => item.record));
    } catch {
      await Promise.all(batch.map((item) => writeCallRecord(this.pool, item.record).then(item.resolve, item.reject)));
      return;
    }
    for (const item of batch) item.resolve(written.has(item.record.callId) ? 'written' : 'exists');
  }
}

/** One statement for the batch; returns the call ids that were new. */
async function insertBatch(pool: Pool, records: readonly CallRecord[]): Promise<Set<string>> {
  const column = <T>(pick: (record: CallRecord) => T) => records.map(pick);
  const { rows } = await pool.query<{ call_id: string }>(
    `INSERT INTO call_records (${RECORD_COLUMNS})
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
       $9::text[], $10::bigint[], $11::timestamptz[], $12::timestamptz[], $13::timestamptz[], $14::bigint[], $15::bigint[],
       $16::int[], $17::bigint[], $18::text[], $19::int[], $20::text[])
     ON CONFLICT (call_id) DO NOTHING
     RETURNING call_id`,
    [column((r) => r.callId), column((r) => r.accountId), column((r) => r.extension), column((r) => r.class),
      column((r) => r.dialled), column((r) => r.e164), column((r) => r.country), column((r) => r.rule),
      column((r) => r.tariffPrefix), column((r) => r.perMinuteMicros?.toString() ?? null), column((r) => r.startedAt),
      column((r) => r.answeredAt), column((r) => r.endedAt), column(durationMsOf), column(talkMsOf),
      column((r) => r.billedSeconds), column((r) => r.costMicros.toString()), column((r) => r.endingReason),
      column((r) => r.sipStatus), column((r) => r.settleStatus)]);
  return new Set(rows.map((row) => row.call_id));
}
