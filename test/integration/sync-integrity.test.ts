import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Job } from 'bullmq';
import { QUEUE } from '../../src/queues/names.js';
import { ukToday } from '../../src/domain/dates.js';
import type { ReviewRowShape } from '../../src/simulator/options.js';
import { startEnrolledHarness, type Harness } from '../helpers/harness.js';

// Issue 15, items 1–3, the way they happen at a provider: a review held (and signed) weeks before its planned
// date; an attempt that reads a held review and then fails on a later call; a new PICS review whose officer
// has no OneFile account yet. Against the simulator, through Refresh with OneFile jobs.

const REVIEW_GET = 'GET /Review/{id}';
const today = ukToday();
const heldAt = `${today}T09:30:00.000Z`;

const enrolledHarness = (reviewRows: ReviewRowShape) => startEnrolledHarness({ seed: { learners: 4 }, simulator: { reviewRows } });

async function syncNow(h: Harness, learnerId: number): Promise<Job> {
  const { jobId } = await h.producer.enqueueLearnerSync(learnerId);
  const job = await h.waitForJob(h.producer.queues[QUEUE.dailySync], jobId);
  expect(job.failedReason).toBeUndefined();
  return job;
}

const getCalls = (h: Harness) => Object.values(h.sim.stats().byEndpoint[REVIEW_GET] ?? {}).reduce((a, b) => a + b, 0);

/** A future review the enrol uploaded (E3), and a second PICS officer linked to OneFile to hold it (D6 officer match). */
async function futureUploadedReview(h: Harness, learnerId: number) {
  const review = await h.t.db.selectFrom('pics.review').selectAll().where('learner_id', '=', learnerId)
    .where('onefile_system_id', 'is not', null).where('planned_date', '>', today).orderBy('planned_date').executeTakeFirstOrThrow();
  const learner = await h.t.db.selectFrom('pics.learner').select('main_officer_id').where('id', '=', learnerId).executeTakeFirstOrThrow();
  const holder = await h.t.db.selectFrom('pics.officer').select(['id', 'other_system_id']).where('other_system_id', 'is not', null)
    .where('id', '!=', learner.main_officer_id!).orderBy('id').executeTakeFirstOrThrow();
  return { review, holderOfficerId: holder.id, holderOneFileId: Number(holder.other_system_id) };
}

describe.each(['minimal', 'status', 'full'] as const)('D6 a review held before its planned date (review search rows: %s)', (shape) => {
  let h: Harness;
  let learnerId: number;
  beforeAll(async () => {
    ({ h, learnerId } = await enrolledHarness(shape));
  }, 90_000);
  afterAll(async () => {
    await h.close();
  });

  it('reaches PICS at the next sync: attended Y, actual date, trainee signed date and officer', async () => {
    const { review, holderOfficerId, holderOneFileId } = await futureUploadedReview(h, learnerId);
    expect(review).toMatchObject({ attended: 'U', actual_date: null });
    await syncNow(h, learnerId); // a first sync that finds nothing held yet
    h.sim.seed({ reviews: [{ ID: review.onefile_system_id!, AssessorID: holderOneFileId, StartedOn: heldAt, AssessorSignedOn: heldAt, LearnerSignedOn: heldAt }] });
    h.sim.resetStats();
    await syncNow(h, learnerId);
    const after = await h.t.db.selectFrom('pics.review').selectAll().where('id', '=', review.id).executeTakeFirstOrThrow();
    expect(after).toMatchObject({ attended: 'Y', actual_date: today, trainee_signed_date: today, officer_id: holderOfficerId, planned_date: review.planned_date });
    // Rows carrying what D6 reads cost no GET; thinner rows cost one per open review.
    // Every review PICS holds a OneFile id for is open before this sync (all planned, none held yet).
    const uploaded = await h.t.db.selectFrom('pics.review').select('id').where('learner_id', '=', learnerId).where('onefile_system_id', 'is not', null).execute();
    expect(uploaded.length).toBeGreaterThan(0);
    expect(getCalls(h)).toBe(shape === 'full' ? 0 : uploaded.length);
    // Complete now: the next sync does not read it again, whatever the rows.
    const openBefore = getCalls(h);
    h.sim.resetStats();
    await syncNow(h, learnerId);
    expect(getCalls(h)).toBe(shape === 'full' ? 0 : openBefore - 1);
  }, 60_000);
});

