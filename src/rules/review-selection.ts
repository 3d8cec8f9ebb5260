import type { Review } from '../domain/learner.js';
import type { OneFileSettings } from '../domain/settings.js';
import { VISIT_TYPE_ID } from '../onefile/types.js';
import { addHours, ukLocalToUtc } from '../domain/dates.js';

// Which PICS reviews go to OneFile, and how (E3 at enrol, D5 and D11 at sync: the seed's "this upload works in
// the same way as reviews in the learner upload").

export interface ReviewUpload {
  reviewId: number;
  assessorOfficerId: number;
  scheduledFor: string;
  endTime: string;
  visitTypeId: number;
}

const DEFAULT_REVIEW_TIME = '09:00:00';

/** E3: normal reviews planned after today with attendance Unknown, not uploaded yet. */
export function selectReviewsForUpload(reviews: Review[], today: string): Review[] {
  return reviews.filter(
    (r) => r.type === 'N' && r.plannedDate !== null && r.plannedDate > today && r.attended === 'U' && r.oneFileId === null,
  );
}

/** D11: on the first sync, every normal review with a blank attendance and no actual date, whatever its date. */
export function selectReviewsForFirstSync(reviews: Review[]): Review[] {
  return reviews.filter(
    (r) => r.type === 'N' && (r.attended === null || r.attended.trim() === '') && r.actualDate === null && r.plannedDate !== null && r.oneFileId === null,
  );
}

/** E3: scheduled at the planned date and time (UK), ending an hour later; assessor = review officer, else main. */
export function reviewUpload(review: Review, mainOfficerId: number, settings: OneFileSettings): ReviewUpload {
  const scheduledFor = ukLocalToUtc(review.plannedDate!, review.plannedTime ?? DEFAULT_REVIEW_TIME);
  return {
    reviewId: review.id,
    assessorOfficerId: review.officerId ?? mainOfficerId,
    scheduledFor,
    endTime: addHours(scheduledFor, 1),
    visitTypeId: VISIT_TYPE_ID[settings.visitType],
  };
}
