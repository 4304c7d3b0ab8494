// Every error the API answers has one stable shape: { error: { code, message } }, with `code` from
// core/errors.ts. Expected outcomes keep their status; anything else is a 500 whose detail goes to the
// log only (never to the client, which could carry a secret or an internal path).
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES, SoldeError, type ErrorCode } from '../../core/errors';
import { MoneyError } from '../../rating/money';
import { dependencyErrors } from '../../core/metrics';

export interface ErrorBody {
  readonly error: { readonly code: ErrorCode; readonly message: string };
}

export const ERROR_BODY_SCHEMA = {
  $id: 'ErrorBody',
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string', enum: Object.keys(ERROR_CODES) }, message: { type: 'string' } },
    },
  },
} as const;

export function sendError(reply: FastifyReply, code: ErrorCode, message?: string): FastifyReply {
  const body: ErrorBody = { error: { code, message: message ?? ERROR_CODES[code].message } };
  return reply.status(ERROR_CODES[code].http).type('application/json').send(body);
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | SoldeError | Error, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof SoldeError) {
      if (error.code === 'RATE_LIMITED' && typeof error.meta.retryAfterSeconds === 'number') {
        void reply.header('retry-after', String(error.meta.retryAfterSeconds));
      }
      if (error.code === 'REDIS_UNAVAILABLE' || error.code === 'POSTGRES_UNAVAILABLE' || error.code === 'PAYMENT_UNAVAILABLE') {
        void reply.header('retry-after', '5');
      }
      return sendError(reply, error.code, error.message);
    }
    if (error instanceof MoneyError) return sendError(reply, 'BAD_AMOUNT', error.message);
    const fastifyError = error as FastifyError;
    const inputCode = inputErrorCode(fastifyError);
    if (inputCode) return sendError(reply, inputCode, `${ERROR_CODES[inputCode].message}: ${fastifyError.message}`);
    const dependency = dependencyOf(error);
    if (dependency) {
      dependencyErrors.inc({ dependency });
      request.log.error({ err: error, dependency }, 'dependency failed');
      void reply.header('retry-after', '5');
      return sendError(reply, dependency === 'redis' ? 'REDIS_UNAVAILABLE' : 'POSTGRES_UNAVAILABLE');
    }
    request.log.error({ err: error }, 'unexpected error');
    return sendError(reply, 'INTERNAL');
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, 'NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`));
}

/** fastify's own refusals of a request's input: schema, size (413), content type (415), JSON syntax. */
function inputErrorCode(error: FastifyError): ErrorCode | null {
  if (error.validation) return 'BAD_INPUT';
  if (error.statusCode === 413) return 'BODY_TOO_LARGE';
  if (error.statusCode === 415) return 'UNSUPPORTED_MEDIA_TYPE';
  if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'BAD_INPUT';
  return null;
}

/** Recognises a connection failure of Redis or Postgres, which deserves a 503 rather than a 500. */
function dependencyOf(error: Error): 'redis' | 'postgres' | null {
  const text = `${error.name} ${error.message} ${(error as { code?: string }).code ?? ''}`;
  if (/MaxRetriesPerRequest|Connection is closed|ioredis|Redis/i.test(text)) return 'redis';
  if (/ECONNREFUSED|ETIMEDOUT|57P01|57P03|08006|08001|timeout exceeded when trying to connect|Connection terminated/i.test(text)) {
    return 'postgres';
  }
  return null;
}
