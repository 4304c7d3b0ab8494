// What was spent: the transaction history (ledger, newest first, with call destination and duration for
// call debits), the call records, and the reversal of a top-up by support.
import type { FastifyInstance } from 'fastify';
import type { Pool } from '../../../rating/db/pool';
import { requireAccount } from '../../../rating/funds/accounts';
import { getEntry, type LedgerEntry } from '../../../rating/funds/ledger';
import { SoldeError } from '../../../core/errors';
import { principalOf } from '../auth/authenticate';
import { BALANCE_SCHEMA, balanceJson } from '../balance-json';
import { entryJson, type CallSummary } from '../entry-json';
import type { FundsPort } from '../funds-port';
import { ACCOUNT_ID_SCHEMA, ERROR_RESPONSES, REQUEST_ID_SCHEMA, accountRequestId } from '../schemas';
import { CALL_RECORD_SCHEMA, callRecordsPage, decodeCallCursor } from './call-records';

export interface HistoryDeps {
  readonly pool: Pool;
  readonly funds: FundsPort;
}

const PAGE_LIMIT_MAX = 100;
const PAGE_QUERY = {
  type: 'object', additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: PAGE_LIMIT_MAX, default: 20 },
    cursor: { type: 'string', minLength: 1, maxLength: 200, description: 'next_cursor of the previous page' },
  },
} as const;

type Params = { accountId: string };
type PageQuery = { limit?: number; cursor?: string };

export function historyRoutes(deps: HistoryDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get<{ Params: Params; Querystring: PageQuery }>('/accounts/:accountId/transactions', {
      config: { permission: 'funds:read' },
      schema: {
        tags: ['account'],
        summary: 'Transaction history, newest first, a page at a time (next page: cursor=<next_cursor>)',
        params: { type: 'object', required: ['accountId'], properties: { accountId: ACCOUNT_ID_SCHEMA } },
        querystring: { ...PAGE_QUERY, properties: { ...PAGE_QUERY.properties, cursor: { type: 'string', pattern: '^[0-9]{1,18}$' } } },
        response: {
          200: {
            type: 'object', required: ['entries', 'next_cursor'],
            properties: { entries: { type: 'array', items: { $ref: 'LedgerEntry#' } }, next_cursor: { type: 'string', nullable: true } },
          },
          ...ERROR_RESPONSES,
        },
      },
    }, async (request) => {
      const account = await requireAccount(deps.pool, request.params.accountId);
      const page = await deps.funds.ledger(account.id, { before: request.query.cursor, limit: request.query.limit ?? 20 });
      const [reversed, calls] = await Promise.all([reversedIds(deps.pool, account.id, page.entries), callSummaries(deps.pool, account.id, page.entries)]);
      return {
        entries: page.entries.map((entry) => entryJson(entry, { reversed: reversed.has(entry.id), call: calls.get(entry.id) ?? undefined })),
        next_cursor: page.nextCursor,
      };
    });

    app.get<{ Params: Params; Querystring: PageQuery }>('/accounts/:accountId/calls', {
      config: { permission: 'funds:read' },
      schema: {
        tags: ['account'],
        summary: 'Call records, newest first, a page at a time',
        params: { type: 'object', required: ['accountId'], properties: { accountId: ACCOUNT_ID_SCHEMA } },
        querystring: PAGE_QUERY,
        response: {
          200: {
            type: 'object', required: ['calls', 'next_cursor'],
            properties: { calls: { type: 'array', items: CALL_RECORD_SCHEMA }, next_cursor: { type: 'string', nullable: true } },
          },
          ...ERROR_RESPONSES,
        },
      },
    }, async (request) => {
      const account = await requireAccount(deps.pool, request.params.accountId);
      const cursor = request.query.cursor === undefined ? undefined : decodeCallCursor(request.query.cursor);
      return callRecordsPage(deps.pool, account.id, request.query.limit ?? 20, cursor);
    });

    app.post<{ Params: Params & { entryId: string }; Body: { reason: string; request_id: string } }>(
      '/accounts/:accountId/transactions/:entryId/reversal', {
        config: { permission: 'funds:reverse' },
        schema: {
          tags: ['account'],
          summary: 'Reverse a top-up (support only), with a reason; idempotent by request_id',
          description: '409 ALREADY_REVERSED, NOT_REVERSIBLE (not a top-up) or FUNDS_IN_USE (its money was spent or is held by calls).',
          params: {
            type: 'object', required: ['accountId', 'entryId'],
            properties: { accountId: ACCOUNT_ID_SCHEMA, entryId: { type: 'string', pattern: '^[0-9]{1,18}$' } },
          },
          body: {
            type: 'object', required: ['reason', 'request_id'], additionalProperties: false,
            properties: { reason: { type: 'string', minLength: 3, maxLength: 500 }, request_id: REQUEST_ID_SCHEMA },
          },
          response: {
            200: { $ref: 'ReversalResult#' }, 201: { $ref: 'ReversalResult#' }, ...ERROR_RESPONSES, 409: { $ref: 'ErrorBody#' },
          },
        },
      }, async (request, reply) => {
        const account = await requireAccount(deps.pool, request.params.accountId);
        const target = await getEntry(deps.pool, request.params.entryId);
        // An entry of another account is "no such entry" here: the URL names the account it must belong to.
        if (!target || target.accountId !== account.id) throw new SoldeError('UNKNOWN_ENTRY', request.params.entryId);
        const principal = principalOf(request);
        const result = await deps.funds.reverse({
          entryId: target.id, reason: request.body.reason, requestId: accountRequestId(account.id, request.body.request_id),
          actor: `api:${principal.role}:key-${principal.keyId}:${principal.label}`.slice(0, 200),
        });
        request.log.info({ tenant: account.id, entryId: target.id, reversalId: result.entry.id, created: result.created }, 'top-up reversed');
        return reply.status(result.created ? 201 : 200).send({
          created: result.created, entry: entryJson(result.entry), balance: await balanceJson(deps.funds, account.id, account.currency),
        });
      });
  };
}

