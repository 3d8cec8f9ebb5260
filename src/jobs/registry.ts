import type { Processor } from 'bullmq';
import type { QueueName } from '../queues/names.js';
import type { Deps } from '../deps.js';

export interface JobDefinition {
  queue: QueueName;
  concurrency: (deps: Deps) => number;
  createProcessor: (deps: Deps) => Processor;
}

/**
 * Every queue that has a real processor. A queue gets its worker here only once its job is built: the daemon
 * never consumes jobs it cannot do.
 */
export const jobDefinitions: JobDefinition[] = [];
