import type { CallClass } from '../../rating/contracts';
import type { Micros } from '../../rating/money';
import type { Pool } from '../../rating/db/pool';

// One call record per call, whatever the way it ended. The write is idempotent by call id: a repeat (a
// retry after a Postgres blip) changes nothing and reports that the record already existed.

export interface CallRecord {
  readonly callId: string;
  readonly accountId: string;
  readonly extension: string;
  readonly class: CallClass;
  readonly dialled: string;
  readonly e164: string | null;
  readonly country: string | null;
  readonly rule: string;
  readonly tariffPrefix: string | null;
  readonly perMinuteMicros: Micros | null;
  readonly startedAt: Date;
  readonly answeredAt: Date | null;
  readonly endedAt: Date;
  readonly billedSeconds: number;
  readonly costMicros: Micros;
  readonly endingReason: string;
  readonly sipStatus: number;
  readonly settleStatus: string;
}

/** The columns a record is written to, in the order of writeCallRecord's and the batcher's values. */
export const RECORD_COLUMNS = `call_id, account_id, extension, class, dialled, e164, country, rule, tariff_prefix,
  per_minute_micros, started_at, answered_at, ended_at, duration_ms, talk_ms, billed_seconds, cost_micros,
  ending_reason, sip_status, settle_status`;

export async function writeCallRecord(pool: Pool, record: CallRecord): Promise<'written' | 'exists'> {
  const result = await pool.query(
    `INSERT INTO call_records (${RECORD_COLUMNS})
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20)
     ON CONFLICT (call_id) DO NOTHING`,
    [record.callId, record.accountId, record.extension, record.class, record.dialled, record.e164, record.country,
      record.rule, record.tariffPrefix, record.perMinuteMicros?.toString() ?? null, record.startedAt, record.answeredAt,
      record.endedAt, durationMsOf(record), talkMsOf(record), record.billedSeconds, record.costMicros.toString(),
      record.endingReason, record.sipStatus, record.settleStatus]);
  return result.rowCount === 1 ? 'written' : 'exists';
}

export function durationMsOf(record: CallRecord): number {
  return Math.max(0, record.endedAt.getTime() - record.startedAt.getTime());
}

export function talkMsOf(record: CallRecord): number {
  return record.answeredAt ? Math.max(0, record.endedAt.getTime() - record.answeredAt.getTime()) : 0;
}

export interface StoredCallRecord {
  readonly callId: string;
  readonly accountId: string;
  readonly class: CallClass;
  readonly dialled: string;
  readonly e164: string | null;
  readonly answered: boolean;
  readonly talkMs: number;
  readonly billedSeconds: number;
  readonly costMicros: Micros;
  readonly endingReason: string;
  readonly sipStatus: number;
  readonly settleStatus: string;
}

export async function readCallRecord(pool: Pool, callId: string): Promise<StoredCallRecord | null> {
  const { rows } = await pool.query<Record<string, string | number | Date | null>>(
    'SELECT * FROM call_records WHERE call_id = $1', [callId]);
  const row = rows[0];
  if (!row) return null;
  return {
    callId: String(row.call_id),
    accountId: String(row.account_id),
    class: row.class as CallClass,
    dialled: String(row.dialled),
    e164: row.e164 === null ? null : String(row.e164),
    answered: row.answered_at !== null,
    talkMs: Number(row.talk_ms),
    billedSeconds: Number(row.billed_seconds),
    costMicros: BigInt(String(row.cost_micros)),
    endingReason: String(row.ending_reason),
    sipStatus: Number(row.sip_status),
    settleStatus: String(row.settle_status),
  };
}
