import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pino from 'pino';
import { loadConfig } from '../../src/config/load.js';
import { assertMaxmemoryPolicyAtStart, checkMaxmemoryPolicy } from '../../src/redis-policy.js';
import { createRedis, type RedisClient } from '../../src/redis.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { ask, startRedisCluster, type RedisClusterServers } from '../helpers/redis-servers.js';

/*
 * What the cluster run of the enrol and sync scenarios (npm run test:redis-cluster) does not cover, on a
 * three-master cluster of this file's own: the maxmemory-policy check reads every master (one evicting node
 * loses the slots it holds), and an operator's CLI command reaches the cluster, exits when done, and names a
 * refused password without echoing it.
 */

const run = promisify(execFile);

describe('a Redis Cluster: the policy of every master, and the CLI', () => {
  let cluster: RedisClusterServers;
  let t: TestDatabase;
  let client: RedisClient;

  beforeAll(async () => {
    [cluster, t] = await Promise.all([startRedisCluster(), createTestDatabase()]);
    client = createRedis(loadConfig({ env: { NODE_ENV: 'test', ...cluster.env } }).redis, 'worker');
  }, 30_000);

  afterAll(async () => {
    await client?.quit().catch(() => client.disconnect());
    for (const close of [() => cluster?.destroy(), () => t?.drop()]) await Promise.resolve().then(close).catch(() => {});
  });

  it('reads maxmemory-policy on every master: one evicting node is named, and refused in production', async () => {
    await assertMaxmemoryPolicyAtStart(client, 'production', pino({ level: 'silent' }));
    await expect(checkMaxmemoryPolicy(client)).resolves.toBe('noeviction');
    const last = cluster.nodes[2]!;
    await ask(last.port, cluster.password, 'CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
    try {
      await expect(checkMaxmemoryPolicy(client)).rejects.toThrow('allkeys-lru (BullMQ needs noeviction)');
      await expect(assertMaxmemoryPolicyAtStart(client, 'production', pino({ level: 'silent' }))).rejects.toThrow(/maxmemory-policy is allkeys-lru/);
    } finally {
      await ask(last.port, cluster.password, 'CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    }
  });

  const cli = (env: Record<string, string>) => run(process.execPath, [path.resolve('dist/src/cli.js'), 'status', '--json'], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', DATABASE_URL: t.url, REDIS_PREFIX: 'cluster-cli', ...env }, timeout: 15_000,
  });

  it('an operator command reaches the cluster and exits; a wrong password is named, never echoed', async () => {
    const status = await cli(cluster.env);
    expect(Object.keys((JSON.parse(status.stdout) as { queues: object }).queues)).toEqual(expect.arrayContaining(['enrol-learner', 'daily-sync-per-learner']));
    const wrong = await cli({ ...cluster.env, REDIS_PASSWORD: 'not-the-cluster-password' }).then(() => null, (e: { code: number; stderr: string }) => e);
    expect(wrong?.code).toBe(1);
    expect(wrong?.stderr).toMatch(/^Redis \(redis\.topology cluster\) is unreachable: /);
    expect(wrong?.stderr).not.toContain('not-the-cluster-password');
  });
});
