import { Queue } from 'bullmq';
import { createRedis, redisKeyPrefix, type RedisClient, type RedisTarget } from '../redis.js';
import { DEFAULT_JOB_OPTIONS } from './job-options.js';
import { ALL_QUEUES, QUEUE, type QueueName } from './names.js';

export type Queues = Record<QueueName, Queue>;

// The one producer connection each set of queues shares: BullMQ leaves a client it was handed open, so
// closeQueues closes it (kept aside, as Queues is iterated as the queues alone).
const connections = new WeakMap<Queues, RedisClient>();

/**
 * Producer-side queue handles, on one producer connection of the configured topology. They fail fast while
 * Redis is down (no offline queue) so PICSWeb gets an error at once instead of a click that hangs.
 */
export function createQueues(target: RedisTarget): Queues {
  const connection = createRedis(target, 'producer');
  const prefix = redisKeyPrefix(target);
  const entries = ALL_QUEUES.map((name) => [
    name,
    new Queue(name, { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS[name] }),
  ]);
  const queues = Object.fromEntries(entries) as Queues;
  for (const queue of Object.values(queues)) queue.on('error', () => {}); // reported by the caller's awaited call
  connections.set(queues, connection);
  return queues;
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.allSettled(Object.values(queues).map((q) => q.close()));
  const connection = connections.get(queues);
  connections.delete(queues);
  await connection?.quit().catch(() => connection.disconnect());
}

export { QUEUE };
