// The Redis client of the call path: bounded waits everywhere, so that with Redis down a paid call is
// refused at once ('unavailable' → 503) instead of queueing forever. Auto-pipelining batches the scripts of
// concurrent calls into few round trips.
import { Redis } from 'ioredis';

export const FUNDS_COMMAND_TIMEOUT_MS = 500;

export function createFundsRedis(url: string): Redis {
  return new Redis(url, {
    enableAutoPipelining: true,
    commandTimeout: FUNDS_COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: (times) => Math.min(times * 100, 2_000),
  });
}
