import { Queue } from 'bullmq';
import { DEFAULT_JOB_OPTIONS } from './job-options.js';
import { ALL_QUEUES, QUEUE, type QueueName } from './names.js';

export type Queues = Record<QueueName, Queue>;

/**
 * Producer-side queue handles. They fail fast while Redis is down (no offline queue) so PICSWeb gets an
 * error at once instead of a click that hangs.
 */
export function createQueues(redisUrl: string, prefix: string): Queues {
  const entries = ALL_QUEUES.map((name) => [
    name,
    new Queue(name, {
      connection: { url: redisUrl, enableOfflineQueue: false, maxRetriesPerRequest: 1 },
      prefix,
      defaultJobOptions: DEFAULT_JOB_OPTIONS[name],
    }),
  ]);
  const queues = Object.fromEntries(entries) as Queues;
  for (const queue of Object.values(queues)) queue.on('error', () => {}); // reported by the caller's awaited call
  return queues;
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.allSettled(Object.values(queues).map((q) => q.close()));
}

export { QUEUE };
