import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/types.js';

// Attempts this worker stopped itself because their BullMQ lock may have lapsed while the process lived on
// (see jobs/job-lock-watch.ts). BullMQ counts each as a stall; the runner subtracts them, so only real
// crashes count against workers.maxStalledCount.

export async function recordJobLockLoss(db: Kysely<DB>, queue: string, jobId: string): Promise<void> {
  await db.insertInto('eportfolio_sync.job_lock_loss').values({ queue, job_id: jobId })
    .onConflict((oc) => oc.columns(['queue', 'job_id']).doUpdateSet({ losses: sql`eportfolio_sync.job_lock_loss.losses + 1`, last_at: sql`now()` }))
    .execute();
}

export async function jobLockLosses(db: Kysely<DB>, queue: string, jobId: string): Promise<number> {
  const row = await db.selectFrom('eportfolio_sync.job_lock_loss').select('losses').where('queue', '=', queue).where('job_id', '=', jobId).executeTakeFirst();
  return row?.losses ?? 0;
}
