import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Job } from 'bullmq';
import { QUEUE } from '../../src/queues/names.js';
import { ukToday } from '../../src/domain/dates.js';
import { readRun } from '../../src/store/runs.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { enrolableLearners, preEnrol } from '../reliability/support.js';

/*
 * Honest run outcomes. D11 is tracked per learner: A and B are linked to OneFile by hand (their first sync is
 * still to come), C is enrolled by the worker (its enrol uploaded its reviews by E3, so that counts). Each has
 * a past normal PICS review with a blank attendance and no actual date: only a first sync uploads that (D11).
 * D10: a run that synced nobody is failed and names who failed and why; only a run that synced writes Last
 * Synchronised. The simulator fails every call about chosen OneFile learners (faults.learners).
 */

const CHOICES = { pathways: { 3: 41301 } };
const FAIL_EVERY_CALL = { errors: { rate: 1, statuses: [503], when: 'before' as const } };

interface Learner { id: number; ident: string; onefileId: number }

describe('honest run outcomes (D10, D11)', () => {
  let h: Harness;
  let a: Learner;
  let b: Learner;
  let c: Learner;
  const pastDate = (daysAgo: number) => new Date(Date.parse(ukToday()) - daysAgo * 86_400_000).toISOString().slice(0, 10);

  async function runDaily(): Promise<Job> {
    const { jobId } = await h.producer.enqueueDailyRun();
    return h.waitForJob(h.producer.queues[QUEUE.dailySync], jobId, 120_000);
  }

  /** A past normal review, attendance blank, no actual date: D11's to upload, never D5's or E3's. */
  async function pastUnattendedReview(learnerId: number, daysAgo: number): Promise<number> {
    const learner = await h.t.db.selectFrom('pics.learner').select('main_officer_id').where('id', '=', learnerId).executeTakeFirstOrThrow();
    const row = await h.t.db.insertInto('pics.review').values({
      learner_id: learnerId, review_type: 'N', planned_date: pastDate(daysAgo), planned_time: '10:00:00', attended: null, actual_date: null,
      officer_id: learner.main_officer_id,
    }).returning('id').executeTakeFirstOrThrow();
    return row.id;
  }

  /** The review's OneFile learner, once it has been uploaded; null while PICS holds no OneFile id for it. */
  async function uploadedFor(reviewId: number): Promise<number | null> {
    const review = await h.t.db.selectFrom('pics.review').select('onefile_system_id').where('id', '=', reviewId).executeTakeFirstOrThrow();
    return review.onefile_system_id === null ? null : (h.sim.state.reviews.get(review.onefile_system_id)?.LearnerID ?? -1);
  }

  async function learnerRows(runId: number) {
    const rows = await h.t.db.selectFrom('eportfolio_sync.sync_learner').select(['learner_id', 'status', 'first_sync']).where('run_id', '=', runId).execute();
    return Object.fromEntries(rows.map((r) => [r.learner_id, { status: r.status, firstSync: r.first_sync }]));
  }

  const lastSynchronised = async () =>
    (await h.t.db.selectFrom('pics.onefile_settings').select('last_synchronised_at').executeTakeFirstOrThrow()).last_synchronised_at;

  const reviews: Record<string, number> = {};

  beforeAll(async () => {
    h = await startHarness({
      seed: { learners: 12, includeProblemLearners: false },
      simulator: { rateLimit: 0 },
      env: { RETRY_BACKOFF_MS: '50', ONEFILE_CALLS_PER_MINUTE: '60000' },
    });
    const links = await h.producer.enqueueRefreshLinks('cli');
    await h.waitForJob(h.producer.queues[QUEUE.refreshLinks], links.jobId);
    const ids = await enrolableLearners(h.t.db, CHOICES, 3);
    expect(ids).toHaveLength(3);
    for (const [name, id] of [['a', ids[0]!], ['b', ids[1]!], ['c', ids[2]!]] as const) reviews[name] = await pastUnattendedReview(id, 60);
    await preEnrol(h.t.db, h.sim, [ids[0]!, ids[1]!], CHOICES);
    const { jobId } = await h.producer.enqueueEnrol(ids[2]!, CHOICES);
    expect((await h.waitForJob(h.producer.queues[QUEUE.enrol], jobId)).failedReason).toBeUndefined();
    const rows = await h.t.db.selectFrom('pics.learner').select(['id', 'ident', 'onefile_id']).where('id', 'in', ids).orderBy('id').execute();
    [a, b, c] = rows.map((r): Learner => ({ id: r.id, ident: r.ident, onefileId: r.onefile_id! })) as [Learner, Learner, Learner];
    // Only these three are in OneFile, so only they are in the daily scope.
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  it('D11 per learner: one whose first sync failed gets it on its next run; one whose first sync completed, or enrolled by us, does not', async () => {
    h.sim.setFaults({ learners: [a.onefileId], ...FAIL_EVERY_CALL });
    const first = await runDaily();
    h.sim.setFaults({ learners: null, errors: { rate: 0 } });
    expect(first.failedReason).toBeUndefined();
    const run1 = (await readRun(h.t.db))!;
    expect(run1).toMatchObject({ status: 'completed', learnersTotal: 3, learnersSynced: 2, learnersFailed: 1, firstSync: true });
    expect(await learnerRows(run1.id)).toEqual({
      [a.id]: { status: 'failed', firstSync: true }, [b.id]: { status: 'completed', firstSync: true }, [c.id]: { status: 'completed', firstSync: false },
    });
    expect(await uploadedFor(reviews.a!)).toBeNull(); // its sync failed
    expect(await uploadedFor(reviews.b!)).toBe(b.onefileId); // D11 done for B
    expect(await uploadedFor(reviews.c!)).toBeNull(); // C's enrol counted as its first sync

    reviews.b2 = await pastUnattendedReview(b.id, 30);
    expect((await runDaily()).failedReason).toBeUndefined();
    const run2 = (await readRun(h.t.db))!;
    expect(run2).toMatchObject({ status: 'completed', learnersSynced: 3, learnersFailed: 0, firstSync: true });
    expect(await learnerRows(run2.id)).toEqual({
      [a.id]: { status: 'completed', firstSync: true }, [b.id]: { status: 'completed', firstSync: false }, [c.id]: { status: 'completed', firstSync: false },
    });
    expect(await uploadedFor(reviews.a!)).toBe(a.onefileId); // A's first sync, on its next run
    expect(await uploadedFor(reviews.b2!)).toBeNull(); // B's first sync was done in run 1
    expect(await uploadedFor(reviews.c!)).toBeNull();
  }, 180_000);

  it('D11: switching the integration off and on does not make the next run do the first sync again', async () => {
    await h.t.db.updateTable('pics.onefile_settings').set({ integration_enabled: false }).execute();
    const off = await runDaily();
    expect(off.returnvalue).toEqual({ skipped: 'integration disabled' }); // S1
    await h.t.db.updateTable('pics.onefile_settings').set({ integration_enabled: true }).execute();
    reviews.a2 = await pastUnattendedReview(a.id, 20);

    expect((await runDaily()).failedReason).toBeUndefined();
    const run = (await readRun(h.t.db))!;
    expect(run).toMatchObject({ status: 'completed', learnersSynced: 3, firstSync: false });
    expect(Object.values(await learnerRows(run.id)).map((r) => r.firstSync)).toEqual([false, false, false]);
    for (const review of [reviews.a2!, reviews.b2!, reviews.c!]) expect(await uploadedFor(review)).toBeNull();
  }, 120_000);

  it('D10: a run in which every learner failed is failed, names each one (ident only) and why, and leaves Last Synchronised as it was', async () => {
    const before = await lastSynchronised();
    expect(before).not.toBeNull();
    h.sim.setFaults({ learners: [a.onefileId, b.onefileId, c.onefileId], ...FAIL_EVERY_CALL });
    const job = await runDaily();
    h.sim.setFaults({ learners: null, errors: { rate: 0 } });

    const run = (await readRun(h.t.db))!;
    expect(run).toMatchObject({ status: 'failed', learnersTotal: 3, learnersSynced: 0, learnersFailed: 3 });
    expect(run.finishedAt).not.toBeNull();
    for (const learner of [a, b, c]) expect(run.error).toMatch(new RegExp(`${learner.ident}: [^;]*503`));
    const people = await h.t.db.selectFrom('pics.learner').select(['first_name', 'surname', 'email']).where('id', 'in', [a.id, b.id, c.id]).execute();
    for (const p of people) for (const value of [p.first_name, p.surname, p.email]) if (value) expect(run.error).not.toContain(value);
    expect(await lastSynchronised()).toEqual(before);
    // The parent job fails too, with the same reason, so the run shows among failed jobs.
    expect(await job.getState()).toBe('failed');
    expect(job.failedReason).toContain(run.error);
  }, 120_000);
});
