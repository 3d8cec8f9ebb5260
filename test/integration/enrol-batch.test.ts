import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Job } from 'bullmq';
import { withEntityLock } from '../../src/db/entity-lock.js';
import { readOneFileSettings } from '../../src/pics/index.js';
import { jobIds } from '../../src/queues/job-options.js';
import { QUEUE } from '../../src/queues/names.js';
import { startHarness, type Harness } from '../helpers/harness.js';

/*
 * Issue 21: a cohort enrolled as one batch, queued behind single clicks. Real daemon, Redis, Postgres and
 * simulator. Order is asserted, never time: which job a worker took first, which lane each OneFile call
 * waited in (the shared budget's own counters), what the batch's progress says.
 */

const PATHWAY = { 3: 41301 }; // Business Administrator's first pathway (Q2), for every learner of the batch

describe('enrol a cohort as a batch (issue 21)', () => {
  let h: Harness;
  const ident = (n: number) => `L${String(n).padStart(4, '0')}`;
  const idOf = (n: number) => h.producer.resolveLearnerIdent(ident(n));
  const waitAll = async (queue: keyof typeof QUEUE, ids: string[]) => Promise.all(ids.map((id) => h.waitForJob(h.producer.queues[QUEUE[queue]], id)));

  beforeAll(async () => {
    // One worker slot per enrol queue: a click would find the batch's only slot busy, and must not need it.
    h = await startHarness({ env: { ENROL_CONCURRENCY: '1', ENROL_BATCH_CONCURRENCY: '1' } });
    const links = await h.producer.enqueueRefreshLinks('cli');
    await h.waitForJob(h.producer.queues[QUEUE.refreshLinks], links.jobId);
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });

  it('queues each learner on the enrol-batch queue, refuses the unknown and the enrolled at once, and reports progress to the end with the E8 problems', async () => {
    const [a, b, noEmail] = await Promise.all([idOf(30), idOf(31), idOf(7)]);
    const enrolled = await idOf(32);
    await h.t.db.updateTable('pics.learner').set({ onefile_id: 9_990_032 }).where('id', '=', enrolled).execute();
    const answer = await h.producer.enqueueEnrolBatch([a, b, noEmail, enrolled, 999_999], { pathways: PATHWAY }, 'cli');
    expect(answer.learners.map((m) => [m.learnerId, m.admitted, m.jobId])).toEqual([
      [a, 'queued', jobIds.batchEnrol(a)], [b, 'queued', jobIds.batchEnrol(b)], [noEmail, 'queued', jobIds.batchEnrol(noEmail)],
      [enrolled, 'refused', null], [999_999, 'refused', null],
    ]);
    expect(answer.learners[3]!.refusal).toMatchObject({ code: 'already-enrolled' });
    expect(answer.learners[4]!.refusal).toEqual({ code: 'unknown-learner', message: 'learner #999999 does not exist in PICS' });
    const jobs = await waitAll('enrolBatch', [a, b, noEmail].map(jobIds.batchEnrol));
    expect(jobs.map((j) => j.data)).toEqual([a, b, noEmail].map((learnerId) => ({ learnerId, batchId: answer.batchId, pathways: { 3: 41301 } })));
    expect(await h.producer.queues[QUEUE.enrol].getJob(jobIds.enrol(a))).toBeUndefined(); // not on the clicks' queue

    const progress = await h.producer.enrolBatchProgress(answer.batchId);
    expect(progress).toMatchObject({
      learners: 5, finished: true, failuresTotal: 3,
      admitted: { queued: 3, 'already-queued': 0, refused: 2 },
      states: { queued: 0, running: 0, completed: 2, failed: 1, refused: 0, 'refused-when-asked': 2 },
    });
    expect(progress!.failures).toEqual([
      { learnerId: noEmail, state: 'failed', code: 'invalid', message: expect.stringContaining('L0007'), problems: [{ field: 'email', message: 'learner L0007 has no email' }] },
      expect.objectContaining({ learnerId: enrolled, state: 'refused-when-asked', code: 'already-enrolled' }),
      expect.objectContaining({ learnerId: 999_999, state: 'refused-when-asked', code: 'unknown-learner' }),
    ].sort((x, y) => (x as { learnerId: number }).learnerId - (y as { learnerId: number }).learnerId));
    expect(await h.producer.enrolBatchProgress(answer.batchId + 1000)).toBeNull();
  });

  it('a click queued behind a cohort runs before the cohort is through, its OneFile calls in the interactive lane, the cohort\'s in the batch lane', async () => {
    const cohort = await Promise.all([40, 41, 42, 43, 44, 45].map(idOf));
    const clickLearner = await idOf(46);
    const budget = h.daemon.createClient.budget;
    const before = budget.stats().acquiredByLane;
    await h.producer.enqueueEnrolBatch(cohort, { pathways: PATHWAY }, 'cli');
    const click = await h.producer.enqueueEnrol(clickLearner, { pathways: PATHWAY });
    const [clickJob] = await waitAll('enrol', [click.jobId]);
    const batchJobs = await waitAll('enrolBatch', cohort.map(jobIds.batchEnrol));
    expect(clickJob!.failedReason).toBeUndefined();
    expect(batchJobs.map((j) => j.failedReason)).toEqual(cohort.map(() => undefined));
    // Order (the workers' own timestamps): the click, queued after all six, was done before the last of them began.
    expect(clickJob!.finishedOn!).toBeLessThan(Math.max(...batchJobs.map((j) => j.processedOn!)));
    // Each call waited in its job's lane: the click's calls (its return value counts them) interactive; the cohort's
    // batch, but for those made holding a lock the click may wait for (a shared classroom, assessor or placement),
    // which go interactive too (priority inheritance, the test above).
    const after = budget.stats().acquiredByLane;
    const calls = (job: Job) => (job.returnvalue as { callsMade: number }).callsMade;
    const cohortCalls = batchJobs.reduce((sum, j) => sum + calls(j), 0);
    const inherited = after.interactive - before.interactive - calls(clickJob!);
    expect(after.batch - before.batch + inherited).toBe(cohortCalls);
    expect(inherited).toBeGreaterThanOrEqual(0);
    expect(after.batch - before.batch).toBeGreaterThanOrEqual(cohortCalls * 0.6); // most of a cohort's calls hold no shared lock
  });
  it('calls made while holding a lock a click may wait for go in the interactive lane (priority inheritance); a per-learner lock keeps the job\'s lane', async () => {
    const settings = (await readOneFileSettings(h.t.db))!;
    const client = h.daemon.createClient(settings, { lane: 'batch' });
    await client.customer(); // the session (a login is always interactive) before counting
    const budget = h.daemon.createClient.budget;
    const before = budget.stats().acquiredByLane;
    await client.customer();
    await withEntityLock(h.t.db, 'onefile:classroom:5740:test room', () => client.customer());
    await withEntityLock(h.t.db, 'onefile:reviews:30', () => client.customer(), { clicksWait: false });
    const after = budget.stats().acquiredByLane;
    expect({ interactive: after.interactive - before.interactive, batch: after.batch - before.batch }).toEqual({ interactive: 1, batch: 2 });
  });
});