describe('issue 15 item 2, item 3: nothing seen before PICS has it; review officers as at enrol', () => {
  let h: Harness;
  let learnerId: number;
  beforeAll(async () => {
    ({ h, learnerId } = await enrolledHarness('minimal'));
  }, 90_000);
  afterAll(async () => {
    await h.close();
  });

  /**
   * Holds one of the learner's future reviews in OneFile, makes the call after the review reads (the learner's
   * GET, with demographics pull) fail with `status`, and checks PICS has nothing of it after the first attempt
   * and everything once the call answers again.
   */
  async function failAfterReads(status: number, attemptEnded: (job: Job) => Promise<boolean>) {
    const { review } = await futureUploadedReview(h, learnerId);
    await h.t.db.updateTable('pics.review').set({ attended: 'U', actual_date: null, trainee_signed_date: null }).where('id', '=', review.id).execute();
    await h.t.db.deleteFrom('eportfolio_sync.review_state').where('onefile_review_id', '=', review.onefile_system_id!).execute();
    h.sim.seed({ reviews: [{ ID: review.onefile_system_id!, StartedOn: heldAt, LearnerSignedOn: heldAt }] });
    await h.t.db.updateTable('pics.onefile_settings').set({ learner_demographics_mode: 'pull' }).execute();
    h.sim.setFaults({ endpoints: ['GET /User/{id}'], errors: { rate: 1, statuses: [status], when: 'before' } });
    try {
      const { jobId } = await h.producer.enqueueLearnerSync(learnerId);
      const queue = h.producer.queues[QUEUE.dailySync];
      for (let job = await queue.getJob(jobId); !job || !(await attemptEnded(job)); job = await queue.getJob(jobId)) await new Promise((r) => setTimeout(r, 50));
      // The first attempt read the review (held and signed: complete) and stopped before writing PICS.
      const between = await h.t.db.selectFrom('pics.review').select('attended').where('id', '=', review.id).executeTakeFirstOrThrow();
      expect(between.attended).toBe('U');
      h.sim.setFaults({ errors: { rate: 0 } });
      const job = await h.waitForJob(queue, jobId);
      expect(await job.getState()).toBe('completed');
    } finally {
      h.sim.setFaults({ endpoints: null, errors: { rate: 0 } });
      await h.t.db.updateTable('pics.onefile_settings').set({ learner_demographics_mode: 'none' }).execute();
    }
    const after = await h.t.db.selectFrom('pics.review').selectAll().where('id', '=', review.id).executeTakeFirstOrThrow();
    expect(after).toMatchObject({ attended: 'Y', actual_date: today, trainee_signed_date: today });
  }

  it('D6: an attempt that reads a held review, then fails on a later call (5xx), writes it on its retry', async () => {
    await failAfterReads(503, async (job) => job.attemptsMade >= 1);
  }, 60_000);

  it('D6: an attempt that reads a held review, then is delayed for the budget (429 on a later call), writes it when it runs again', async () => {
    // A 429 pushes the shared budget back: the call waits (or the job is delayed), it does not fail.
    const refused = () => h.sim.stats().byEndpoint['GET /User/{id}']?.['429'] ?? 0;
    h.sim.resetStats();
    await failAfterReads(429, async (job) => refused() >= 1 && job.attemptsMade === 0);
  }, 60_000);

  async function newReviewWith(officer: { email: string | null }) {
    const ident = `OX${Math.floor(Math.random() * 1e6)}`.slice(0, 10);
    const o = await h.t.db.insertInto('pics.officer').values({ ident, forenames: 'Rita', surname: 'Reviewer', email: officer.email })
      .returning('id').executeTakeFirstOrThrow();
    const r = await h.t.db.insertInto('pics.review').values({
      learner_id: learnerId, review_type: 'N', planned_date: '2027-06-07', planned_time: '11:00:00', attended: 'U', officer_id: o.id,
    }).returning('id').executeTakeFirstOrThrow();
    return { officerId: o.id, ident, reviewId: r.id };
  }
  const mainOfficerOneFileId = async () => {
    const row = await h.t.db.selectFrom('pics.learner as l').innerJoin('pics.officer as o', 'o.id', 'l.main_officer_id')
      .select('o.other_system_id').where('l.id', '=', learnerId).executeTakeFirstOrThrow();
    return Number(row.other_system_id);
  };

  it('D5: a new review\'s officer without a OneFile account is created as an assessor (E4), not replaced by the main officer', async () => {
    const { officerId, ident, reviewId } = await newReviewWith({ email: 'rita.reviewer@provider.example' });
    await syncNow(h, learnerId);
    const officer = await h.t.db.selectFrom('pics.officer').select('other_system_id').where('id', '=', officerId).executeTakeFirstOrThrow();
    expect(officer.other_system_id).not.toBeNull();
    const assessor = h.sim.state.users.get(Number(officer.other_system_id))!;
    expect(assessor).toMatchObject({ Role: 5, MISID: ident, LastName: 'Reviewer' });
    const review = await h.t.db.selectFrom('pics.review').select('onefile_system_id').where('id', '=', reviewId).executeTakeFirstOrThrow();
    expect(h.sim.state.reviews.get(review.onefile_system_id!)?.AssessorID).toBe(assessor.ID);
    expect(assessor.ID).not.toBe(await mainOfficerOneFileId());
  }, 60_000);

  it('D5: where no account can be made the main officer stands in, the reason is kept, and D6 never copies the stand-in back', async () => {
    const { officerId, reviewId } = await newReviewWith({ email: null });
    await syncNow(h, learnerId);
    const review = await h.t.db.selectFrom('pics.review').select(['onefile_system_id', 'officer_id']).where('id', '=', reviewId).executeTakeFirstOrThrow();
    const main = await mainOfficerOneFileId();
    expect(h.sim.state.reviews.get(review.onefile_system_id!)?.AssessorID).toBe(main);
    const state = await h.t.db.selectFrom('eportfolio_sync.review_state').select(['stand_in_assessor_id', 'stand_in_reason'])
      .where('onefile_review_id', '=', review.onefile_system_id!).executeTakeFirstOrThrow();
    expect(state.stand_in_assessor_id).toBe(main);
    expect(state.stand_in_reason).toMatch(/no email/);
    const audit = await h.t.db.selectFrom('eportfolio_sync.audit').select(['field', 'new_value']).where('learner_id', '=', learnerId)
      .where('row_id', '=', String(reviewId)).execute();
    expect(audit.map((a) => a.field)).toEqual(expect.arrayContaining(['onefile_system_id', 'stand_in_assessor']));
    // Held in OneFile under the stand-in: PICS gets attendance, and keeps its own officer.
    h.sim.seed({ reviews: [{ ID: review.onefile_system_id!, StartedOn: heldAt }] });
    await syncNow(h, learnerId);
    const after = await h.t.db.selectFrom('pics.review').select(['attended', 'officer_id']).where('id', '=', reviewId).executeTakeFirstOrThrow();
    expect(after).toEqual({ attended: 'Y', officer_id: officerId });
  }, 60_000);
});
