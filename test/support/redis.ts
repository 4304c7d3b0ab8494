import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const TEST_REDIS_URL = process.env.SOLDE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

export interface TestRedis {
  readonly redis: Redis;
  /** Unique key prefix of this test file: every key it creates starts with it. */
  readonly prefix: string;
  /** Deletes this file's keys and closes the connection. */
  cleanup(): Promise<void>;
}

export async function createTestRedis(url = TEST_REDIS_URL): Promise<TestRedis> {
  const prefix = `solde-test:${randomBytes(6).toString('hex')}:`;
  const redis = new Redis(url, { maxRetriesPerRequest: 2 });
  return {
    redis,
    prefix,
    async cleanup() {
      await deleteByPrefix(redis, prefix);
      redis.disconnect();
    },
  };
}

export async function deleteByPrefix(redis: Redis, prefix: string): Promise<void> {
  // Bounded: a test file never creates more than a few hundred thousand keys.
  let cursor = '0';
  for (let round = 0; round < 100_000; round += 1) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
    if (cursor === '0') return;
  }
}
