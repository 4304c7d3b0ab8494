// Call records of a tenant (sip/'s call_records table), newest first, with a keyset cursor on
// (started_at, call_id): pages stay stable while new calls arrive.
import type { Pool } from '../../../rating/db/pool';
import { parseMicros } from '../../../rating/money';
import { SoldeError } from '../../../core/errors';
import { amountFields, amountSchemas } from '../money-json';

export const CALL_RECORD_SCHEMA = {
  type: 'object',
  required: ['call_id', 'started_at', 'answered_at', 'ended_at', 'class', 'dialled', 'number', 'country', 'extension',
    'duration_seconds', 'billed_seconds', 'cost', 'cost_micros', 'ending_reason', 'sip_status'],
  properties: {
    call_id: { type: 'string' },
    started_at: { type: 'string', format: 'date-time' },
    answered_at: { type: 'string', format: 'date-time', nullable: true },
    ended_at: { type: 'string', format: 'date-time' },
    class: { type: 'string' },
    dialled: { type: 'string' },
    number: { type: 'string', nullable: true, description: 'E.164 form of what was dialled' },
    country: { type: 'string', nullable: true },
    extension: { type: 'string' },
    duration_seconds: { type: 'integer', description: 'Talk time, rounded up to the second' },
    billed_seconds: { type: 'integer' },
    ...amountSchemas('cost', 'What the call cost'),
    ending_reason: { type: 'string' },
    sip_status: { type: 'integer' },
  },
} as const;

interface CallRow {
  call_id: string; started_key: string; started_at: Date; answered_at: Date | null; ended_at: Date; class: string; dialled: string;
  e164: string | null; country: string | null; extension: string; talk_ms: string; billed_seconds: number; cost_micros: string;
  ending_reason: string; sip_status: number;
}

export interface CallCursor {
  readonly startedKey: string;
  readonly callId: string;
}

/** The cursor is opaque to clients: base64url of Postgres' exact started_at text and the call id. */
export function encodeCallCursor(cursor: CallCursor): string {
  return Buffer.from(JSON.stringify([cursor.startedKey, cursor.callId])).toString('base64url');
}

export function decodeCallCursor(text: string): CallCursor {
  try {
    const [startedKey, callId] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown[];
    if (typeof startedKey === 'string' && typeof callId === 'string' && !Number.isNaN(Date.parse(startedKey))) return { startedKey, callId };
  } catch {
    // fall through: a cursor the client made up
  }
  throw new SoldeError('BAD_INPUT', 'cursor: pass the next_cursor of the previous page unchanged');
}

export async function callRecordsPage(pool: Pool, accountId: string, limit: number, cursor?: CallCursor) {
  const { rows } = await pool.query<CallRow>(
    `SELECT call_id, started_at::text AS started_key, started_at, answered_at, ended_at, class, dialled, e164, country, extension,
            talk_ms, billed_seconds, cost_micros, ending_reason, sip_status
       FROM call_records
      WHERE account_id = $1 AND ($2::timestamptz IS NULL OR (started_at, call_id) < ($2::timestamptz, $3::text))
      ORDER BY started_at DESC, call_id DESC
      LIMIT $4`,
    [accountId, cursor?.startedKey ?? null, cursor?.callId ?? '', limit + 1],
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    calls: page.map((row) => ({
      call_id: row.call_id,
      started_at: row.started_at.toISOString(),
      answered_at: row.answered_at?.toISOString() ?? null,
      ended_at: row.ended_at.toISOString(),
      class: row.class,
      dialled: row.dialled,
      number: row.e164,
      country: row.country,
      extension: row.extension,
      duration_seconds: Math.ceil(Number(row.talk_ms) / 1000),
      billed_seconds: row.billed_seconds,
      ...amountFields('cost', parseMicros(row.cost_micros)),
      ending_reason: row.ending_reason,
      sip_status: row.sip_status,
    })),
    next_cursor: rows.length > limit && last ? encodeCallCursor({ startedKey: last.started_key, callId: last.call_id }) : null,
  };
}
