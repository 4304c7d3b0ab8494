// Every way Solde refuses an INVITE: the SIP status the caller gets, a Reason header (RFC 3326) saying
// why in words an operator can grep, and the ending reason written to the call record.

export interface Refusal {
  readonly status: number;
  readonly phrase: string;
  /** Q.850 cause for the Reason header. */
  readonly cause: number;
  readonly text: string;
  /** Seconds, for 503s: when the PBX may try again. */
  readonly retryAfterSeconds?: number;
}

export const REFUSALS = {
  'shutting-down': { status: 503, phrase: 'Service Unavailable', cause: 41, text: 'Solde is shutting down', retryAfterSeconds: 5 },
  'untrusted-source': { status: 403, phrase: 'Forbidden', cause: 21, text: 'source address is not a known PBX' },
  'bad-request': { status: 400, phrase: 'Bad Request', cause: 111, text: 'malformed INVITE' },
  // drachtio-server v0.9.4 delivers an INVITE with Max-Forwards: 0 (sofia does not refuse it): Solde must.
  'too-many-hops': { status: 483, phrase: 'Too Many Hops', cause: 25, text: 'Max-Forwards reached 0' },
  'bad-content-length': { status: 400, phrase: 'Bad Request', cause: 111, text: 'Content-Length does not match the body' },
  'unsupported-uri': { status: 416, phrase: 'Unsupported URI Scheme', cause: 111, text: 'request URI must be sip: or sips:' },
  'no-number': { status: 484, phrase: 'Address Incomplete', cause: 28, text: 'request URI has no dialled number' },
  // RFC 4028 §8.1: the caller's Session-Expires is below Solde's Min-SE (the 422 carries Min-SE).
  'session-interval-too-small': { status: 422, phrase: 'Session Interval Too Small', cause: 111, text: 'Session-Expires below Min-SE' },
  'no-sdp': { status: 488, phrase: 'Not Acceptable Here', cause: 79, text: 'an SDP offer with audio is required' },
  'unknown-account': { status: 403, phrase: 'Forbidden', cause: 21, text: 'the PBX account does not exist' },
  'account-suspended': { status: 403, phrase: 'Forbidden', cause: 21, text: 'account suspended' },
  'invalid-number': { status: 404, phrase: 'Not Found', cause: 1, text: 'dialled number does not exist' },
  'incomplete-number': { status: 484, phrase: 'Address Incomplete', cause: 28, text: 'dialled number is incomplete' },
  'no-rate': { status: 404, phrase: 'Not Found', cause: 3, text: 'no tariff for this destination' },
  'concurrency-limit': { status: 486, phrase: 'Busy Here', cause: 17, text: 'concurrent call limit of the account reached' },
  'funds-unavailable': { status: 503, phrase: 'Service Unavailable', cause: 41, text: 'balance store unavailable', retryAfterSeconds: 30 },
  'insufficient-funds': { status: 402, phrase: 'Payment Required', cause: 21, text: 'insufficient prepaid balance' },
  'media-failed': { status: 503, phrase: 'Service Unavailable', cause: 47, text: 'media server unavailable', retryAfterSeconds: 30 },
  'internal-error': { status: 500, phrase: 'Server Internal Error', cause: 41, text: 'internal error' },
} as const satisfies Record<string, Refusal>;

export type RefusalReason = keyof typeof REFUSALS;

export function reasonHeader(cause: number, text: string): string {
  return `Q.850;cause=${cause};text="${text.replace(/["\\\r\n]/g, '')}"`;
}

export function refusalHeaders(reason: RefusalReason): Record<string, string> {
  const refusal: Refusal = REFUSALS[reason];
  const headers: Record<string, string> = { Reason: reasonHeader(refusal.cause, refusal.text) };
  if (refusal.retryAfterSeconds !== undefined) headers['Retry-After'] = String(refusal.retryAfterSeconds);
  return headers;
}
