import type { Processor } from 'bullmq';
import type { Deps } from '../deps.js';
import type { EPortfolioFactories } from '../eportfolio/select.js';
import type { OneFileClientFactory } from '../onefile/factory.js';
import { QUEUE, type QueueName } from '../queues/names.js';
import { connectionTestJob } from './connection-test.js';
import { dailyRunJob, syncLearnerJob } from './daily-sync.js';
import type { AnyJobDefinition } from './definition.js';
import { enrolLearnerJob } from './enrol-learner.js';
import { pruneRetentionJob } from './prune-retention.js';
import { refreshDirectoryJob } from './refresh-directory.js';
import { refreshQualificationLinksJob } from './refresh-qualification-links.js';
import { createProcessor, failUnrunnable } from './runner.js';

/** Every job the worker runs, one definition each. */
export function jobDefinitions(createClient: OneFileClientFactory, ePortfolios: Omit<EPortfolioFactories, 'oneFile'> = {}): AnyJobDefinition[] {
  const factories: EPortfolioFactories = { oneFile: createClient, ...ePortfolios };
  const enrol = enrolLearnerJob(factories);
  return [
    enrol,
    // A cohort's enrols: the same job on a queue of its own, whose workers are not the clicks' (queues/names.ts).
    { ...enrol, queue: QUEUE.enrolBatch },
    // The links queue carries the short, user-triggered or housekeeping jobs beside the links refresh: one
    // queue keeps the worker's queue list as SPEC names it.
    refreshQualificationLinksJob(createClient),
    connectionTestJob(createClient),
    refreshDirectoryJob(factories),
    pruneRetentionJob,
    dailyRunJob,
    syncLearnerJob(createClient),
  ];
}

/**
 * How many jobs of each queue one process runs at once. Clicks never wait long for one (issue 21): a batch job
 * holds its worker for many seconds, as each of its calls waits its turn in the budget's batch line, so workers
 * free only as often as batch jobs finish. Hence a cohort's enrols run on enrol-batch, never on the clicks'
 * enrol-learner workers; and on daily-sync-per-learner, which Refresh with OneFile shares with the daily children
 * (SPEC), the daemon makes one more worker for a click that waits (jobs/click-reserve.ts). bench/interactive.
 */
const CONCURRENCY: Record<QueueName, (deps: Deps) => number> = {
  [QUEUE.enrol]: (deps) => deps.config.workers.enrolConcurrency,
  [QUEUE.refreshLinks]: (deps) => deps.config.workers.refreshLinksConcurrency,
  [QUEUE.dailySync]: (deps) => deps.config.workers.dailySyncConcurrency,
  [QUEUE.enrolBatch]: (deps) => deps.config.workers.enrolBatchConcurrency,
};

/** One queue's worker: how many jobs at once, and the processor that hands each job to its definition. */
export interface QueueWorker {
  queue: QueueName;
  concurrency: (deps: Deps) => number;
  createProcessor: (deps: Deps) => Processor;
}

/** One dispatcher per queue, by job name; a job of a name no definition has fails at once, saying so. */
export function queueWorkers(definitions: AnyJobDefinition[]): QueueWorker[] {
  const byQueue = new Map<QueueName, AnyJobDefinition[]>();
  for (const definition of definitions) {
    const same = byQueue.get(definition.queue) ?? [];
    if (same.some((d) => d.name === definition.name)) throw new Error(`two job definitions named ${definition.name} on ${definition.queue}`);
    byQueue.set(definition.queue, [...same, definition]);
  }
  return [...byQueue].map(([queue, jobs]) => ({
    queue,
    concurrency: CONCURRENCY[queue],
    createProcessor: (deps) => {
      const processors = new Map(jobs.map((d) => [d.name as string, createProcessor(deps, d)]));
      return async (job, token, signal) => {
        const processor = processors.get(job.name);
        if (processor) return processor(job, token, signal);
        return failUnrunnable(deps, queue, job.id, `no job named "${job.name}" runs on ${queue} (known: ${[...processors.keys()].join(', ')})`);
      };
    },
  }));
}
