import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { uploadReviewOnce, type ReviewUploadTarget } from '../../src/eportfolio/onefile/review-upload.js';
import type { OneFileCtx } from '../../src/eportfolio/onefile/context.js';
import { createOneFileClientFactory } from '../../src/onefile/factory.js';
import type { OneFileReviewSummary } from '../../src/onefile/types.js';
import { readOneFileSettings, reviewFromRow } from '../../src/pics/index.js';
import { QUEUE } from '../../src/queues/names.js';
import { reviewUpload } from '../../src/rules/review-selection.js';
import { recordEnrolStep } from '../../src/store/enrol.js';
import { createLogger } from '../../src/logging/logger.js';
import { startHarness, type Harness } from '../helpers/harness.js';

/*
 * E3/D5/E7: one PICS review reaches OneFile once, however many jobs upload it at the same moment and whatever
 * an earlier attempt left behind. Enrol, daily children and Refresh with OneFile all upload through this.
 */

describe('uploading a review exactly once', () => {
  let h: Harness;
  let ctx: OneFileCtx;
  let target: ReviewUploadTarget;

  const reviewsInOneFile = () => [...h.sim.state.reviews.values()].filter((r) => r.LearnerID === target.learnerOneFileId);
  async function newPicsReview(plannedDate: string) {
    const row = await h.t.db.insertInto('pics.review').values({
      learner_id: target.learnerId, review_type: 'N', planned_date: plannedDate, planned_time: '10:00:00', attended: 'U',
    }).returning('id').executeTakeFirstOrThrow();
    const review = await h.t.db.selectFrom('pics.review').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
    return reviewUpload(reviewFromRow(review), 0, ctx.settings);
  }

  beforeAll(async () => {
    h = await startHarness({ workers: true });
    const links = await h.producer.enqueueRefreshLinks('cli');
    await h.waitForJob(h.producer.queues[QUEUE.refreshLinks], links.jobId);
    const learnerId = await h.producer.resolveLearnerIdent('L0001');
    const enrol = await h.producer.enqueueEnrol(learnerId, { pathways: { 3: 41301 } });
    expect((await h.waitForJob(h.producer.queues[QUEUE.enrol], enrol.jobId)).failedReason).toBeUndefined();
    const settings = (await readOneFileSettings(h.t.db))!;
    const client = createOneFileClientFactory({ redis: h.redis.redis, config: h.config })(settings);
    ctx = { db: h.t.db, client, settings, logger: createLogger({ level: 'silent', pretty: false }) };
    const learner = await h.t.db.selectFrom('pics.learner').select(['onefile_id']).where('id', '=', learnerId).executeTakeFirstOrThrow();
    const assessor = h.sim.state.users.get(learner.onefile_id!)!.DefaultAssessorID!;
    target = { learnerId, learnerOneFileId: learner.onefile_id!, organisationId: settings.organisationId!, assessorId: assessor };
  }, 120_000);
  afterAll(async () => {
    await h.close();
  });

  it('several jobs uploading the same review at once, each from a search made before any of them: one review, one visit', async () => {
    const upload = await newPicsReview('2027-07-01');
    const before = reviewsInOneFile().length;
    const results = await Promise.all([0, 1, 2, 3].map(() => uploadReviewOnce(ctx, target, upload, [])));
    expect(results.map((r) => r.how).sort()).toEqual(['already-in-pics', 'already-in-pics', 'already-in-pics', 'created']);
    expect(new Set(results.map((r) => r.oneFileReviewId)).size).toBe(1);
    expect(reviewsInOneFile().length).toBe(before + 1);
    expect(h.sim.duplicates()).toMatchObject({ total: 0 });
    const pics = await h.t.db.selectFrom('pics.review').select('onefile_system_id').where('id', '=', upload.reviewId).executeTakeFirstOrThrow();
    expect(pics.onefile_system_id).toBe(results[0]!.oneFileReviewId);
  });

  it('an earlier attempt made the review but died before PICS heard, and the caller searched before it: adopted, not made twice', async () => {
    const upload = await newPicsReview('2027-07-08');
    // What the dead attempt left: its visit step, and the review in OneFile, unknown to PICS.
    const visit = h.sim.state.visits.insert({ LearnerID: target.learnerOneFileId, AssessorID: target.assessorId, DateFrom: upload.scheduledFor, DateTo: upload.endTime });
    await recordEnrolStep(h.t.db, target.learnerId, `visit:${upload.reviewId}`, String(visit.ID));
    const left = h.sim.state.reviews.insert({ LearnerID: target.learnerOneFileId, AssessorID: target.assessorId, ScheduledFor: upload.scheduledFor, EndTime: upload.endTime, VisitID: visit.ID });
    const before = reviewsInOneFile().length;
    const result = await uploadReviewOnce(ctx, target, upload, []);
    expect(result).toEqual({ oneFileReviewId: left.ID, how: 'adopted' });
    expect(reviewsInOneFile().length).toBe(before);
  });

  it('a retry after a failed POST /Review reuses the visit it recorded', async () => {
    const upload = await newPicsReview('2027-07-15');
    const visit = h.sim.state.visits.insert({ LearnerID: target.learnerOneFileId, AssessorID: target.assessorId, DateFrom: upload.scheduledFor, DateTo: upload.endTime });
    await recordEnrolStep(h.t.db, target.learnerId, `visit:${upload.reviewId}`, String(visit.ID));
    const visitsBefore = h.sim.state.visits.size;
    const result = await uploadReviewOnce(ctx, target, upload, []);
    expect(result.how).toBe('created');
    expect(h.sim.state.visits.size).toBe(visitsBefore);
    expect(h.sim.state.reviews.get(result.oneFileReviewId)?.VisitID).toBe(visit.ID);
  });

  it('a review found in the caller\'s search at the same time is adopted without a call', async () => {
    const upload = await newPicsReview('2027-07-22');
    const existing = h.sim.state.reviews.insert({ LearnerID: target.learnerOneFileId, AssessorID: target.assessorId, ScheduledFor: upload.scheduledFor, EndTime: upload.endTime });
    h.sim.resetStats();
    const unclaimed: OneFileReviewSummary[] = [
      { id: 1, learnerId: target.learnerOneFileId, scheduledFor: '2027-07-22T11:00:00.000Z', full: null },
      { id: existing.ID, learnerId: target.learnerOneFileId, scheduledFor: upload.scheduledFor, full: null },
    ];
    const result = await uploadReviewOnce(ctx, target, upload, unclaimed);
    expect(result).toEqual({ oneFileReviewId: existing.ID, how: 'adopted' });
    expect(unclaimed).toHaveLength(1); // taken from the list, so a second upload cannot adopt it too
    expect(h.sim.stats().total).toBe(0);
  });
});
