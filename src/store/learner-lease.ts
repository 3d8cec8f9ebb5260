import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/types.js';

// "One learner, one job at a time" (SPEC): a lease row per learner on Postgres's own clock. Written by hand
// because no library gives a lease that is held without holding a pooled connection, survives a Redis outage
// (BullMQ's own locks live in Redis) and expires by itself when its process dies.

/** Takes the learner's lease for `holder`, if free, expired or already its own. True when held. */
export async function tryAcquireLearnerLease(db: Kysely<DB>, learnerId: number, holder: string, jobId: string | null, ttlMs: number): Promise<boolean> {
  const expires = sql<Date>`now() + ${ttlMs} * interval '1 millisecond'`;
  const row = await db.insertInto('eportfolio_sync.learner_lease')
    .values({ learner_id: learnerId, holder, job_id: jobId, expires_at: expires })
    .onConflict((oc) => oc.column('learner_id').doUpdateSet({ holder, job_id: jobId, acquired_at: sql`now()`, expires_at: expires })
      .where((eb) => eb.or([eb('eportfolio_sync.learner_lease.expires_at', '<', sql<Date>`now()`), eb('eportfolio_sync.learner_lease.holder', '=', holder)])))
    .returning('holder').executeTakeFirst();
  return row?.holder === holder;
}

/** Extends a lease still held by `holder`. False when it was lost (expired and taken by another). */
export async function renewLearnerLease(db: Kysely<DB>, learnerId: number, holder: string, ttlMs: number): Promise<boolean> {
  const result = await db.updateTable('eportfolio_sync.learner_lease')
    .set({ expires_at: sql<Date>`now() + ${ttlMs} * interval '1 millisecond'` })
    .where('learner_id', '=', learnerId).where('holder', '=', holder).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function releaseLearnerLease(db: Kysely<DB>, learnerId: number, holder: string): Promise<void> {
  await db.deleteFrom('eportfolio_sync.learner_lease').where('learner_id', '=', learnerId).where('holder', '=', holder).execute();
}

/** Who holds the learner now (for messages), or null. */
export async function learnerLeaseHolder(db: Kysely<DB>, learnerId: number): Promise<{ jobId: string | null; expiresAt: Date } | null> {
  const row = await db.selectFrom('eportfolio_sync.learner_lease').select(['job_id', 'expires_at']).where('learner_id', '=', learnerId)
    .where('expires_at', '>=', sql<Date>`now()`).executeTakeFirst();
  return row ? { jobId: row.job_id, expiresAt: row.expires_at } : null;
}