export const REVERSAL_RESULT_SCHEMA = {
  $id: 'ReversalResult',
  type: 'object',
  required: ['created', 'entry', 'balance'],
  properties: { created: { type: 'boolean' }, entry: { $ref: 'LedgerEntry#' }, balance: BALANCE_SCHEMA },
} as const;

async function reversedIds(pool: Pool, accountId: string, entries: readonly LedgerEntry[]): Promise<Set<string>> {
  const ids = entries.filter((e) => e.kind === 'topup' || e.kind === 'auto_recharge').map((e) => e.id);
  if (ids.length === 0) return new Set();
  const { rows } = await pool.query<{ id: string }>(
    'SELECT reverses_entry_id::text AS id FROM ledger_entries WHERE account_id = $1 AND reverses_entry_id = ANY($2::bigint[])', [accountId, ids]);
  return new Set(rows.map((r) => r.id));
}

/** Destination and duration of the calls behind call debits: the debit's own metadata, completed from the call record. */
async function callSummaries(pool: Pool, accountId: string, entries: readonly LedgerEntry[]): Promise<Map<string, CallSummary>> {
  const debits = entries.filter((e) => e.callId !== null);
  if (debits.length === 0) return new Map();
  const { rows } = await pool.query<{ call_id: string; number: string; country: string | null; talk_ms: string }>(
    `SELECT call_id, coalesce(e164, dialled) AS number, country, talk_ms FROM call_records WHERE account_id = $1 AND call_id = ANY($2::text[])`,
    [accountId, [...new Set(debits.map((e) => e.callId!))]]);
  const records = new Map(rows.map((r) => [r.call_id, r]));
  const summaries = new Map<string, CallSummary>();
  for (const entry of debits) {
    const fromEntry = entryJson(entry).call!;
    const record = records.get(entry.callId!);
    summaries.set(entry.id, {
      call_id: entry.callId!,
      destination: fromEntry.destination ?? record?.country ?? null,
      number: record?.number ?? null,
      duration_seconds: fromEntry.duration_seconds ?? (record ? Math.ceil(Number(record.talk_ms) / 1000) : null),
    });
  }
  return summaries;
}
