import { describe, expect, it } from '@jest/globals';
import type { OneFileReview, OneFileReviewSummary } from '../../src/onefile/types.js';
import { isReviewComplete, planReviewReads } from '../../src/rules/review-reads.js';

const detail = (id: number, o: Partial<OneFileReview> = {}): OneFileReview => ({
  id, learnerId: 900, assessorId: 5, status: null, scheduledFor: '2027-03-01T10:00:00.000Z', endTime: null, startedOn: null,
  assessorSignedOn: null, learnerSignedOn: null, visitId: null, ...o,
});
const thin = (id: number, scheduledFor = '2027-03-01T10:00:00.000Z'): OneFileReviewSummary => ({ id, learnerId: 900, scheduledFor, full: null });

describe('D6 which reviews are read', () => {
  it('every open review PICS holds is read, however far off its planned date (a review is often held early)', () => {
    const reads = planReviewReads([thin(1, '2027-09-01T10:00:00.000Z'), thin(2)], new Map([[1, { complete: false }], [2, { complete: false }]]), new Set([1, 2]));
    expect(reads).toEqual({ fromRows: [], toGet: [1, 2] });
  });

  it('a complete review PICS holds is not read again; one PICS does not hold yet is, even if seen complete before', () => {
    const known = new Map([[1, { complete: true }], [2, { complete: true }]]);
    expect(planReviewReads([thin(1), thin(2)], known, new Set([1])).toGet).toEqual([2]);
  });

  it('a row carrying every field D6 reads stands in for the GET', () => {
    const full = detail(3, { startedOn: '2026-11-30T10:00:00.000Z' });
    const reads = planReviewReads([{ ...thin(3), status: 2, full }, { ...thin(4), status: 1 }], new Map(), new Set());
    expect(reads).toEqual({ fromRows: [full], toGet: [4] }); // Status alone cannot show nothing changed
  });

  it('complete = held and signed by the learner', () => {
    expect(isReviewComplete(detail(1, { startedOn: 'x', learnerSignedOn: null }))).toBe(false);
    expect(isReviewComplete(detail(1, { startedOn: 'x', learnerSignedOn: 'y' }))).toBe(true);
  });
});

// Issue 23: edges the tests above left open (test/MUTATION.md).
describe('D6 edges', () => {
  it('D6: a review signed by the learner but not started is not complete', () => {
    expect(isReviewComplete({ startedOn: null, learnerSignedOn: '2026-11-21T09:00:00.000Z' })).toBe(false);
  });

  it('D6: a review PICS holds but the sync never recorded is read', () => {
    expect(planReviewReads([{ id: 5, learnerId: 900, scheduledFor: null, full: null }], new Map(), new Set([5]))).toEqual({ fromRows: [], toGet: [5] });
  });
});
