import type { Kysely } from 'kysely';
import type { DB } from '../db/types.js';

// D11, tracked per learner: a learner's sync does the first-sync work until one of its syncs completes (or
// an enrol of ours does, having uploaded its reviews by E3). A failed or skipped sync leaves it to the next;
// switching the integration off and on does not start it again.

export async function isFirstSyncDone(db: Kysely<DB>, learnerId: number): Promise<boolean> {
  const row = await db.selectFrom('eportfolio_sync.learner_state').select('first_sync_completed_at')
    .where('learner_id', '=', learnerId).executeTakeFirst();
  return (row?.first_sync_completed_at ?? null) !== null;
}

/** Marks it done; the first time stays recorded when it is marked again. */
export async function recordFirstSyncDone(db: Kysely<DB>, learnerId: number, at: Date = new Date()): Promise<void> {
  await db.insertInto('eportfolio_sync.learner_state').values({ learner_id: learnerId, first_sync_completed_at: at, updated_at: at })
    .onConflict((oc) => oc.column('learner_id').doUpdateSet({ first_sync_completed_at: at, updated_at: at })
      .where('eportfolio_sync.learner_state.first_sync_completed_at', 'is', null))
    .execute();
}
