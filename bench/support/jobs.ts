import type { Job, Queue } from 'bullmq';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls one job until it is completed or failed (bounded by `timeoutMs`), noting each state it was seen in,
 * in order (e.g. waiting → active → waiting-children → completed).
 */
export async function waitForJob(queue: Queue, jobId: string, timeoutMs: number, pollMs = 100): Promise<{ job: Job; states: string[] }> {
  const deadline = Date.now() + timeoutMs;
  const states: string[] = [];
  for (;;) {
    const job = await queue.getJob(jobId);
    const state = job ? await job.getState() : 'missing';
    if (states.at(-1) !== state) states.push(state);
    if (job && (state === 'completed' || state === 'failed')) return { job: (await queue.getJob(jobId))!, states };
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${state} after ${timeoutMs} ms (seen: ${states.join(' → ')})`);
    await sleep(pollMs);
  }
}

const OPEN = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;

/** Jobs of a queue not finished yet. */
export async function openJobs(queue: Queue): Promise<number> {
  const counts = await queue.getJobCounts(...OPEN);
  return OPEN.reduce((n, state) => n + (counts[state] ?? 0), 0);
}
