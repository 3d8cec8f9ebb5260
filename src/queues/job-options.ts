import type { BackoffOptions, JobsOptions } from 'bullmq';
import { QUEUE, type QueueName } from './names.js';

/** Name of the backoff type put in job options; the worker's settings.backoffStrategy serves it (jobs/error-policy.ts). */
export const EXPONENTIAL_JITTER_BACKOFF = 'exponential-jitter';

const jobBackoff: BackoffOptions = { type: EXPONENTIAL_JITTER_BACKOFF };

// Finished jobs are kept long enough for the dashboard and for deterministic ids to keep deduplicating
// (a day's child ids for a few days), and no longer: Redis stays bounded however many learners sync.
const KEEP = {
  removeOnComplete: { age: 3 * 24 * 3600, count: 20_000 },
  removeOnFail: { age: 14 * 24 * 3600, count: 50_000 },
};

export const DEFAULT_JOB_OPTIONS: Record<QueueName, JobsOptions> = {
  [QUEUE.enrol]: { attempts: 8, backoff: jobBackoff, ...KEEP },
  [QUEUE.refreshLinks]: { attempts: 5, backoff: jobBackoff, ...KEEP },
  [QUEUE.dailySync]: { attempts: 5, backoff: jobBackoff, ...KEEP },
  [QUEUE.enrolBatch]: { attempts: 8, backoff: jobBackoff, ...KEEP },
};

/** Daily-sync children carry a priority; a user's Refresh with OneFile carries none and so runs first. */
export const DAILY_CHILD_PRIORITY = 100;

/** BullMQ refuses ids with ':' and all-digit ids; every id we build starts with a word. */
export const jobIds = {
  enrol: (learnerId: number) => `enrol-${learnerId}`,
  /** A cohort's enrol of one learner, on the enrol-batch queue: one per learner, whichever batch asked. */
  batchEnrol: (learnerId: number) => `batch-enrol-${learnerId}`,
  refreshLinks: () => 'refresh-links',
  refreshDirectory: () => 'refresh-directory',
  connectionTest: () => 'connection-test',
  refreshLearner: (learnerId: number) => `refresh-learner-${learnerId}`,
  /** `runKey`: the run id and the time the run began, so a run id used again (the worker's schema recreated,
   *  Redis kept) never meets the finished children of the earlier run, which BullMQ would keep instead. */
  dailyChild: (runKey: string, learnerId: number) => `dsync-${runKey}-${learnerId}`,
  dailyRun: (stamp: string) => `daily-sync-${stamp}`,
};

/** The queue of an enrol job, by its id: a cohort's (jobIds.batchEnrol) or a click's. */
export function enrolQueueOfJob(jobId: string): QueueName {
  return jobId.startsWith('batch-enrol-') ? QUEUE.enrolBatch : QUEUE.enrol;
}

export const JOB_NAME = {
  enrol: 'enrol-learner',
  refreshLinks: 'refresh-qualification-links',
  /** Runs on the refresh-qualification-links queue: short, user-triggered, OneFile-only. */
  connectionTest: 'connection-test',
  syncLearner: 'sync-learner',
  dailyRun: 'daily-sync',
  /** Runs on the refresh-qualification-links queue: issue 17 data retention, Postgres only. */
  pruneRetention: 'prune-retention',
  /** Runs on the refresh-qualification-links queue: A1, the Look Up … ID directory. */
  refreshDirectory: 'refresh-directory',
} as const;

export type JobName = (typeof JOB_NAME)[keyof typeof JOB_NAME];
