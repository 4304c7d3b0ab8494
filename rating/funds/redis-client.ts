// The Redis client of the call path: bounded waits everywhere, so that with Redis down a paid call is
// refused at once ('unavailable' → 503) instead of queueing forever. Auto-pipelining batches the scripts of
// concurrent calls into few round trips. A Redis Cluster is reached from one seed node (SOLDE_REDIS_URL with
// SOLDE_REDIS_CLUSTER=true): every account's keys share one hash tag, so the scripts run there unchanged.
import { Cluster, Redis, type RedisOptions } from 'ioredis';

export const FUNDS_COMMAND_TIMEOUT_MS = 500;

const BOUNDED: RedisOptions = {
  commandTimeout: FUNDS_COMMAND_TIMEOUT_MS,
  maxRetriesPerRequest: 1,
  enableOfflineQueue: false,
  retryStrategy: (times) => Math.min(times * 100, 2_000),
};

export function createFundsRedis(url: string): Redis {
  return new Redis(url, { ...BOUNDED, enableAutoPipelining: true });
}

/** The same bounded client for a Redis Cluster whose node `url` names (the others are discovered). */
export function createFundsCluster(url: string): Cluster {
  const seed = new URL(url);
  const auth = { username: decodeURIComponent(seed.username) || undefined, password: decodeURIComponent(seed.password) || undefined };
  return new Cluster([{ host: seed.hostname, port: Number(seed.port || 6379) }], {
    enableAutoPipelining: true,
    enableOfflineQueue: false,
    clusterRetryStrategy: (times) => Math.min(times * 100, 2_000),
    redisOptions: { ...BOUNDED, ...auth, tls: seed.protocol === 'rediss:' ? {} : undefined },
  });
}
