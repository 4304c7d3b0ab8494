// The JSON form of a ledger entry, for the transaction history and the answers of money requests.
import type { LedgerEntry } from '../../rating/funds/ledger';
import { amountFields, amountSchemas } from './money-json';

/** What a call debit shows beside it: where the call went and how long it lasted. */
export interface CallSummary {
  readonly call_id: string;
  readonly destination: string | null;
  readonly number: string | null;
  readonly duration_seconds: number | null;
}

export const ENTRY_SCHEMA = {
  $id: 'LedgerEntry',
  type: 'object',
  required: ['id', 'kind', 'amount', 'amount_micros', 'balance_after', 'balance_after_micros', 'created_at', 'reason',
    'reverses_entry_id', 'reversed', 'call'],
  properties: {
    id: { type: 'string' },
    kind: { type: 'string', enum: ['topup', 'reversal', 'call_debit', 'auto_recharge', 'adjustment'] },
    ...amountSchemas('amount', 'Signed: credits positive, debits negative'),
    ...amountSchemas('balance_after', 'Balance right after this entry'),
    created_at: { type: 'string', format: 'date-time' },
    reason: { type: 'string', nullable: true },
    reverses_entry_id: { type: 'string', nullable: true },
    reversed: { type: 'boolean', description: 'A top-up that support has reversed' },
    call: {
      type: 'object', nullable: true, required: ['call_id', 'destination', 'number', 'duration_seconds'],
      properties: {
        call_id: { type: 'string' },
        destination: { type: 'string', nullable: true },
        number: { type: 'string', nullable: true },
        duration_seconds: { type: 'integer', nullable: true },
      },
    },
  },
} as const;

export function entryJson(entry: LedgerEntry, extra: { reversed?: boolean; call?: CallSummary | null } = {}) {
  return {
    id: entry.id,
    kind: entry.kind,
    ...amountFields('amount', entry.amountMicros),
    ...amountFields('balance_after', entry.balanceAfterMicros),
    created_at: entry.createdAt.toISOString(),
    reason: entry.reason,
    reverses_entry_id: entry.reversesEntryId,
    reversed: extra.reversed ?? false,
    call: extra.call ?? callFromMetadata(entry),
  };
}

function callFromMetadata(entry: LedgerEntry): CallSummary | null {
  if (entry.callId === null) return null;
  const { destination, number, durationSeconds } = entry.metadata as { destination?: unknown; number?: unknown; durationSeconds?: unknown };
  return {
    call_id: entry.callId,
    destination: typeof destination === 'string' ? destination : null,
    number: typeof number === 'string' ? number : null,
    duration_seconds: typeof durationSeconds === 'number' && Number.isSafeInteger(durationSeconds) ? durationSeconds : null,
  };
}
