import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from '@jest/globals';
import { Redis } from 'ioredis';
import { TEST_REDIS_URL } from './env.js';
import { standIn } from './stand-in.js';

export interface TestRedis {
  /** Key prefix owned by this test file; every key the code under test writes must start with it. */
  prefix: string;
  redis: Redis;
  /** Deletes every key under the prefix and closes the connection. */
  cleanup(): Promise<void>;
}

export async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}

export function createTestRedis(): TestRedis {
  const prefix = `test-${randomBytes(5).toString('hex')}`;
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  return {
    prefix,
    redis,
    async cleanup() {
      await deleteKeys(redis, `${prefix}*`);
      redis.disconnect();
    },
  };
}

/** A TestRedis for the enclosing describe block (or file): made before its first test, cleaned up after its last. */
export function useTestRedis(): TestRedis {
  let current: TestRedis | undefined;
  beforeAll(() => {
    current = createTestRedis();
  });
  afterAll(async () => {
    await current?.cleanup();
    current = undefined;
  });
  return standIn('the test Redis', () => current);
}
