// The bad-key limiter on its own, with an injected clock: the window ends, the table stays bounded.
import { describe, expect, it } from 'vitest';
import { FailureLimiter } from '../src/http/auth/failure-limiter';

describe('FailureLimiter', () => {
  it('blocks after maxFailures until the window ends, then forgets', () => {
    let nowMs = 1_000_000;
    const limiter = new FailureLimiter({ maxFailures: 3, windowSeconds: 60, maxClients: 10, now: () => nowMs });
    for (let i = 0; i < 2; i += 1) limiter.recordFailure('a');
    expect(limiter.retryAfterSeconds('a')).toBe(0);
    limiter.recordFailure('a');
    expect(limiter.retryAfterSeconds('a')).toBe(60);
    nowMs += 45_500;
    expect(limiter.retryAfterSeconds('a')).toBe(15);
    nowMs += 14_500;
    expect(limiter.retryAfterSeconds('a')).toBe(0);
    limiter.recordFailure('a');
    expect(limiter.retryAfterSeconds('a')).toBe(0);
  });

  it('keeps at most maxClients windows, forgetting the oldest first', () => {
    const limiter = new FailureLimiter({ maxFailures: 1, windowSeconds: 60, maxClients: 3 });
    for (const client of ['a', 'b', 'c', 'd']) limiter.recordFailure(client);
    expect(limiter.retryAfterSeconds('a')).toBe(0);
    for (const client of ['b', 'c', 'd']) expect(limiter.retryAfterSeconds(client)).toBeGreaterThan(0);
  });

  it('refuses nonsense options (a programmer error)', () => {
    expect(() => new FailureLimiter({ maxFailures: 0, windowSeconds: 60, maxClients: 1 })).toThrow(RangeError);
  });
});