describe('a cohort and the clicks of its learners (issue 21)', () => {
  // No workers: every job stays where the producer put it, so what is queued where is read as it was left.
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ workers: false });
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });

  it('a learner already queued by a click stays a click; a click on a learner the batch has not started takes it over', async () => {
    const [c, d, e] = (await Promise.all(['L0033', 'L0034', 'L0035'].map((i) => h.producer.resolveLearnerIdent(i)))) as [number, number, number];
    const click = await h.producer.enqueueEnrol(c, { pathways: PATHWAY });
    const answer = await h.producer.enqueueEnrolBatch([c, d, e], { pathways: PATHWAY }, 'cli');
    expect(answer.learners.map((m) => [m.learnerId, m.admitted, m.jobId])).toEqual([
      [c, 'already-queued', click.jobId], [d, 'queued', jobIds.batchEnrol(d)], [e, 'queued', jobIds.batchEnrol(e)],
    ]);
    expect(await h.producer.queues[QUEUE.enrolBatch].getJob(jobIds.batchEnrol(c))).toBeUndefined();
    // A second batch naming the same learners queues nothing twice.
    const again = await h.producer.enqueueEnrolBatch([d, e], { pathways: PATHWAY }, 'cli');
    expect(again.learners.map((m) => [m.admitted, m.jobId])).toEqual([['already-queued', jobIds.batchEnrol(d)], ['already-queued', jobIds.batchEnrol(e)]]);
    // A click on d, whose batch job waits: d becomes a click, and its enrol row names the click's job.
    const promoted = await h.producer.enqueueEnrol(d, { pathways: PATHWAY });
    expect(promoted).toMatchObject({ queued: true, jobId: jobIds.enrol(d) });
    expect(await h.producer.queues[QUEUE.enrolBatch].getJob(jobIds.batchEnrol(d))).toBeUndefined();
    expect(await h.producer.queues[QUEUE.enrolBatch].getJob(jobIds.batchEnrol(e))).toBeDefined();
    expect((await h.producer.enrolStatus(d))?.jobId).toBe(jobIds.enrol(d));
    // The batch still counts all three, by their enrols: queued, whichever job will do them.
    expect(await h.producer.enrolBatchProgress(answer.batchId)).toMatchObject({
      learners: 3, finished: false, admitted: { queued: 2, 'already-queued': 1, refused: 0 }, states: { queued: 3 },
    });
  });

  it('a click on a learner whose cohort enrol is running is answered with that job, not queued twice', async () => {
    const f = await h.producer.resolveLearnerIdent('L0036');
    await h.producer.enqueueEnrolBatch([f], {}, 'cli');
    // A worker takes the job (as the daemon's would), so it is active and locked.
    const { Worker } = await import('bullmq');
    const worker = new Worker(QUEUE.enrolBatch, null, { connection: { url: h.config.redis.url, maxRetriesPerRequest: null }, prefix: h.config.redis.prefix, autorun: false });
    try {
      // The earlier test's e waits before it (FIFO): take both.
      const taken = [await worker.getNextJob('test-token-1'), await worker.getNextJob('test-token-2')];
      expect(taken.map((j) => j?.id)).toEqual([jobIds.batchEnrol(await h.producer.resolveLearnerIdent('L0035')), jobIds.batchEnrol(f)]);
      const answer = await h.producer.enqueueEnrol(f);
      expect(answer).toEqual({ jobId: jobIds.batchEnrol(f), queued: false, state: 'active', queue: QUEUE.enrolBatch });
      expect(await h.producer.queues[QUEUE.enrol].getJob(jobIds.enrol(f))).toBeUndefined();
    } finally {
      await worker.close(true);
    }
  });
});
