// Operator routes: tenants (accounts), API keys, rate decks. Support may list tenants (to find one).
import type { FastifyInstance } from 'fastify';
import type { Pool } from '../../../rating/db/pool';
import { getAccount, listAccountIds } from '../../../rating/funds/accounts';
import { currentPaymentMethod } from '../../../rating/funds/payment-methods';
import { importDeck, type TariffStore } from '../../../rating/tariffs';
import { SPOKEN_CURRENCIES } from '../../../sip/announce/speech/currencies';
import { SoldeError } from '../../../core/errors';
import { ACCOUNT_SCHEMA, accountJson, type AmountOptions } from '../account-json';
import type { FundsPort } from '../funds-port';
import { ROLES, type ApiKeyStore, type Role } from '../auth/api-keys';

export interface OperatorDeps {
  readonly pool: Pool;
  readonly keys: ApiKeyStore;
  readonly tariffs: TariffStore;
  readonly funds: FundsPort;
  readonly amounts: AmountOptions;
}

const ACCOUNT_ID = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{1,62}$' } as const;
const LIST_LIMIT_MAX = 100;
/** A full carrier deck (several hundred thousand prefixes) is tens of megabytes of CSV. */
const DECK_BODY_LIMIT_BYTES = 64 * 1024 * 1024;

