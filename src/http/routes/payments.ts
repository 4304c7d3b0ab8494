// Card payments of one account: a top-up's state, finishing one the bank wants authenticated, and changing
// the card, both on processor-hosted pages (Stripe Checkout, or the simulator's page). The browser comes
// back to the portal with ?checkout=<session id>; the portal then asks to finish that checkout here.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Pool } from '../../../rating/db/pool';
import { requireAccount } from '../../../rating/funds/accounts';
import type { CardPayment } from '../../../rating/funds/card-payments';
import { ERROR_RESPONSES, ACCOUNT_PARAMS, REQUEST_ID_SCHEMA, accountRequestId } from '../schemas';
import type { FundsPort } from '../funds-port';
import { amountFields, amountSchemas } from '../money-json';

export interface PaymentRouteDeps {
  readonly pool: Pool;
  readonly funds: FundsPort;
  /** SOLDE_PUBLIC_URL; null: the address the request came to. */
  readonly publicUrl: string | null;
}

type Params = { accountId: string };
type TopupParams = Params & { requestId: string };

const TOPUP_PARAMS = {
  type: 'object', required: ['accountId', 'requestId'],
  properties: { ...ACCOUNT_PARAMS.properties, requestId: REQUEST_ID_SCHEMA },
} as const;

const TOPUP_STATE_SCHEMA = {
  type: 'object',
  required: ['request_id', 'kind', 'status', 'amount', 'amount_micros', 'card', 'detail', 'entry_id'],
  properties: {
    request_id: { type: 'string' },
    kind: { type: 'string', enum: ['topup', 'auto_recharge'] },
    status: { type: 'string', enum: ['pending', 'needs_authentication', 'succeeded', 'declined'],
      description: 'pending: the processor has not answered yet (credited once it confirms); needs_authentication: finish it on the hosted page' },
    ...amountSchemas('amount', 'Amount charged'),
    card: { type: 'string' },
    detail: { type: 'string', nullable: true, description: 'The processor\'s reason (a decline)' },
    entry_id: { type: 'string', nullable: true, description: 'The ledger entry, once credited' },
  },
} as const;

const CHECKOUT_SCHEMA = {
  type: 'object', required: ['session_id', 'url'],
  properties: { session_id: { type: 'string' }, url: { type: 'string', description: 'Send the browser there' } },
} as const;

const FINISHED_SCHEMA = {
  type: 'object', required: ['kind'],
  properties: {
    kind: { type: 'string', enum: ['setup', 'payment', 'open'], description: 'open: the page was left unfinished; nothing changed' },
    card: { type: 'object', properties: { brand: { type: 'string' }, last4: { type: 'string' } } },
    status: { type: 'string' },
    entry_id: { type: 'string', nullable: true },
  },
} as const;

const SESSION_PARAMS = {
  type: 'object', required: ['accountId', 'sessionId'],
  properties: { ...ACCOUNT_PARAMS.properties, sessionId: { type: 'string', pattern: '^[A-Za-z0-9_]{1,200}$' } },
} as const;

function topupJson(requestId: string, p: CardPayment) {
  return { request_id: requestId, kind: p.kind, status: p.status, ...amountFields('amount', p.amountMicros), card: p.card, detail: p.detail, entry_id: p.entryId };
}

export function paymentRoutes(deps: PaymentRouteDeps) {
  /** Where the hosted page sends the browser back: the portal, which then finishes the checkout. */
  const returnUrls = (request: FastifyRequest) => {
    const base = deps.publicUrl ?? `${request.protocol}://${request.host}`;
    return { successUrl: `${base}/portal/?checkout={CHECKOUT_SESSION_ID}`, cancelUrl: `${base}/portal/?checkout=cancelled` };
  };

  return async (app: FastifyInstance): Promise<void> => {
    app.get<{ Params: TopupParams }>('/accounts/:accountId/topups/:requestId', {
      config: { permission: 'funds:read' },
      schema: { tags: ['account'], summary: 'A top-up\'s state by its request_id', params: TOPUP_PARAMS, response: { 200: TOPUP_STATE_SCHEMA, ...ERROR_RESPONSES } },
    }, async (request) => {
      const account = await requireAccount(deps.pool, request.params.accountId);
      const payment = await deps.funds.topUpStatus(account.id, accountRequestId(account.id, request.params.requestId));
      return topupJson(request.params.requestId, payment);
    });

    app.post<{ Params: TopupParams }>('/accounts/:accountId/topups/:requestId/authentication', {
      config: { permission: 'funds:write' },
      schema: {
        tags: ['account'], summary: 'Finish a top-up the bank wants authenticated, on the processor\'s hosted page (on-session)',
        params: TOPUP_PARAMS, response: { 201: CHECKOUT_SCHEMA, ...ERROR_RESPONSES, 503: { $ref: 'ErrorBody#' } },
      },
    }, async (request, reply) => {
      const account = await requireAccount(deps.pool, request.params.accountId);
      const start = await deps.funds.startAuthentication(account.id, accountRequestId(account.id, request.params.requestId), returnUrls(request));
      request.log.info({ tenant: account.id, sessionId: start.sessionId }, 'top-up authentication page opened');
      return reply.status(201).send({ session_id: start.sessionId, url: start.url });
    });

    app.post<{ Params: Params }>('/accounts/:accountId/card/checkout', {
      config: { permission: 'cards:write' },
      schema: {
        tags: ['account'], summary: 'Change the card: a hosted page (setup mode) where the card holder saves a new card; no card number reaches Solde',
        params: ACCOUNT_PARAMS, response: { 201: CHECKOUT_SCHEMA, ...ERROR_RESPONSES, 503: { $ref: 'ErrorBody#' } },
      },
    }, async (request, reply) => {
      const account = await requireAccount(deps.pool, request.params.accountId);
      const start = await deps.funds.startCardChange(account.id, returnUrls(request));
      request.log.info({ tenant: account.id, sessionId: start.sessionId }, 'card change page opened');
      return reply.status(201).send({ session_id: start.sessionId, url: start.url });
    });

    app.post<{ Params: { accountId: string; sessionId: string } }>('/accounts/:accountId/checkout/:sessionId', {
      config: { permission: 'cards:write' },
      schema: {
        tags: ['account'], summary: 'Finish a hosted checkout on return: the new card goes on file, or the authenticated top-up is credited (once)',
        params: SESSION_PARAMS, response: { 200: FINISHED_SCHEMA, ...ERROR_RESPONSES, 503: { $ref: 'ErrorBody#' } },
      },
    }, async (request) => {
      const account = await requireAccount(deps.pool, request.params.accountId);
      const done = await deps.funds.finishCheckout(account.id, request.params.sessionId);
      request.log.info({ tenant: account.id, kind: done.kind }, 'checkout finished');
      if (done.kind === 'setup') return { kind: done.kind, card: { brand: done.card.brand, last4: done.card.last4 } };
      if (done.kind === 'payment') return { kind: done.kind, status: done.status, entry_id: done.entryId };
      return { kind: done.kind };
    });
  };
}
