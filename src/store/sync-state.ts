import type { Kysely } from 'kysely';
import type { DB } from '../db/types.js';
import type { OneFileReview } from '../onefile/types.js';

// What the sync remembers between runs (see migration 0002).

export async function readLearnerPushed(db: Kysely<DB>, learnerId: number): Promise<{ defaultAssessorId: number | null; placementId: number | null }> {
  const row = await db.selectFrom('eportfolio_sync.learner_state').select(['pushed_default_assessor_id', 'pushed_placement_id'])
    .where('learner_id', '=', learnerId).executeTakeFirst();
  return { defaultAssessorId: row?.pushed_default_assessor_id ?? null, placementId: row?.pushed_placement_id ?? null };
}

export async function recordLearnerPushed(
  db: Kysely<DB>, learnerId: number, pushed: { defaultAssessorId?: number | null; placementId?: number | null },
): Promise<void> {
  const values = {
    ...(pushed.defaultAssessorId !== undefined ? { pushed_default_assessor_id: pushed.defaultAssessorId } : {}),
    ...(pushed.placementId !== undefined ? { pushed_placement_id: pushed.placementId } : {}),
    updated_at: new Date(),
  };
  await db.insertInto('eportfolio_sync.learner_state').values({ learner_id: learnerId, ...values })
    .onConflict((oc) => oc.column('learner_id').doUpdateSet(values)).execute();
}

export interface CachedReview {
  oneFileReviewId: number;
  complete: boolean;
  scheduledFor: Date | null;
  /** D5: the OneFile assessor a review was uploaded under in place of its own officer, who had no account. */
  standInAssessorId: number | null;
  standInReason: string | null;
}

/**
 * What PICS has taken in of each of the learner's OneFile reviews. Written only in the transaction that
 * writes PICS (or right after OneFile accepted an upload), so "read" never runs ahead of PICS.
 */
export async function readReviewCache(db: Kysely<DB>, learnerId: number): Promise<Map<number, CachedReview>> {
  const rows = await db.selectFrom('eportfolio_sync.review_state')
    .select(['onefile_review_id', 'complete', 'scheduled_for', 'stand_in_assessor_id', 'stand_in_reason'])
    .where('learner_id', '=', learnerId).execute();
  return new Map(rows.map((r) => [r.onefile_review_id, {
    oneFileReviewId: r.onefile_review_id, complete: r.complete, scheduledFor: r.scheduled_for,
    standInAssessorId: r.stand_in_assessor_id, standInReason: r.stand_in_reason,
  }]));
}

export interface ReviewSeen {
  review: OneFileReview;
  /** Held and signed by the learner: never read again (the caller decides, by rules/review-reads). */
  complete: boolean;
}

export async function cacheReviews(db: Kysely<DB>, learnerId: number, seen: ReviewSeen[]): Promise<void> {
  if (seen.length === 0) return;
  const rows = seen.map(({ review: r, complete }) => ({
    onefile_review_id: r.id, learner_id: learnerId, scheduled_for: r.scheduledFor, started_on: r.startedOn,
    learner_signed_on: r.learnerSignedOn, assessor_id: r.assessorId, complete, fetched_at: new Date(),
  }));
  // The stand-in columns are left as they are: they describe the upload, not what OneFile answers.
  await db.insertInto('eportfolio_sync.review_state').values(rows).onConflict((oc) => oc.column('onefile_review_id').doUpdateSet((eb) => ({
    learner_id: eb.ref('excluded.learner_id'), scheduled_for: eb.ref('excluded.scheduled_for'), started_on: eb.ref('excluded.started_on'),
    learner_signed_on: eb.ref('excluded.learner_signed_on'), assessor_id: eb.ref('excluded.assessor_id'), complete: eb.ref('excluded.complete'),
    fetched_at: eb.ref('excluded.fetched_at'),
  }))).execute();
}

/** D5: the review went up under a stand-in assessor; D6 must never copy that assessor onto the PICS review. */
export async function recordStandIn(db: Kysely<DB>, oneFileReviewId: number, assessorId: number, reason: string): Promise<void> {
  await db.updateTable('eportfolio_sync.review_state').set({ stand_in_assessor_id: assessorId, stand_in_reason: reason.slice(0, 500) })
    .where('onefile_review_id', '=', oneFileReviewId).execute();
}

/** Whether an officer or organisation was already reconciled in this run (by another learner's job); `centre` 0 = not per centre. */
export async function entityDoneForRun(db: Kysely<DB>, kind: 'officer' | 'organisation', picsId: number, runId: number, centre = 0): Promise<boolean> {
  const row = await db.selectFrom('eportfolio_sync.entity_sync').select('run_id')
    .where('kind', '=', kind).where('pics_id', '=', picsId).where('organisation_id', '=', centre).executeTakeFirst();
  return row?.run_id === runId;
}

/**
 * Records an officer or organisation as reconciled in this run, once its changes are made (in the same
 * transaction as its PICS update): an attempt that dies first leaves it to be done again, never skipped.
 * Two learners sharing it may both reconcile it at once; that costs a call, and both reach the same state.
 */
export async function markEntityDone(db: Kysely<DB>, kind: 'officer' | 'organisation', picsId: number, runId: number, centre = 0): Promise<void> {
  await db.insertInto('eportfolio_sync.entity_sync').values({ kind, pics_id: picsId, run_id: runId, organisation_id: centre })
    .onConflict((oc) => oc.columns(['kind', 'pics_id', 'organisation_id']).doUpdateSet({ run_id: runId, synced_at: new Date() })).execute();
}