export function operatorRoutes(deps: OperatorDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    // A rate deck is posted as the carriers' CSV, as is: no JSON wrapping of a 100k-line file.
    app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string' }, (_request, body, done) => done(null, body));

    app.post<{ Body: { id: string; name: string; currency?: string; language?: 'fr' | 'en'; max_concurrent_calls?: number } }>('/accounts', {
      config: { permission: 'tenants:manage' },
      schema: {
        tags: ['operator'],
        summary: 'Create a tenant (prepaid account)',
        body: {
          type: 'object', required: ['id', 'name'], additionalProperties: false,
          properties: {
            id: ACCOUNT_ID,
            name: { type: 'string', minLength: 1, maxLength: 200 },
            // Only currencies the announcements can say (a caller hears the balance before each paid call).
            currency: { type: 'string', enum: [...SPOKEN_CURRENCIES], description: `One the announcements can say: ${SPOKEN_CURRENCIES.join(', ')}` },
            language: { type: 'string', enum: ['fr', 'en'] },
            max_concurrent_calls: { type: 'integer', minimum: 0, maximum: 100000 },
          },
        },
        response: { 201: ACCOUNT_SCHEMA, 409: { $ref: 'ErrorBody#' } },
      },
    }, async (request, reply) => {
      const body = request.body;
      const account = await deps.funds.createAccount({
        id: body.id, name: body.name, currency: body.currency, language: body.language, maxConcurrentCalls: body.max_concurrent_calls,
      });
      request.log.info({ tenant: account.id }, 'account created');
      return reply.status(201).send(accountJson(account, undefined, deps.amounts));
    });

    app.get<{ Querystring: { after?: string; limit?: number } }>('/accounts', {
      config: { permission: 'tenants:list' },
      schema: {
        tags: ['operator'],
        summary: 'Tenants in id order, a page at a time (next page: after=<next_after>)',
        querystring: {
          type: 'object', additionalProperties: false,
          properties: { after: { type: 'string', maxLength: 63 }, limit: { type: 'integer', minimum: 1, maximum: LIST_LIMIT_MAX, default: 50 } },
        },
        response: {
          200: {
            type: 'object', required: ['accounts', 'next_after'],
            properties: { accounts: { type: 'array', items: ACCOUNT_SCHEMA }, next_after: { type: 'string', nullable: true } },
          },
        },
      },
    }, async (request) => {
      const limit = request.query.limit ?? 50;
      const ids = await listAccountIds(deps.pool, request.query.after ?? '', limit);
      const accounts = [];
      for (const id of ids) {
        const account = await getAccount(deps.pool, id);
        if (account) accounts.push(accountJson(account, await currentPaymentMethod(deps.pool, id), deps.amounts));
      }
      return { accounts, next_after: ids.length === limit ? ids[ids.length - 1]! : null };
    });

    app.post<{ Body: { role: Role; account_id?: string; label: string } }>('/keys', {
      config: { permission: 'tenants:manage' },
      schema: {
        tags: ['operator'],
        summary: 'Issue an API key; the key is in this answer only and is never shown again',
        body: {
          type: 'object', required: ['role', 'label'], additionalProperties: false,
          properties: { role: { type: 'string', enum: [...ROLES] }, account_id: ACCOUNT_ID, label: { type: 'string', minLength: 1, maxLength: 200 } },
        },
        response: {
          201: {
            type: 'object', required: ['id', 'key', 'role', 'account_id', 'label'],
            properties: {
              id: { type: 'string' }, key: { type: 'string' }, role: { type: 'string' },
              account_id: { type: 'string', nullable: true }, label: { type: 'string' },
            },
          },
        },
      },
    }, async (request, reply) => {
      const { role, label } = request.body;
      const accountId = request.body.account_id ?? null;
      if ((role === 'account-admin') !== (accountId !== null)) {
        throw new SoldeError('BAD_INPUT', 'an account-admin key needs account_id; support and operator keys take none');
      }
      if (accountId !== null && !(await getAccount(deps.pool, accountId))) throw new SoldeError('UNKNOWN_ACCOUNT', accountId);
      const created = await deps.keys.create({ role, accountId, label });
      request.log.info({ newKeyId: created.keyId, newRole: role, tenant: accountId ?? undefined }, 'api key issued');
      return reply.status(201).send({ id: created.keyId, key: created.secret, role, account_id: accountId, label });
    });

    app.get('/keys', {
      config: { permission: 'tenants:manage' },
      schema: {
        tags: ['operator'],
        summary: 'API keys, newest first (the last 1000): hint, role, tenant, label, dates; never a key',
        response: {
          200: {
            type: 'object', required: ['keys'],
            properties: {
              keys: {
                type: 'array',
                items: {
                  type: 'object', required: ['id', 'hint', 'role', 'account_id', 'label', 'created_at', 'revoked_at'],
                  properties: {
                    id: { type: 'string' }, hint: { type: 'string' }, role: { type: 'string' }, account_id: { type: 'string', nullable: true },
                    label: { type: 'string' }, created_at: { type: 'string', format: 'date-time' },
                    revoked_at: { type: 'string', format: 'date-time', nullable: true },
                  },
                },
              },
            },
          },
        },
      },
    }, async () => ({
      keys: (await deps.keys.list(1000)).map((k) => ({
        id: k.keyId, hint: k.hint, role: k.role, account_id: k.accountId, label: k.label,
        created_at: k.createdAt.toISOString(), revoked_at: k.revokedAt?.toISOString() ?? null,
      })),
    }));

    app.delete<{ Params: { keyId: string } }>('/keys/:keyId', {
      config: { permission: 'tenants:manage' },
      schema: {
        tags: ['operator'],
        summary: 'Revoke an API key (idempotent)',
        params: { type: 'object', required: ['keyId'], properties: { keyId: { type: 'string', pattern: '^[0-9]{1,18}$' } } },
        response: { 200: { type: 'object', required: ['revoked'], properties: { revoked: { type: 'boolean' } } } },
      },
    }, async (request) => {
      const revoked = await deps.keys.revoke(request.params.keyId);
      request.log.info({ revokedKeyId: request.params.keyId, revoked }, 'api key revoked');
      return { revoked };
    });

    app.post<{ Body: string }>('/rate-decks', {
      config: { permission: 'rates:import' },
      bodyLimit: DECK_BODY_LIMIT_BYTES,
      schema: {
        tags: ['operator'],
        summary: 'Import a rate deck (CSV body, Content-Type: text/csv); all or nothing',
        description: 'Columns: prefix,country,destination,rate_per_minute,connect_fee,initial_increment,subsequent_increment,minimum_charge. '
          + 'A bad line refuses the whole file (400 BAD_CSV with the line number); the previous deck stays in force.',
        response: {
          200: {
            type: 'object', required: ['status', 'rows', 'version'],
            properties: { status: { type: 'string', enum: ['imported', 'unchanged'] }, rows: { type: 'integer' }, version: { type: 'string' } },
          },
        },
      },
    }, async (request) => {
      if (typeof request.body !== 'string' || request.body.length === 0) {
        throw new SoldeError('BAD_CSV', 'send the deck as the request body with Content-Type: text/csv');
      }
      const result = await importDeck(deps.pool, request.body, { source: `api:key-${request.principal?.keyId}` });
      await deps.tariffs.reload();
      request.log.info({ rows: result.rows, version: result.version, status: result.status }, 'rate deck imported');
      return result;
    });
  };
}
