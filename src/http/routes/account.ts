// One tenant's account: profile, balance, add funds, auto-recharge, card on file. The account-admin of the
// tenant may change it; support reads it. The tenant scope is checked by auth/authenticate.ts.
import type { FastifyInstance } from 'fastify';
import type { Pool } from '../../../rating/db/pool';
import { requireAccount, type Account } from '../../../rating/funds/accounts';
import { currentPaymentMethod } from '../../../rating/funds/payment-methods';
import { SoldeError } from '../../../core/errors';
import { ACCOUNT_SCHEMA, accountJson, type AmountOptions } from '../account-json';
import { principalOf } from '../auth/authenticate';
import type { FundsPort } from '../funds-port';
import { amountFields, amountSchemas } from '../money-json';
import { BALANCE_SCHEMA, balanceJson } from '../balance-json';
import { ACCOUNT_PARAMS, ERROR_RESPONSES, MICROS_SCHEMA, REQUEST_ID_SCHEMA, accountRequestId } from '../schemas';
import { entryJson } from '../entry-json';

export interface AccountDeps {
  readonly pool: Pool;
  readonly funds: FundsPort;
  readonly amounts: AmountOptions;
}

type Params = { accountId: string };

const TOPUP_RESULT_SCHEMA = {
  type: 'object',
  required: ['created', 'entry', 'balance'],
  properties: {
    created: { type: 'boolean', description: 'false: this request id was already credited; nothing moved again' },
    entry: { $ref: 'LedgerEntry#' },
    balance: BALANCE_SCHEMA,
  },
} as const;

const RECHARGE_SCHEMA = {
  type: 'object',
  required: ['enabled', 'threshold', 'threshold_micros', 'amount', 'amount_micros', 'stopped_reason'],
  properties: {
    enabled: { type: 'boolean' },
    ...amountSchemas('threshold', 'Recharge when the available balance falls below this'),
    ...amountSchemas('amount', 'Amount added by each recharge'),
    stopped_reason: { type: 'string', nullable: true, description: 'Why auto-recharge stopped (a declined card)' },
  },
} as const;

function rechargeJson(account: Account) {
  return {
    enabled: account.autoRecharge.enabled,
    ...amountFields('threshold', account.autoRecharge.thresholdMicros),
    ...amountFields('amount', account.autoRecharge.amountMicros),
    stopped_reason: account.autoRecharge.stoppedReason,
  };
}

function actorOf(principal: { keyId: string; label: string; role: string }): string {
  return `api:${principal.role}:key-${principal.keyId}:${principal.label}`.slice(0, 200);
}

