import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { Config } from './config/load.js';
import { parseHostPorts } from './config/schema.js';

/*
 * Every Redis connection of the worker is made here, from the topology in config (redis.topology):
 *   standalone  one server at redis.url, as before;
 *   sentinel    ioredis asks the Sentinels (redis.sentinels) where the primary of redis.sentinelMasterName is,
 *               and asks again whenever its connection drops or a Sentinel announces a new primary;
 *   cluster     an ioredis Cluster seeded with redis.clusterNodes, routing each command by its key's slot.
 * BullMQ is handed these clients (never connection options), so its queues and workers follow the same
 * topology; a Cluster cannot be described by options at all.
 */

export type RedisClient = Redis | Cluster;
export type RedisTarget = Readonly<Config['redis']>;
export type RedisRole = 'worker' | 'producer';

export interface CreateRedisOptions {
  /** Connect on the first command or on connect(), not at once. */
  lazyConnect?: boolean;
  /** One attempt, no reconnection: a check that must answer now (the CLI's). */
  noRetry?: boolean;
}

/**
 * The prefix of every key the deployment writes. On a cluster it is the hash tag `{prefix}`: BullMQ's scripts
 * touch several keys of a queue at once (and a daily child names its parent's keys), and Redis Cluster runs
 * a script only when all its keys share a slot; with one tag, every queue, the budget and the session share
 * one. Elsewhere it stays `prefix`, so an existing deployment keeps its keys when it upgrades.
 */
export function redisKeyPrefix(target: Pick<RedisTarget, 'topology' | 'prefix'>): string {
  return target.topology === 'cluster' ? `{${target.prefix}}` : target.prefix;
}

/** The standalone target for one URL and prefix (tools, tests and benchmarks that take a URL). */
export function standaloneRedis(url: string, prefix: string): RedisTarget {
  return {
    topology: 'standalone', url, prefix, sentinels: '', sentinelMasterName: '', sentinelUsername: '', sentinelPassword: '',
    clusterNodes: '', username: '', password: '',
  };
}

/**
 * A failover demotes the old primary to a replica; a connection still on it gets READONLY for every write.
 * Reconnecting (which asks the Sentinels, or the DNS of a managed endpoint, again) and resending the command
 * is safe: a replica ran none of it.
 */
const reconnectOnReadOnly = (error: Error): 2 | false => (error.message.startsWith('READONLY') ? 2 : false);

/**
 * Workers wait out Redis outages (maxRetriesPerRequest: null, BullMQ's requirement for its blocking
 * connections); producers and health checks fail fast instead of queueing commands in memory while Redis is away.
 */
const ROLE: Record<RedisRole, { maxRetriesPerRequest: number | null } & RedisOptions> = {
  worker: { maxRetriesPerRequest: null, enableReadyCheck: true },
  producer: { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 },
};

const credentials = (target: RedisTarget): RedisOptions => ({
  ...(target.username ? { username: target.username } : {}),
  ...(target.password ? { password: target.password } : {}),
});

/**
 * ioredis 6 leaves the failover detector's Sentinel subscriptions open after quit(), reconnecting for ever, so a
 * process that closed every client could never exit: the client drops them once it has ended. Its duplicates
 * (BullMQ's worker and blocking connections) are made the same way.
 */
class SentinelClient extends Redis {
  constructor(options: RedisOptions) {
    super(options as RedisOptions & { replyMapping?: 'legacy' });
    this.once('end', () => this.disconnect());
  }

  override duplicate(override?: Partial<RedisOptions>): Redis {
    return new SentinelClient({ ...this.options, ...override });
  }
}

export function createRedis(target: RedisTarget, role: RedisRole, options: CreateRedisOptions = {}): RedisClient {
  const lazyConnect = options.lazyConnect ?? false;
  let client: RedisClient;
  if (target.topology === 'cluster') {
    const clusterOptions: ClusterOptions = {
      // The Cluster makes its node connections itself (lazily, none reconnecting on its own: a lost node is found
      // again through the slot map), so only the per-command and credential options reach them.
      redisOptions: {
        maxRetriesPerRequest: ROLE[role].maxRetriesPerRequest, ...(role === 'producer' ? { connectTimeout: 2_000 } : {}), ...credentials(target),
      },
      lazyConnect,
      enableReadyCheck: true,
      // A producer refuses commands while the cluster is not ready, as a standalone producer does.
      enableOfflineQueue: role === 'worker',
      ...(options.noRetry ? { clusterRetryStrategy: () => null } : {}),
    };
    client = new Cluster(parseHostPorts(target.clusterNodes), clusterOptions);
  } else {
    const common: RedisOptions = {
      ...ROLE[role],
      reconnectOnError: reconnectOnReadOnly,
      lazyConnect,
      ...(options.noRetry ? { retryStrategy: () => null } : {}),
    };
    client = target.topology === 'sentinel'
      ? new SentinelClient({
        ...common,
        ...credentials(target),
        sentinels: parseHostPorts(target.sentinels),
        name: target.sentinelMasterName,
        role: 'master',
        ...(target.sentinelUsername ? { sentinelUsername: target.sentinelUsername } : {}),
        ...(target.sentinelPassword ? { sentinelPassword: target.sentinelPassword } : {}),
        // Follow a Sentinel's +switch-master at once: after a manual or partition failover the old primary still
        // takes writes until the Sentinels demote it (seconds later), and writes sent there then are lost.
        failoverDetector: true,
        ...(options.noRetry ? { sentinelRetryStrategy: () => null } : {}),
      })
      : new Redis(target.url, common);
  }
  // ioredis reconnects by itself; without a listener an outage would crash the process with an unhandled 'error'.
  client.on('error', () => {});
  return client;
}

/** The servers that hold data: every master of a cluster, else the one connection. */
export function dataNodes(client: RedisClient): Redis[] {
  return client instanceof Cluster ? client.nodes('master') : [client];
}

/** Where the deployment's Redis is, for a log line: never a password or a URL (which may carry one). */
export function describeRedisTarget(target: RedisTarget): string {
  if (target.topology === 'sentinel') {
    return `sentinel: primary "${target.sentinelMasterName}" via ${parseHostPorts(target.sentinels).length} sentinel(s)`;
  }
  if (target.topology === 'cluster') return `cluster: seeded with ${parseHostPorts(target.clusterNodes).length} node(s)`;
  return 'standalone';
}
