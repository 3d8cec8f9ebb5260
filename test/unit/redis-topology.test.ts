import { afterEach, describe, expect, it } from '@jest/globals';
import { Cluster, Redis } from 'ioredis';
import { describeConfig, loadConfig } from '../../src/config/load.js';
import { load, problemsOf } from '../helpers/config.js';
import { parseHostPorts } from '../../src/config/schema.js';
import { createRedis, describeRedisTarget, redisKeyPrefix, standaloneRedis, type RedisClient } from '../../src/redis.js';

// The three Redis topologies in config (issue 20): each names its own servers and no other's, passwords are
// secrets, and the one factory builds the client each needs. No server here: clients are made lazy and never connect.


const SENTINEL = { REDIS_TOPOLOGY: 'sentinel', REDIS_SENTINELS: '10.0.0.1:26379, 10.0.0.2:26379,[::1]:26380', REDIS_SENTINEL_MASTER_NAME: 'pics' };
const CLUSTER = { REDIS_TOPOLOGY: 'cluster', REDIS_CLUSTER_NODES: 'redis-a:7000,redis-b:7001' };

describe('Redis topology configuration', () => {
  it('one Redis URL works as before: standalone by default', () => {
    const config = load({ REDIS_URL: 'redis://:pw@10.0.0.9:6380' });
    expect(config.redis).toMatchObject({ topology: 'standalone', url: 'redis://:pw@10.0.0.9:6380', sentinels: '', clusterNodes: '' });
  });

  it('reads a Sentinel and a Cluster topology with their passwords', () => {
    const sentinel = load({ ...SENTINEL, REDIS_PASSWORD: 'data-secret', REDIS_SENTINEL_PASSWORD: 'sentinel-secret', REDIS_USERNAME: 'worker' });
    expect(sentinel.redis).toMatchObject({ topology: 'sentinel', sentinelMasterName: 'pics', password: 'data-secret', sentinelPassword: 'sentinel-secret', username: 'worker' });
    expect(parseHostPorts(sentinel.redis.sentinels)).toEqual([{ host: '10.0.0.1', port: 26379 }, { host: '10.0.0.2', port: 26379 }, { host: '::1', port: 26380 }]);
    expect(load(CLUSTER).redis).toMatchObject({ topology: 'cluster', clusterNodes: 'redis-a:7000,redis-b:7001' });
  });

  it('masks both passwords wherever the configuration is printed', () => {
    const text = describeConfig({ env: { NODE_ENV: 'test', ...SENTINEL, REDIS_PASSWORD: 'data-secret', REDIS_SENTINEL_PASSWORD: 'sentinel-secret' } });
    expect(text).not.toContain('data-secret');
    expect(text).not.toContain('sentinel-secret');
  });

  it.each([
    [{ REDIS_TOPOLOGY: 'replicated' }, 'redis.topology'],
    [{ ...SENTINEL, REDIS_SENTINELS: '10.0.0.1' }, 'redis.sentinels'],
    [{ ...SENTINEL, REDIS_SENTINELS: '10.0.0.1:0' }, 'redis.sentinels'],
    [{ ...SENTINEL, REDIS_SENTINELS: '10.0.0.1:70000' }, 'redis.sentinels'],
    [{ ...SENTINEL, REDIS_SENTINEL_MASTER_NAME: 'my master' }, 'redis.sentinelMasterName'],
    [{ ...CLUSTER, REDIS_CLUSTER_NODES: 'redis://redis-a:7000' }, 'redis.clusterNodes'],
  ])('rejects %j naming %s', (env, key) => {
    expect(problemsOf(env).some((p) => p.startsWith(key))).toBe(true);
  });

  it('names what each topology is missing, and servers given to another topology', () => {
    expect(problemsOf({ REDIS_TOPOLOGY: 'sentinel' })).toEqual([
      expect.stringMatching(/^redis\.sentinels: required when redis\.topology is sentinel/),
      expect.stringMatching(/^redis\.sentinelMasterName: required when redis\.topology is sentinel/),
    ]);
    expect(problemsOf({ REDIS_TOPOLOGY: 'cluster' })).toEqual([expect.stringMatching(/^redis\.clusterNodes: required when redis\.topology is cluster/)]);
    expect(problemsOf({ REDIS_SENTINELS: '10.0.0.1:26379' })).toEqual([expect.stringMatching(/but redis\.topology is standalone; set REDIS_TOPOLOGY=sentinel/)]);
    expect(problemsOf({ ...SENTINEL, REDIS_CLUSTER_NODES: 'a:7000' })).toEqual([expect.stringMatching(/^redis\.clusterNodes: set, but redis\.topology is sentinel/)]);
    expect(problemsOf({ REDIS_PASSWORD: 'x' })).toEqual([expect.stringMatching(/standalone Redis takes its user and password in redis\.url/)]);
  });

  it('never echoes a password in a problem', () => {
    const problems = problemsOf({ REDIS_TOPOLOGY: 'sentinel', REDIS_SENTINEL_PASSWORD: 'sentinel-secret', REDIS_PASSWORD: 'data-secret' });
    expect(problems.join('\n')).not.toMatch(/secret/);
  });

  it('production asks for redis.url only of the standalone topology', () => {
    const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://db/pics', DASHBOARD_PASSWORD: 'a-long-production-one' };
    expect(() => loadConfig({ env: { ...production } })).toThrow(/redis\.url: must be set explicitly in production/);
    expect(loadConfig({ env: { ...production, ...SENTINEL } }).redis.topology).toBe('sentinel');
  });
});

