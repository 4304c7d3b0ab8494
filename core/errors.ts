// Every coded error Solde can answer with, in one place. An expected outcome (no funds, unknown account,
// bad input) is a SoldeError with one of these codes and never a crash; test/errors.test.ts checks the
// catalogue. Add a code here before using it anywhere.

export const ERROR_CODES = {
  // input
  BAD_INPUT: { http: 400, message: 'The request is not valid' },
  BAD_AMOUNT: { http: 400, message: 'The amount is not valid' },
  BAD_NUMBER: { http: 400, message: 'The number cannot be understood' },
  BAD_CSV: { http: 400, message: 'The rate deck has a bad line; nothing was imported' },
  BODY_TOO_LARGE: { http: 413, message: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { http: 415, message: 'The request body has a content type this route does not take' },
  // lookups
  UNKNOWN_ACCOUNT: { http: 404, message: 'No such account' },
  UNKNOWN_ENTRY: { http: 404, message: 'No such ledger entry' },
  UNKNOWN_COUNTRY: { http: 404, message: 'No such country' },
  NO_RATE: { http: 404, message: 'No rate for this destination' },
  // money
  INSUFFICIENT_FUNDS: { http: 402, message: 'The available balance is too low' },
  CURRENCY_MISMATCH: { http: 400, message: 'The amount is not in the account currency' },
  UNSUPPORTED_CURRENCY: { http: 400, message: 'Announcements cannot say amounts in this currency (EUR, GBP, CHF only)' },
  NOT_PREDEFINED_AMOUNT: { http: 400, message: 'Only the predefined amounts can be added' },
  IDEMPOTENCY_CONFLICT: { http: 409, message: 'This request id was already used for a different request' },
  ALREADY_REVERSED: { http: 409, message: 'This top-up was already reversed' },
  NOT_REVERSIBLE: { http: 409, message: 'This entry cannot be reversed' },
  FUNDS_IN_USE: { http: 409, message: 'The money of this top-up was already spent or is held by calls' },
  NO_PAYMENT_METHOD: { http: 409, message: 'No card on file' },
  PAYMENT_DECLINED: { http: 402, message: 'The card was declined' },
  PAYMENT_UNAVAILABLE: { http: 503, message: 'The card processor has not confirmed the payment yet; it stays pending and is credited once confirmed, never twice' },
  PAYMENT_NEEDS_AUTHENTICATION: { http: 402, message: 'The bank asks the card holder to confirm this payment; nothing was credited' },
  PAYMENTS_NOT_CONFIGURED: { http: 503, message: 'Card payments are not configured: set SOLDE_CARD_PROCESSOR=stripe (or simulator on a test system) and restart' },
  UNKNOWN_PAYMENT: { http: 404, message: 'No such top-up or checkout' },
  BAD_WEBHOOK_SIGNATURE: { http: 400, message: 'The webhook signature is missing, forged or too old; nothing was changed' },
  // access
  UNAUTHENTICATED: { http: 401, message: 'A valid API key is required' },
  KEY_IN_URL: { http: 400, message: 'API keys are never taken from the URL' },
  FORBIDDEN: { http: 403, message: 'This key may not do that' },
  RATE_LIMITED: { http: 429, message: 'Too many attempts; wait and try again' },
  NOT_FOUND: { http: 404, message: 'No such resource' },
  INTERNAL: { http: 500, message: 'Internal error; it was logged' },
  // dependencies
  REDIS_UNAVAILABLE: { http: 503, message: 'Real-time balance store unavailable' },
  POSTGRES_UNAVAILABLE: { http: 503, message: 'Database unavailable' },
} as const satisfies Record<string, { http: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class SoldeError extends Error {
  override name = 'SoldeError';
  readonly http: number;
  constructor(
    readonly code: ErrorCode,
    detail?: string,
    readonly meta: Readonly<Record<string, unknown>> = {},
  ) {
    super(detail ? `${ERROR_CODES[code].message}: ${detail}` : ERROR_CODES[code].message);
    this.http = ERROR_CODES[code].http;
  }
}

export function isSoldeError(error: unknown, code?: ErrorCode): error is SoldeError {
  return error instanceof SoldeError && (code === undefined || error.code === code);
}
