import type { OneFileReviewSummary } from '../onefile/types.js';

// E7/D5: a review an earlier attempt uploaded but could not record (killed between OneFile's answer and the
// write to PICS) is found again by its scheduled time among the learner's OneFile reviews that no PICS review
// claims. Taking it prevents a second upload, and prevents D6 from copying it into PICS as a new review.

/**
 * Takes from `list` the first review scheduled at `at` (epoch ms) that no PICS review claims. Null when
 * there is none. The list is consumed, so two PICS reviews at one time never take the same OneFile review.
 */
export function takeReviewAt(list: OneFileReviewSummary[], at: number, claimed: ReadonlySet<number>): number | null {
  const index = list.findIndex((r) => r.scheduledFor !== null && Date.parse(r.scheduledFor) === at && !claimed.has(r.id));
  return index < 0 ? null : list.splice(index, 1)[0]!.id;
}

export interface ReviewAdoption {
  reviewId: number;
  oneFileReviewId: number;
}

/** For each PICS review about to be uploaded (by scheduled time), the unclaimed OneFile review it already is. */
export function planReviewAdoptions(
  pending: readonly { reviewId: number; scheduledFor: string }[], summaries: readonly OneFileReviewSummary[], claimed: ReadonlySet<number>,
): ReviewAdoption[] {
  const unclaimed = [...summaries];
  const adoptions: ReviewAdoption[] = [];
  for (const p of pending) {
    const oneFileReviewId = takeReviewAt(unclaimed, Date.parse(p.scheduledFor), claimed);
    if (oneFileReviewId !== null) adoptions.push({ reviewId: p.reviewId, oneFileReviewId });
  }
  return adoptions;
}
