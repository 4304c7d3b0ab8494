import { pino, type Logger } from 'pino';

// Secrets never reach the logs: card tokens, API keys and authorization headers are redacted by path.
const REDACT = [
  'token', '*.token', 'cardToken', '*.cardToken', 'apiKey', '*.apiKey', 'key', '*.key',
  'req.headers.authorization', 'req.headers["x-api-key"]', 'headers.authorization', 'secret', '*.secret',
];

/** `destination` lets a test read what would be logged (e.g. to prove no secret is). Default: stdout. */
export function createLogger(level = process.env.SOLDE_LOG_LEVEL ?? 'info', destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' }, base: { app: 'solde' } }, destination);
}

export type { Logger };
