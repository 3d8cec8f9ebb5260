import { UnrecoverableError, type BackoffStrategy } from 'bullmq';
import { BudgetWaitAbortedError, BudgetWaitTooLongError } from '../limiter/errors.js';
import { EntityLockAbortedError, EntityLockBusyError } from '../db/entity-lock.js';
import { LearnerBusyError, LearnerLeaseLostError, LearnerWaitAbortedError } from './learner-exclusive.js';
import { WorkerError } from '../domain/errors.js';
import { OneFileRateLimitedError, OneFileTransientError } from '../onefile/errors.js';

/*
 * One decision, made in one place, for what a failed job does next (anchors §1.2, §1.5). Pure: the
 * processor applies it — fail-permanently → throw UnrecoverableError(reason); retry → rethrow, so BullMQ's
 * attempts + backoff own the retry and it shows in dashboards; wait → job.moveToDelayed(now + delayMs) and
 * throw DelayedError, which does not count as an attempt.
 */

export type JobAction =
  | { kind: 'fail-permanently'; reason: string }
  | { kind: 'retry'; reason: string }
  | { kind: 'wait'; delayMs: number; reason: string };

/** The two BullMQ counters the bound on waits needs (a Job satisfies this). */
export interface JobAttempts {
  /** Incremented on every move to active, including after a wait or a stall. */
  attemptsStarted: number;
  /** Incremented only by failures (moveToDelayed with skipAttempt leaves it alone). */
  attemptsMade: number;
}

export interface ErrorPolicyOptions {
  /** Waits (429s, budget refusals, aborts) a job may take before it fails for good. Default 20. */
  maxWaits?: number;
  /** Delay after a 429 without Retry-After. Default 10 000 ms. */
  rateLimitedDelayMs?: number;
  /** Delay of a job whose learner another job is working on. Default 5 000 ms. */
  learnerBusyDelayMs?: number;
  /** Extra random share added to each wait so delayed jobs do not all return at the same instant. Default 0.2. */
  waitJitter?: number;
  /** Injected for tests. */
  random?: () => number;
}

/**
 * Waits taken so far: starts that did not end in a counted failure, minus the run in progress. A stalled
 * run also counts, which can only end a job sooner, never let it loop forever.
 */
export function waitsSoFar(job: JobAttempts): number {
  return Math.max(0, job.attemptsStarted - job.attemptsMade - 1);
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

export function jobActionFor(error: unknown, job: JobAttempts, options: ErrorPolicyOptions = {}): JobAction {
  const { maxWaits = 20, rateLimitedDelayMs = 10_000, learnerBusyDelayMs = 5_000, waitJitter = 0.2, random = Math.random } = options;
  const reason = describe(error);

  const wait = (baseMs: number, why: string): JobAction => {
    const taken = waitsSoFar(job);
    if (taken >= maxWaits) {
      return { kind: 'fail-permanently', reason: `gave up after ${taken} waits (${why}); last: ${reason}` };
    }
    const delayMs = Math.max(0, Math.round(baseMs * (1 + waitJitter * random())));
    return { kind: 'wait', delayMs, reason: `${why}: ${reason}` };
  };

  if (error instanceof OneFileRateLimitedError) {
    return wait(error.retryAfterMs ?? rateLimitedDelayMs, 'OneFile rate limited');
  }
  if (error instanceof BudgetWaitTooLongError) return wait(error.waitMs, 'OneFile call budget busy');
  // Shutdown or cancellation mid-wait: put the job back without charging it an attempt.
  if (error instanceof BudgetWaitAbortedError) return wait(0, 'interrupted');

  // Another job has the learner: step aside without charging an attempt (one learner, one job at a time).
  if (error instanceof LearnerBusyError) return wait(learnerBusyDelayMs, 'learner busy');
  // Cut short because its hold on the learner may have lapsed: another attempt may be running; come back later.
  if (error instanceof LearnerLeaseLostError) return wait(learnerBusyDelayMs, 'learner lease lost');
  // A shared record (an assessor, a placement, a links refresh) held by another job for longer than the bounded
  // wait: the same step aside. A lock or learner wait cut short by shutdown goes back at once, as a budget wait does.
  if (error instanceof EntityLockBusyError) return wait(learnerBusyDelayMs, 'record busy');
  if (error instanceof EntityLockAbortedError || error instanceof LearnerWaitAbortedError) return wait(0, 'interrupted');

  // A request cut off by shutdown (or by a lapsed lease or lock) failed through no fault of OneFile or the job:
  // put it back at once, as an interrupted budget wait is. A write it carried is found again by the retry (E7).
  if (error instanceof OneFileTransientError && error.reason === 'aborted') return wait(0, 'interrupted');
  // Our own errors say whether a retry can help (a OneFile 401 reaching here is a refused token: the client
  // re-logged in once already); BullMQ's UnrecoverableError is the same for a job that throws one itself.
  if (error instanceof WorkerError) return error.permanent ? { kind: 'fail-permanently', reason } : { kind: 'retry', reason };
  if (error instanceof UnrecoverableError) return { kind: 'fail-permanently', reason };
  // Anything else (a Postgres or Redis hiccup, a bug): retry within the job's attempts, then fail.
  return { kind: 'retry', reason };
}

/**
 * Worker `settings.backoffStrategy` for EXPONENTIAL_JITTER_BACKOFF (queues/job-options.ts): base × 2^(attempt-1),
 * capped, with the top `jitter` share randomised (BullMQ's built-in exponential has jitter but no cap, so a job
 * with many attempts would sleep for days).
 */
export function exponentialJitterBackoff(
  options: { baseMs?: number; maxMs?: number; jitter?: number; random?: () => number } = {},
): BackoffStrategy {
  const { baseMs = 5_000, maxMs = 10 * 60_000, jitter = 0.5, random = Math.random } = options;
  return (attemptsMade: number) => {
    const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attemptsMade - 1));
    return Math.round(ceiling * (1 - jitter) + ceiling * jitter * random());
  };
}