describe('postgres.pooler', () => {
  it('is none by default, accepts session, and refuses transaction and statement pooling naming the rule', () => {
    expect(load({}).postgres.pooler).toBe('none');
    expect(load({ DATABASE_POOLER: 'session' }).postgres.pooler).toBe('session');
    for (const mode of ['transaction', 'statement']) {
      expect(problemsOf({ DATABASE_POOLER: mode })).toEqual([expect.stringMatching(/^postgres\.pooler: .*transaction and statement pooling are refused: the worker holds session-level advisory locks/)]);
    }
    expect(problemsOf({ DATABASE_POOLER: 'pgbouncer' })).toEqual([expect.stringMatching(/^postgres\.pooler: must be none or session/)]);
  });
});

describe('the one Redis factory', () => {
  const made: RedisClient[] = [];
  const make = (...args: Parameters<typeof createRedis>) => {
    const client = createRedis(args[0], args[1], { ...args[2], lazyConnect: true });
    made.push(client);
    return client;
  };
  afterEach(() => {
    for (const client of made.splice(0)) client.disconnect();
  });
  const target = (env: Record<string, string>) => load({ REDIS_PREFIX: 'pics-worker', ...env }).redis;

  it('hash-tags the key prefix on a cluster only, so a standalone or Sentinel deployment keeps its keys', () => {
    expect(redisKeyPrefix(target({}))).toBe('pics-worker');
    expect(redisKeyPrefix(target(SENTINEL))).toBe('pics-worker');
    expect(redisKeyPrefix(target(CLUSTER))).toBe('{pics-worker}');
  });

  it('standalone: the URL, workers waiting out an outage, producers failing fast', () => {
    const worker = make(standaloneRedis('redis://:pw@10.0.0.9:6380/2', 'p'), 'worker') as Redis;
    expect(worker).toBeInstanceOf(Redis);
    expect(worker.options).toMatchObject({ host: '10.0.0.9', port: 6380, db: 2, password: 'pw', maxRetriesPerRequest: null });
    expect(worker.options.sentinels).toBeFalsy();
    const producer = make(standaloneRedis('redis://10.0.0.9:6380', 'p'), 'producer') as Redis;
    expect(producer.options).toMatchObject({ maxRetriesPerRequest: 1, enableOfflineQueue: false });
  });

  it('sentinel: asks the Sentinels for the named primary, with both passwords, and follows a switch', () => {
    const client = make(target({ ...SENTINEL, REDIS_PASSWORD: 'data-secret', REDIS_SENTINEL_PASSWORD: 'sentinel-secret' }), 'worker') as Redis;
    expect(client).toBeInstanceOf(Redis);
    expect(client.options).toMatchObject({
      name: 'pics', role: 'master', password: 'data-secret', sentinelPassword: 'sentinel-secret', failoverDetector: true, maxRetriesPerRequest: null,
      sentinels: [{ host: '10.0.0.1', port: 26379 }, { host: '10.0.0.2', port: 26379 }, { host: '::1', port: 26380 }],
    });
    // A connection left on a demoted primary reconnects (asking the Sentinels again) and resends the write.
    expect(client.options.reconnectOnError?.(new Error('READONLY You can\'t write against a read only replica.'))).toBe(2);
    expect(client.options.reconnectOnError?.(new Error('ERR wrong number of arguments'))).toBe(false);
  });

  it('cluster: a Cluster seeded with the nodes, the password on every node connection', () => {
    const worker = make(target({ ...CLUSTER, REDIS_PASSWORD: 'data-secret' }), 'worker') as Cluster;
    expect(worker).toBeInstanceOf(Cluster);
    expect(worker.options.redisOptions).toMatchObject({ password: 'data-secret', maxRetriesPerRequest: null });
    expect(worker.options.enableOfflineQueue).toBe(true);
    const producer = make(target(CLUSTER), 'producer') as Cluster;
    expect(producer.options.enableOfflineQueue).toBe(false);
    expect(producer.options.redisOptions).toMatchObject({ maxRetriesPerRequest: 1 });
  });

  it('describes the target for a log line without a password', () => {
    expect(describeRedisTarget(target({ ...SENTINEL, REDIS_PASSWORD: 'data-secret' }))).toBe('sentinel: primary "pics" via 3 sentinel(s)');
    expect(describeRedisTarget(target(CLUSTER))).toBe('cluster: seeded with 2 node(s)');
    expect(describeRedisTarget(target({ REDIS_URL: 'redis://:pw@h:1' }))).toBe('standalone');
  });
});
