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
}

export async function readReviewCache(db: Kysely<DB>, learnerId: number): Promise<Map<number, CachedReview>> {
  const rows = await db.selectFrom('eportfolio_sync.review_state').select(['onefile_review_id', 'complete', 'scheduled_for'])
    .where('learner_id', '=', learnerId).execute();
  return new Map(rows.map((r) => [r.onefile_review_id, { oneFileReviewId: r.onefile_review_id, complete: r.complete, scheduledFor: r.scheduled_for }]));
}

/** A review is complete once held and signed by the learner: OneFile will not change it again. */
export function isReviewComplete(review: OneFileReview): boolean {
  return review.startedOn !== null && review.learnerSignedOn !== null;
}

export async function cacheReviews(db: Kysely<DB>, learnerId: number, reviews: OneFileReview[]): Promise<void> {
  if (reviews.length === 0) return;
  const rows = reviews.map((r) => ({
    onefile_review_id: r.id, learner_id: learnerId, scheduled_for: r.scheduledFor, started_on: r.startedOn,
    learner_signed_on: r.learnerSignedOn, assessor_id: r.assessorId, complete: isReviewComplete(r), fetched_at: new Date(),
  }));
  await db.insertInto('eportfolio_sync.review_state').values(rows).onConflict((oc) => oc.column('onefile_review_id').doUpdateSet((eb) => ({
    learner_id: eb.ref('excluded.learner_id'), scheduled_for: eb.ref('excluded.scheduled_for'), started_on: eb.ref('excluded.started_on'),
    learner_signed_on: eb.ref('excluded.learner_signed_on'), assessor_id: eb.ref('excluded.assessor_id'), complete: eb.ref('excluded.complete'),
    fetched_at: eb.ref('excluded.fetched_at'),
  }))).execute();
}

/** Claims an officer or organisation for this run: true the first time, false if another learner's job did. */
export async function claimEntityForRun(db: Kysely<DB>, kind: 'officer' | 'organisation', picsId: number, runId: number): Promise<boolean> {
  const result = await db.insertInto('eportfolio_sync.entity_sync').values({ kind, pics_id: picsId, run_id: runId })
    .onConflict((oc) => oc.columns(['kind', 'pics_id']).doUpdateSet({ run_id: runId, synced_at: new Date() }).where('eportfolio_sync.entity_sync.run_id', 'is distinct from', runId))
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}
