import { pino, type Logger } from 'pino';

// Secrets never reach the logs: card tokens, API keys and authorization headers are redacted by path.
const REDACT = [
  'token', '*.token', 'cardToken', '*.cardToken', 'apiKey', '*.apiKey', 'key', '*.key',
  'req.headers.authorization', 'req.headers["x-api-key"]', 'headers.authorization', 'secret', '*.secret',
];

/**
 * `destination` lets a test read what would be logged (e.g. to prove no secret is). Default: stdout,
 * written asynchronously: a log line never blocks a call on a slow terminal or pipe (pino's own default
 * writes synchronously). What is still buffered is written synchronously on exit; a SIGKILL loses it.
 */
export function createLogger(level = process.env.SOLDE_LOG_LEVEL ?? 'info', destination?: pino.DestinationStream): Logger {
  const options = { level, redact: { paths: REDACT, censor: '[redacted]' }, base: { app: 'solde' } };
  if (level === 'silent') return pino(options);
  return pino(options, destination ?? pino.destination({ dest: 1, sync: false }));
}

export type { Logger };
