// Rate limit of WRONG keys, per client (@fastify/rate-limit's counter, keyed by client address, IPv6 by
// /64, in its bounded in-memory LRU: per process, so an attacker spread over several instances gets a
// few more tries, never an unlimited number). Only a request that presents a key that turns out unknown
// or revoked counts: a keyless request (a browser opening the portal before signing in, a probe) never
// does, and a valid key is always accepted, whatever others behind the same address (an office's NAT)
// did. Past `maxFailures` wrong keys within `windowSeconds`, a wrong key gets 429 with Retry-After
// instead of 401 until the window ends.
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export interface BadKeyLimitOptions {
  readonly maxFailures: number;
  readonly windowSeconds: number;
  /** Clients remembered at once; the least recently seen is forgotten first. */
  readonly maxClients: number;
}

/** Counts one wrong key of this request's client; answers the seconds to wait, or 0 when under the limit. */
export type CountBadKey = (request: FastifyRequest) => Promise<number>;

export async function installBadKeyLimit(app: FastifyInstance, options: BadKeyLimitOptions): Promise<CountBadKey> {
  if (!(options.maxFailures >= 1 && options.windowSeconds >= 1 && options.maxClients >= 1)) {
    throw new RangeError('bad-key limit: maxFailures, windowSeconds and maxClients must be >= 1');
  }
  // global: false: the plugin adds no hook of its own; authentication calls the counter on a wrong key.
  await app.register(rateLimit, {
    global: false, max: options.maxFailures, timeWindow: options.windowSeconds * 1000, cache: options.maxClients,
  });
  const count = app.createRateLimit();
  return async (request) => {
    const result = await count(request);
    if (result.isAllowed || !result.isExceeded) return 0;
    return Math.max(1, result.ttlInSeconds);
  };
}
