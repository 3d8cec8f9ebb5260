import { Redis, type RedisOptions } from 'ioredis';

/**
 * Workers wait out Redis outages (maxRetriesPerRequest: null, BullMQ's requirement); producers and health
 * checks fail fast instead of queueing commands in memory while Redis is away.
 */
export function createRedis(url: string, role: 'worker' | 'producer', extra: RedisOptions = {}): Redis {
  const options: RedisOptions =
    role === 'worker'
      ? { maxRetriesPerRequest: null, enableReadyCheck: true, ...extra }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000, ...extra };
  const redis = new Redis(url, { lazyConnect: false, ...options });
  // ioredis reconnects by itself; without a listener an outage would crash the process with an unhandled 'error'.
  redis.on('error', () => {});
  return redis;
}

