import type { OneFileReviewSummary } from '../../onefile/types.js';
import { readLearnerReviewLinks, setReviewOneFileId } from '../../pics/index.js';
import type { ReviewUpload } from '../../rules/review-selection.js';
import { takeReviewAt } from '../../rules/review-match.js';
import { withEntityLock } from '../../db/entity-lock.js';
import { readEnrolSteps, recordEnrolStep } from '../../store/enrol.js';
import { cacheReviews, recordStandIn } from '../../store/sync-state.js';
import type { OneFileReview } from '../../onefile/types.js';
import type { OneFileCtx } from './context.js';

/**
 * Uploads one PICS review to OneFile exactly once (E3, D5, D11), whoever asks: an enrol, a daily child and a
 * Refresh with OneFile of the same learner can all plan the same upload, and any of them can die between
 * OneFile's answer and the write to PICS.
 *
 * Under a per-learner lock (every process), in order:
 * 1. PICS already holds the review's OneFile id: another job did it.
 * 2. A review of this learner at that scheduled time that no PICS review claims (from the caller's search,
 *    checked against PICS now) is one an earlier attempt made: it is adopted.
 * 3. An earlier attempt got as far as the visit (its step is recorded before the review is created), so the
 *    review may exist although the caller's search predates it: search again, then adopt or create.
 * 4. Otherwise the visit, then the review. The visit is remembered so a retry after a failed POST /Review
 *    reuses it: OneFile has no visit search, and a second visit would double-book the calendar slot.
 */

export interface ReviewUploadTarget {
  learnerId: number;
  learnerOneFileId: number;
  organisationId: number;
  assessorId: number;
  /** Set when `assessorId` stands in for the review's own officer, who has no OneFile account (D5): why. */
  standInReason?: string;
}

export interface UploadedReview {
  oneFileReviewId: number;
  how: 'already-in-pics' | 'adopted' | 'created';
}

function uploadedReview(id: number, target: ReviewUploadTarget, upload: ReviewUpload, visitId: number | null): OneFileReview {
  return {
    id, learnerId: target.learnerOneFileId, assessorId: target.assessorId, status: null, scheduledFor: upload.scheduledFor,
    endTime: upload.endTime, startedOn: null, assessorSignedOn: null, learnerSignedOn: null, visitId,
  };
}

/** `searched`: the learner's OneFile reviews as the caller last searched them; an adopted one is taken from it. */
export async function uploadReviewOnce(
  ctx: OneFileCtx, target: ReviewUploadTarget, upload: ReviewUpload, searched: OneFileReviewSummary[],
): Promise<UploadedReview> {
  const { client } = ctx;
  const { learnerId, learnerOneFileId } = target;
  return withEntityLock(ctx.db, `onefile:reviews:${learnerId}`, async (conn) => {
    // Read now, not when the caller searched: another job may have uploaded or claimed one since.
    const links = await readLearnerReviewLinks(conn, learnerId);
    const known = links.get(upload.reviewId);
    if (known !== undefined) return { oneFileReviewId: known, how: 'already-in-pics' as const };
    const claimed = new Set(links.values());
    const at = Date.parse(upload.scheduledFor);
    const adopt = async (list: OneFileReviewSummary[]): Promise<UploadedReview | null> => {
      const id = takeReviewAt(list, at, claimed);
      if (id === null) return null;
      await conn.transaction().execute(async (trx) => {
        await setReviewOneFileId(trx, upload.reviewId, id);
        if (target.standInReason !== undefined) {
          await cacheReviews(trx, learnerId, [{ review: uploadedReview(id, target, upload, null), complete: false }]);
          await recordStandIn(trx, id, target.assessorId, target.standInReason);
        }
      });
      return { oneFileReviewId: id, how: 'adopted' };
    };
    const adopted = await adopt(searched);
    if (adopted) return adopted;

    const visitKey = `visit:${upload.reviewId}`;
    let visitId = Number((await readEnrolSteps(conn, learnerId)).get(visitKey)) || null;
    if (visitId !== null) {
      const found = await adopt(await client.searchReviews(learnerOneFileId).all());
      if (found) return found;
    } else {
      visitId = await client.createVisit({
        LearnerID: learnerOneFileId, OrganisationID: target.organisationId, AssessorID: target.assessorId,
        DateFrom: upload.scheduledFor, DateTo: upload.endTime, VisitTypeID: upload.visitTypeId,
      });
      await recordEnrolStep(conn, learnerId, visitKey, String(visitId));
    }
    const reviewId = await client.createReview({
      LearnerID: learnerOneFileId, AssessorID: target.assessorId, ScheduledFor: upload.scheduledFor, EndTime: upload.endTime, VisitID: visitId,
    });
    // PICS's id, what OneFile now holds (a sync reads it back while it is open) and any stand-in, together.
    await conn.transaction().execute(async (trx) => {
      await setReviewOneFileId(trx, upload.reviewId, reviewId);
      await cacheReviews(trx, learnerId, [{ review: uploadedReview(reviewId, target, upload, visitId), complete: false }]);
      if (target.standInReason !== undefined) await recordStandIn(trx, reviewId, target.assessorId, target.standInReason);
    });
    return { oneFileReviewId: reviewId, how: 'created' as const };
  }, { signal: ctx.signal, clicksWait: false }); // only this learner's jobs take it, one at a time
}
