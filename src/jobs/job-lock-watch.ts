import type { Job } from 'bullmq';
import type { RedisClient } from '../redis.js';

/**
 * Lost job locks (issue 15 item 5). When Redis cannot be reached for longer than the lock lasts, BullMQ may
 * hand a running job to another worker while this attempt is still alive. BullMQ does not abort the
 * processor then, so this watch does: it confirms every sixth of the lock's life that the lock still holds
 * this attempt's token, and aborts the attempt (before its next call) once it is taken by another, or once it
 * has gone unconfirmed for two thirds of its life — by then it may have expired without Redis saying so.
 */

export class JobLockLostError extends Error {
  override name = 'JobLockLostError';
  constructor(jobId: string | undefined, why: string) {
    super(`job ${jobId ?? '?'} lost its lock (${why}): this attempt stops before its next call`);
  }
}

export interface JobLockWatch {
  signal: AbortSignal;
  stop(): void;
}

export function watchJobLock(redis: RedisClient, job: Job, token: string | undefined, lockDurationMs: number): JobLockWatch {
  const lost = new AbortController();
  if (!token || !job.id) return { signal: lost.signal, stop: () => {} };
  const key = `${job.queueQualifiedName}:${job.id}:lock`;
  let confirmedAt = Date.now();
  let asking = false;
  const timer = setInterval(() => {
    if (lost.signal.aborted) return;
    if (Date.now() - confirmedAt > (lockDurationMs * 2) / 3) {
      lost.abort(new JobLockLostError(job.id, `not confirmed for ${Date.now() - confirmedAt} ms, Redis unreachable or hung`));
      return;
    }
    if (asking) return; // the last question is still unanswered (a hung Redis): the clock above decides
    asking = true;
    redis.get(key).then((holder) => {
      if (holder === token) confirmedAt = Date.now();
      else lost.abort(new JobLockLostError(job.id, holder ? 'taken by another worker' : 'expired'));
    }, () => {}).finally(() => { asking = false; });
  }, Math.max(50, Math.floor(lockDurationMs / 6)));
  timer.unref();
  return { signal: lost.signal, stop: () => clearInterval(timer) };
}
