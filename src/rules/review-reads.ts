import type { OneFileReview, OneFileReviewSummary } from '../onefile/types.js';

// D6: which of a learner's OneFile reviews the sync reads in detail. A review is often held (started and
// signed) before its planned date, so every open review is checked every day; only a complete review
// (held and signed by the learner) that PICS already holds is left alone, since OneFile does not change it
// again. OneFile promises search rows of ID and ScheduledFor only; a row that carries every field D6 reads
// is used as it is, and then costs no GET (what a row carries is seen row by row, so nothing is assumed).

export interface KnownReview {
  complete: boolean;
}

export interface ReviewReads {
  /** Details taken from the search rows themselves. */
  fromRows: OneFileReview[];
  /** Reviews to GET. */
  toGet: number[];
}

/** A review is complete once held and signed by the learner: OneFile will not change it again. */
export function isReviewComplete(review: Pick<OneFileReview, 'startedOn' | 'learnerSignedOn'>): boolean {
  return review.startedOn !== null && review.learnerSignedOn !== null;
}

/**
 * `known`: what the sync recorded when PICS last took each review in (written with the PICS change, so a
 * review read by an attempt that never reached PICS is not in it). `picsHolds`: OneFile ids PICS reviews carry.
 */
export function planReviewReads(
  summaries: readonly OneFileReviewSummary[], known: ReadonlyMap<number, KnownReview>, picsHolds: ReadonlySet<number>,
): ReviewReads {
  const fromRows: OneFileReview[] = [];
  const toGet: number[] = [];
  for (const row of summaries) {
    if (picsHolds.has(row.id) && known.get(row.id)?.complete) continue;
    if (row.full) fromRows.push(row.full);
    else toGet.push(row.id);
  }
  return { fromRows, toGet };
}
