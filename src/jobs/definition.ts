import type { Processor } from 'bullmq';
import type { Deps } from '../deps.js';
import type { QueueName } from '../queues/names.js';

/** One queue's worker: how many jobs at once, and the processor built from the shared dependencies. */
export interface JobDefinition {
  queue: QueueName;
  concurrency: (deps: Deps) => number;
  createProcessor: (deps: Deps) => Processor;
}
