/**
 * What the job runner reports after each processing run. Kept apart from prom-client so the runner (and
 * anything building Deps without metrics: the CLI, producer-only tools) depends on this shape only.
 */

/**
 * How one run of a job ended:
 * - completed / skipped: the job is done (skipped = ended early on purpose, e.g. integration disabled);
 * - failed: failed for good (no attempts left, or a permanent error);
 * - retried: failed, BullMQ will run it again after its backoff;
 * - delayed: put back without spending an attempt (429, budget busy, shutdown);
 * - waiting-children: a parent handing over to its children (the daily run).
 */
export type JobRunOutcome = 'completed' | 'skipped' | 'failed' | 'retried' | 'delayed' | 'waiting-children';

export interface JobRun {
  queue: string;
  /** The BullMQ job name (e.g. sync-learner, daily-sync): distinguishes kinds of job on one queue. */
  name: string;
  outcome: JobRunOutcome;
  seconds: number;
  /** The handler's return value when it completed (counts and statuses only). */
  result?: unknown;
}

export interface JobMetrics {
  jobRun(run: JobRun): void;
}
