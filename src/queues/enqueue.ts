import type { JobsOptions, Queue } from 'bullmq';

export interface Enqueued {
  jobId: string;
  /** false when the same job was already waiting or running. */
  queued: boolean;
  state: string;
}

/**
 * Adds a job under a deterministic id. While a job with that id is waiting or running, a second request is
 * the same request (queued: false); a finished one is replaced, so a user can ask again after fixing PICS.
 */
export async function enqueueUnique(queue: Queue, name: string, data: object, jobId: string, opts: JobsOptions = {}): Promise<Enqueued> {
  const existing = await queue.getJob(jobId);
  if (existing) {
    const state = await existing.getState();
    if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return { jobId, queued: false, state };
    await existing.remove();
  }
  await queue.add(name, data, { ...opts, jobId });
  return { jobId, queued: true, state: 'waiting' };
}
