import { DelayedError, RateLimitError, UnrecoverableError, WaitingChildrenError, type Processor } from 'bullmq';
import type { Deps } from '../deps.js';
import { jobLogger } from '../logging/logger.js';
import type { JobRunOutcome } from '../metrics/job-metrics.js';
import { jobLockLosses, recordJobLockLoss } from '../store/job-lock-loss.js';
import { recordJobOutcome, type JobOutcome } from '../store/job-outcomes.js';
import { jobActionFor } from './error-policy.js';
import { watchJobLock } from './job-lock-watch.js';
import { holdLearner } from './learner-exclusive.js';
import { InvalidJobDataError } from '../queues/payloads.js';
import { SkipJob, type JobContext, type JobDefinition } from './definition.js';

const CONTROL_FLOW = [DelayedError, WaitingChildrenError, RateLimitError];

/**
 * Wraps a job handler with what every job needs: payload validation, a child logger (ids only), the one
 * error policy (fail permanently / retry with backoff / wait without burning an attempt), and the outcome
 * recorded in the worker's schema.
 */
/** A job that cannot even start (its data, its name): logged, recorded as failed, and never retried. */
export async function failUnrunnable(deps: Deps, queue: string, jobId: string | undefined, reason: string): Promise<never> {
  deps.logger.error({ queue, jobId }, reason);
  await recordJobOutcome(deps.db, { queue, jobId: jobId ?? '?', outcome: 'failed', reason });
  throw new UnrecoverableError(reason);
}

export function createProcessor<T, R>(deps: Deps, spec: JobDefinition<T, R>): Processor {
  return async (job, token, signal) => {
    const abort = signal ?? new AbortController().signal;
    const started = performance.now();
    const measure = (outcome: JobRunOutcome, result?: unknown) =>
      deps.metrics?.jobRun({ queue: spec.queue, name: job.name, outcome, seconds: (performance.now() - started) / 1000, result });
    let data: T;
    try {
      data = spec.parse(job.data);
    } catch (error) {
      const reason = error instanceof InvalidJobDataError ? error.message : `job data invalid: ${String(error)}`;
      measure('failed');
      return failUnrunnable(deps, spec.queue, job.id, reason);
    }
    const learnerId = spec.learnerIdOf?.(data);
    const logger = jobLogger(deps.logger, { queue: spec.queue, jobId: job.id, learnerId });
    let skipped: string | null = null;
    const ctx: JobContext<T> = {
      job, data, token, signal: abort, logger, deps, lane: spec.laneOf?.(data) ?? 'interactive',
      skip: (reason) => {
        skipped = reason;
        return { skipped: reason };
      },
    };
    const record = (outcome: JobOutcome, reason: string | null) =>
      recordJobOutcome(deps.db, { queue: spec.queue, jobId: job.id ?? '?', learnerId: learnerId ?? null, outcome, reason }).catch((e: unknown) =>
        logger.error({ err: e }, 'could not record the job outcome'));

    try {
      // A process killed under this job (BullMQ moved it back from active) too often: fail it, recorded.
      // Stalls this worker caused itself by stopping an attempt whose lock may have lapsed are not crashes.
      const stalls = job.stalledCounter ?? 0;
      if (stalls > deps.config.workers.maxStalledCount && stalls - (await jobLockLosses(deps.db, spec.queue, job.id ?? '?')) > deps.config.workers.maxStalledCount) {
        throw new UnrecoverableError(`its worker process stopped ${stalls} times while running it (killed, crashed, or blocked past workers.lockDurationMs): not run again`);
      }
      // One learner, one job at a time: the handler runs only while this attempt holds the learner.
      const held = learnerId === undefined ? null : await holdLearner(deps.db, learnerId, job.id ?? null, {
        ttlMs: deps.config.workers.learnerLeaseMs, waitMs: deps.config.workers.learnerWaitMs,
      }, abort, logger);
      const lock = watchJobLock(deps.redis, job, token, deps.config.workers.lockDurationMs);
      lock.signal.addEventListener('abort', () => {
        logger.warn({ reason: String(lock.signal.reason) }, 'job lock may be lost: attempt stopped');
        void recordJobLockLoss(deps.db, spec.queue, job.id ?? '?').catch((e: unknown) => logger.error({ err: e }, 'could not record the lock loss'));
      }, { once: true });
      let result: R | { skipped: string };
      try {
        result = await spec.handle({ ...ctx, signal: AbortSignal.any([held?.signal ?? abort, lock.signal]) });
      } catch (error) {
        if (!(error instanceof SkipJob)) throw error;
        result = ctx.skip(error.reason);
      } finally {
        lock.stop();
        await held?.release();
      }
      await record(skipped ? 'skipped' : 'completed', skipped);
      logger.info({ outcome: skipped ? 'skipped' : 'completed', ...(skipped ? { reason: skipped } : {}) }, 'job finished');
      measure(skipped ? 'skipped' : 'completed', result);
      return result;
    } catch (error) {
      if (CONTROL_FLOW.some((type) => error instanceof type)) {
        measure(error instanceof WaitingChildrenError ? 'waiting-children' : 'delayed');
        throw error;
      }
      const action = jobActionFor(error, job);
      if (action.kind === 'wait') {
        logger.warn({ delayMs: action.delayMs, reason: action.reason }, 'job waits');
        await job.moveToDelayed(Date.now() + action.delayMs, token);
        measure('delayed');
        throw new DelayedError(action.reason);
      }
      const final = action.kind === 'fail-permanently' || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      logger.error({ err: error, action: action.kind, final }, 'job failed');
      measure(final ? 'failed' : 'retried');
      if (final) {
        await record('failed', action.reason);
        await spec.onFinalFailure?.(ctx, action.reason).catch((e: unknown) => logger.error({ err: e }, 'onFinalFailure failed'));
      }
      if (action.kind === 'fail-permanently') throw new UnrecoverableError(action.reason);
      throw error;
    }
  };
}
