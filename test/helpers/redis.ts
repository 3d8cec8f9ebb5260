import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from '@jest/globals';
import { Redis } from 'ioredis';
import { redisKeyPrefix, standaloneRedis, type RedisTarget } from '../../src/redis.js';
import { TEST_REDIS_URL } from './env.js';
import { standIn } from './stand-in.js';
import { clusterOwnerOf, startRedisCluster, type RedisClusterServers } from './redis-servers.js';

export interface TestRedis {
  /** Key prefix owned by this test file (REDIS_PREFIX); every key the code under test writes must be under it. */
  prefix: string;
  /** What each of those keys starts with: the prefix, or `{prefix}` on a cluster. */
  keyPrefix: string;
  /** A connection that holds every key under keyPrefix (on a cluster, to the master of its slot). */
  redis: Redis;
  /** config.redis for the code under test. */
  target: RedisTarget;
  /** The same as environment variables (loadConfig, a spawned daemon). */
  env: Record<string, string>;
  /** Deletes every key under the prefix and closes the connection. */
  cleanup(): Promise<void>;
}

/**
 * The Redis the harness runs the worker on: the shared server (default), or with TEST_REDIS_TOPOLOGY=cluster a
 * three-master Redis Cluster of this test file's own (`npm run test:redis-cluster` runs the enrol and sync
 * suites so).
 */
export const TEST_REDIS_TOPOLOGY = process.env.TEST_REDIS_TOPOLOGY ?? 'standalone';
if (!['standalone', 'cluster'].includes(TEST_REDIS_TOPOLOGY)) throw new Error(`TEST_REDIS_TOPOLOGY must be standalone or cluster, not ${TEST_REDIS_TOPOLOGY}`);

export async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}

/** SCAN's MATCH pattern for keys starting with `text` (a hash tag's braces are not glob characters, brackets are). */
const startingWith = (text: string) => `${text.replace(/[[\]*?\\]/g, '\\$&')}*`;

function freshPrefix(): string {
  return `test-${randomBytes(5).toString('hex')}`;
}

/** A prefix of its own on the shared standalone Redis. */
export function createTestRedis(): TestRedis {
  const prefix = freshPrefix();
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  return {
    prefix,
    keyPrefix: prefix,
    redis,
    target: standaloneRedis(TEST_REDIS_URL, prefix),
    env: { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix },
    async cleanup() {
      await deleteKeys(redis, startingWith(prefix));
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

// One cluster per test file, shared by its harnesses: started by the first, destroyed a moment after the last
// one closes (unless another starts meanwhile, as in a file that starts a harness per test). Anything left
// when the process ends is killed by redis-servers.ts.
let shared: { cluster: Promise<RedisClusterServers>; users: number; idle?: NodeJS.Timeout } | undefined;

async function acquireCluster(): Promise<{ cluster: RedisClusterServers; release(): void }> {
  if (shared?.idle) clearTimeout(shared.idle);
  shared ??= { cluster: startRedisCluster(), users: 0 };
  const entry = shared;
  entry.users += 1;
  const cluster = await entry.cluster;
  return {
    cluster,
    release() {
      entry.users -= 1;
      if (entry.users > 0) return;
      entry.idle = setTimeout(() => {
        if (shared === entry) shared = undefined;
        void cluster.destroy();
      }, 1_000);
      entry.idle.unref();
    },
  };
}

/** The Redis for a harness: TEST_REDIS_TOPOLOGY's. */
export async function createHarnessRedis(): Promise<TestRedis> {
  if (TEST_REDIS_TOPOLOGY === 'standalone') return createTestRedis();
  const { cluster, release } = await acquireCluster();
  const prefix = freshPrefix();
  const target: RedisTarget = { ...standaloneRedis(TEST_REDIS_URL, prefix), topology: 'cluster', clusterNodes: cluster.nodeList, password: cluster.password };
  const keyPrefix = redisKeyPrefix(target);
  // Every key of the deployment carries one hash tag, so one master holds them all: a plain connection to it
  // reads and deletes them like the shared server's.
  const redis = new Redis({ host: '127.0.0.1', port: await clusterOwnerOf(cluster, keyPrefix), password: cluster.password, maxRetriesPerRequest: null });
  return {
    prefix,
    keyPrefix,
    redis,
    target,
    env: { ...cluster.env, REDIS_PREFIX: prefix },
    async cleanup() {
      try {
        await deleteKeys(redis, startingWith(keyPrefix));
      } finally {
        redis.disconnect();
        release();
      }
    },
  };
}
