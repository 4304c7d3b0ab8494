// JSON schemas shared by several routes.
export const ACCOUNT_ID_SCHEMA = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{1,62}$' } as const;

export const ACCOUNT_PARAMS = {
  type: 'object', required: ['accountId'], properties: { accountId: ACCOUNT_ID_SCHEMA },
} as const;

/** Client-chosen idempotency key of a money request. Solde prefixes it with the account id, so two
 * tenants choosing the same id never collide. */
export const REQUEST_ID_SCHEMA = {
  type: 'string', pattern: '^[A-Za-z0-9._-]{8,36}$', description: 'Idempotency key (a UUID is ideal): a repeat returns the first result',
} as const;

/** The funds engine's request id for a client's: the one form every route uses, so a top-up made by one
 * route is found again by another (its state, its authentication). */
export function accountRequestId(accountId: string, clientRequestId: string): string {
  return `${accountId}:${clientRequestId}`;
}

export const MICROS_SCHEMA = { type: 'string', pattern: '^[0-9]{1,16}$', description: 'Amount in micro-units (1 unit = 1000000)' } as const;

export const ERROR_RESPONSES = {
  400: { $ref: 'ErrorBody#' }, 401: { $ref: 'ErrorBody#' }, 403: { $ref: 'ErrorBody#' }, 404: { $ref: 'ErrorBody#' },
} as const;
