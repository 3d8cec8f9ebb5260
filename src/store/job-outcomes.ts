import type { Kysely } from 'kysely';
import type { DB } from '../db/types.js';

export type JobOutcome = 'completed' | 'failed' | 'skipped';

/** Kept after BullMQ removes the job, so ops and PICSWeb can still read why a job ended. */
export async function recordJobOutcome(
  db: Kysely<DB>, entry: { queue: string; jobId: string; learnerId?: number | null; outcome: JobOutcome; reason?: string | null },
): Promise<void> {
  await db
    .insertInto('eportfolio_sync.job_outcome')
    .values({ queue: entry.queue, job_id: entry.jobId, learner_id: entry.learnerId ?? null, outcome: entry.outcome, reason: entry.reason?.slice(0, 2_000) ?? null })
    .execute();
}

export async function recentJobOutcomes(db: Kysely<DB>, options: { queue?: string; learnerId?: number; limit?: number } = {}) {
  return db
    .selectFrom('eportfolio_sync.job_outcome')
    .selectAll()
    .$if(options.queue !== undefined, (qb) => qb.where('queue', '=', options.queue!))
    .$if(options.learnerId !== undefined, (qb) => qb.where('learner_id', '=', options.learnerId!))
    .orderBy('id', 'desc')
    .limit(options.limit ?? 50)
    .execute();
}
