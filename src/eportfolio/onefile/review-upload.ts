import type { OneFileReviewSummary } from '../../onefile/types.js';
import { readLearnerReviewLinks, setReviewOneFileId } from '../../pics/index.js';
import type { ReviewUpload } from '../../rules/enrol-plan.js';
import { withEntityLock } from '../../db/entity-lock.js';
import { readEnrolSteps, recordEnrolStep } from '../../store/enrol.js';
import { cacheReviews } from '../../store/sync-state.js';
import type { OneFileCtx } from './enrol.js';

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
}

export interface UploadedReview {
  oneFileReviewId: number;
  how: 'already-in-pics' | 'adopted' | 'created';
}

/**
 * Takes from `list` the first review scheduled at `at` (epoch ms) that no PICS review claims: the one an
 * earlier attempt made for the PICS review at that time. Null when there is none.
 */
export function takeReviewAt(list: OneFileReviewSummary[], at: number, claimed: ReadonlySet<number>): number | null {
  const index = list.findIndex((r) => r.scheduledFor !== null && Date.parse(r.scheduledFor) === at && !claimed.has(r.id));
  return index < 0 ? null : list.splice(index, 1)[0]!.id;
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
      await setReviewOneFileId(conn, upload.reviewId, id);
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
    await setReviewOneFileId(conn, upload.reviewId, reviewId);
    // What OneFile now holds is known without asking: a sync reads it only once it falls due.
    await cacheReviews(conn, learnerId, [{
      id: reviewId, learnerId: learnerOneFileId, assessorId: target.assessorId, status: null, scheduledFor: upload.scheduledFor,
      endTime: upload.endTime, startedOn: null, assessorSignedOn: null, learnerSignedOn: null, visitId,
    }]);
    return { oneFileReviewId: reviewId, how: 'created' as const };
  });
}