export function accountRoutes(deps: AccountDeps) {
  const balanceOf = (accountId: string, currency: string) => balanceJson(deps.funds, accountId, currency);

  return async (app: FastifyInstance): Promise<void> => {
    app.get<{ Params: Params }>('/accounts/:accountId', {
      config: { permission: 'account:read' },
      schema: { tags: ['account'], summary: 'Account profile, predefined amounts and the card on file', params: ACCOUNT_PARAMS,
        response: { 200: ACCOUNT_SCHEMA, ...ERROR_RESPONSES } },
    }, async (request) => {
      const account = await requireAccount(deps.pool, request.params.accountId);
      return accountJson(account, await currentPaymentMethod(deps.pool, account.id), deps.amounts, deps.funds.processor);
    });

    app.get<{ Params: Params }>('/accounts/:accountId/balance', {
      config: { permission: 'funds:read' },
      schema: { tags: ['account'], summary: 'Balance, held by calls in progress, available', params: ACCOUNT_PARAMS,
        response: { 200: BALANCE_SCHEMA, ...ERROR_RESPONSES } },
    }, async (request) => {
      const account = await requireAccount(deps.pool, request.params.accountId);
      return balanceOf(account.id, account.currency);
    });

    app.post<{ Params: Params; Body: { amount_micros: string; request_id: string } }>('/accounts/:accountId/topups', {
      config: { permission: 'funds:write' },
      schema: {
        tags: ['account'],
        summary: 'Add funds: one of the predefined amounts, charged to the card on file; idempotent by request_id',
        description: '201 when credited now; 200 when this request_id was already credited (nothing charged again).',
        params: ACCOUNT_PARAMS,
        body: {
          type: 'object', required: ['amount_micros', 'request_id'], additionalProperties: false,
          properties: { amount_micros: MICROS_SCHEMA, request_id: REQUEST_ID_SCHEMA },
        },
        response: {
          200: TOPUP_RESULT_SCHEMA, 201: TOPUP_RESULT_SCHEMA, ...ERROR_RESPONSES,
          402: { $ref: 'ErrorBody#' }, 409: { $ref: 'ErrorBody#' }, 503: { $ref: 'ErrorBody#' },
        },
      },
    }, async (request, reply) => {
      const account = await requireAccount(deps.pool, request.params.accountId);
      const principal = principalOf(request);
      const result = await deps.funds.topUp({
        accountId: account.id, amountMicros: BigInt(request.body.amount_micros),
        requestId: accountRequestId(account.id, request.body.request_id), actor: actorOf(principal),
      });
      request.log.info({ tenant: account.id, entryId: result.entry.id, created: result.created }, 'top-up');
      return reply.status(result.created ? 201 : 200).send({
        created: result.created, entry: entryJson(result.entry), balance: await balanceOf(account.id, account.currency),
      });
    });

    app.get<{ Params: Params }>('/accounts/:accountId/auto-recharge', {
      config: { permission: 'funds:read' },
      schema: { tags: ['account'], summary: 'Auto-recharge settings', params: ACCOUNT_PARAMS, response: { 200: RECHARGE_SCHEMA, ...ERROR_RESPONSES } },
    }, async (request) => rechargeJson(await requireAccount(deps.pool, request.params.accountId)));

    app.put<{ Params: Params; Body: { enabled: boolean; threshold_micros: string; amount_micros: string } }>('/accounts/:accountId/auto-recharge', {
      config: { permission: 'funds:write' },
      schema: {
        tags: ['account'],
        summary: 'Change auto-recharge: threshold and amount from the predefined lists; on or off',
        params: ACCOUNT_PARAMS,
        body: {
          type: 'object', required: ['enabled', 'threshold_micros', 'amount_micros'], additionalProperties: false,
          properties: { enabled: { type: 'boolean' }, threshold_micros: MICROS_SCHEMA, amount_micros: MICROS_SCHEMA },
        },
        response: { 200: RECHARGE_SCHEMA, ...ERROR_RESPONSES },
      },
    }, async (request) => {
      const account = await requireAccount(deps.pool, request.params.accountId);
      const thresholdMicros = BigInt(request.body.threshold_micros);
      const amountMicros = BigInt(request.body.amount_micros);
      // Turned off, "0" is accepted too: what GET answers for an account that never set auto-recharge.
      const unset = (micros: bigint) => !request.body.enabled && micros === 0n;
      if (!deps.amounts.rechargeThresholdsMicros.includes(thresholdMicros) && !unset(thresholdMicros)) {
        throw new SoldeError('NOT_PREDEFINED_AMOUNT', 'threshold_micros must be one of the account\'s recharge_thresholds');
      }
      if (!deps.amounts.topupAmountsMicros.includes(amountMicros) && !unset(amountMicros)) {
        throw new SoldeError('NOT_PREDEFINED_AMOUNT', 'amount_micros must be one of the account\'s topup_amounts');
      }
      const saved = await deps.funds.setAutoRecharge(account.id, { enabled: request.body.enabled, thresholdMicros, amountMicros });
      request.log.info({ tenant: account.id, enabled: request.body.enabled }, 'auto-recharge changed');
      return rechargeJson(saved);
    });

    app.put<{ Params: Params; Body: { token: string; last4: string; brand: string } }>('/accounts/:accountId/card', {
      config: { permission: 'cards:write' },
      schema: {
        tags: ['account'],
        summary: 'Put a card on file: the card processor\'s token (never a card number), its last four digits and brand',
        params: ACCOUNT_PARAMS,
        body: {
          type: 'object', required: ['token', 'last4', 'brand'], additionalProperties: false,
          properties: {
            token: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,200}$' },
            last4: { type: 'string', pattern: '^[0-9]{4}$' },
            brand: { type: 'string', pattern: '^[A-Za-z0-9 _-]{1,40}$' },
          },
        },
        response: {
          200: { type: 'object', required: ['card'], properties: { card: ACCOUNT_SCHEMA.properties.card } },
          ...ERROR_RESPONSES,
        },
      },
    }, async (request) => {
      const account = await requireAccount(deps.pool, request.params.accountId);
      const card = await deps.funds.addPaymentMethod({ accountId: account.id, ...request.body });
      request.log.info({ tenant: account.id, last4: card.last4 }, 'card on file changed');
      return { card: { brand: card.brand, last4: card.last4 } };
    });
  };
}
