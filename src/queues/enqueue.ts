import type { JobsOptions, Queue } from 'bullmq';
import type { QueueName } from './names.js';

export interface Enqueued {
  jobId: string;
  /** false when the same job was already waiting or running. */
  queued: boolean;
  state: string;
  /** Set when the job doing the work is on another queue than the one asked for (a click whose learner a cohort's enrol already runs). */
  queue?: QueueName;
}

/** States in which a job has not started yet and can still be taken off its queue. */
export const NOT_STARTED = ['waiting', 'prioritized', 'delayed', 'waiting-children'];

/** True while a job of that state has work still to do (anything but finished or gone). */
export const isOpen = (state: string) => state !== 'completed' && state !== 'failed' && state !== 'unknown';

/**
 * Adds a job under a deterministic id. While a job with that id is waiting or running, a second request is
 * the same request (queued: false); a finished one is replaced, so a user can ask again after fixing PICS.
 */
export async function enqueueUnique(queue: Queue, name: string, data: object, jobId: string, opts: JobsOptions = {}): Promise<Enqueued> {
  const existing = await queue.getJob(jobId);
  if (existing) {
    const state = await existing.getState();
    if (isOpen(state)) return { jobId, queued: false, state };
    await existing.remove();
  }
  await queue.add(name, data, { ...opts, jobId });
  return { jobId, queued: true, state: 'waiting' };
}
