import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from '../db/connect.js';
import type { Logger } from '../logging/logger.js';
import { learnerLeaseHolder, releaseLearnerLease, renewLearnerLease, tryAcquireLearnerLease } from '../store/learner-lease.js';

/**
 * One learner, one job at a time (SPEC, issue 15 item 4): an enrol, a daily child and a Refresh with OneFile
 * of one learner take the learner's lease before any PICS or OneFile work, in every process. The wait is
 * bounded and abortable, holds no pooled connection between tries, and ends in LearnerBusyError, which the
 * error policy turns into a delay (not a failed attempt). While held, the lease is renewed; an attempt that
 * cannot renew it in time is aborted through its signal before its next call, since another may then take it.
 */

export class LearnerBusyError extends Error {
  override name = 'LearnerBusyError';
  constructor(readonly learnerId: number, readonly heldBy: string | null, readonly waitedMs: number) {
    super(`learner #${learnerId} is being worked on by ${heldBy ? `job ${heldBy}` : 'another job'}: waited ${waitedMs} ms, trying again later`);
  }
}

export class LearnerLeaseLostError extends Error {
  override name = 'LearnerLeaseLostError';
  constructor(readonly learnerId: number, why: string) {
    super(`the lease on learner #${learnerId} was lost (${why}): this attempt stops before its next call`);
  }
}

/** Shutdown (or the job's own signal) cut the wait short: the job goes back without spending an attempt. */
export class LearnerWaitAbortedError extends Error {
  override name = 'LearnerWaitAbortedError';
  constructor(readonly learnerId: number) {
    super(`the wait for learner #${learnerId} was interrupted`);
  }
}

export interface LeaseOptions {
  ttlMs: number;
  waitMs: number;
  /** Between tries while another job holds the learner. */
  pollMs?: number;
}

export interface HeldLearner {
  /** Aborted when the job's own signal is, or when the lease may have been lost. */
  signal: AbortSignal;
  release(): Promise<void>;
}

export async function holdLearner(
  db: Database, learnerId: number, jobId: string | null, options: LeaseOptions, jobSignal: AbortSignal, logger: Logger,
): Promise<HeldLearner> {
  const { ttlMs, waitMs, pollMs = 250 } = options;
  const holder = `${jobId ?? 'job'}:${randomUUID()}`;
  const started = Date.now();
  while (!(await tryAcquireLearnerLease(db, learnerId, holder, jobId, ttlMs))) {
    const waited = Date.now() - started;
    if (waited >= waitMs) throw new LearnerBusyError(learnerId, (await learnerLeaseHolder(db, learnerId))?.jobId ?? null, waited);
    try {
      await sleep(Math.min(pollMs, waitMs - waited), undefined, { signal: jobSignal });
    } catch {
      throw new LearnerWaitAbortedError(learnerId);
    }
  }

  const lost = new AbortController();
  let renewedAt = Date.now();
  // Renew three times a lease; give up (abort) well before it can expire, as another may take it then.
  const timer = setInterval(() => {
    void renewLearnerLease(db, learnerId, holder, ttlMs).then((held) => {
      if (held) renewedAt = Date.now();
      else lost.abort(new LearnerLeaseLostError(learnerId, 'taken by another job after it expired'));
    }, (error: unknown) => logger.warn({ err: error, learnerId }, 'could not renew the learner lease')).finally(() => {
      if (!lost.signal.aborted && Date.now() - renewedAt > (ttlMs * 2) / 3) lost.abort(new LearnerLeaseLostError(learnerId, `not renewed for ${Date.now() - renewedAt} ms`));
    });
  }, Math.max(50, Math.floor(ttlMs / 3)));
  timer.unref();
  return {
    signal: AbortSignal.any([jobSignal, lost.signal]),
    async release() {
      clearInterval(timer);
      await releaseLearnerLease(db, learnerId, holder).catch((error: unknown) => logger.warn({ err: error, learnerId }, 'could not release the learner lease (it expires by itself)'));
    },
  };
}
