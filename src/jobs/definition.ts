import type { Job } from 'bullmq';
import type { Deps } from '../deps.js';
import type { CallLane } from '../limiter/call-budget.js';
import type { Logger } from '../logging/logger.js';
import type { JobName } from '../queues/job-options.js';
import type { QueueName } from '../queues/names.js';

/*
 * One job = one definition: the queue it runs on, its name, how its data is read, and what it does. The
 * registry (registry.ts) builds one dispatcher per queue from these; the runner (runner.ts) wraps each handler
 * with what every job needs. A job file exports its definition and imports neither.
 */

export interface JobContext<T> {
  job: Job;
  data: T;
  token: string | undefined;
  /** Aborted on shutdown past the grace period: pass it to every OneFile call and budget wait. */
  signal: AbortSignal;
  logger: Logger;
  deps: Deps;
  /** The OneFile budget lane of every call the job makes: a user's click (interactive) or batch work. */
  lane: CallLane;
  /** Set when the job has to end early without error (S1 off …): recorded as "skipped". */
  skip(reason: string): { skipped: string };
}

/** Ends a job early without error, from anywhere in its handler (a guard): recorded as skipped, as ctx.skip is. */
export class SkipJob extends Error {
  override name = 'SkipJob';
  constructor(readonly reason: string) {
    super(reason);
  }
}

export interface JobDefinition<T = never, R = unknown> {
  queue: QueueName;
  name: JobName;
  parse: (raw: unknown) => T;
  /** The learner the job works on: it then runs only while it holds that learner (one learner, one job). */
  learnerIdOf?: (data: T) => number | undefined;
  /** Batch work (a daily child, a cohort's enrol) queues behind users' clicks for OneFile calls; default interactive. */
  laneOf?: (data: T) => CallLane;
  handle: (ctx: JobContext<T>) => Promise<R>;
  /** Called once when the job will not run again (failed for good), with the reason. */
  onFinalFailure?: (ctx: JobContext<T>, reason: string) => Promise<void>;
}

/** Any job's definition, as the registry holds them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry keeps its own payload type
export type AnyJobDefinition = JobDefinition<any, unknown>;
