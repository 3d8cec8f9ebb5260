import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pino from 'pino';
import { JOB_NAME } from '../../src/queues/job-options.js';
import { QUEUE } from '../../src/queues/names.js';
import { holdLearner, LearnerBusyError } from '../../src/jobs/learner-exclusive.js';
import { startEnrolledHarness, type Harness } from '../helpers/harness.js';

// SPEC "One learner, one job at a time" (issue 15 item 4): two syncs of one learner that would overlap in
// production (a daily child and a Refresh with OneFile, both reading OneFile at once) never do their work at
// the same moment, so a review made in OneFile reaches PICS once — PICS has no constraint to catch a second.

describe('one learner, one job at a time', () => {
  let h: Harness;
  let learnerId: number;
  const silent = pino({ level: 'silent' });

  beforeAll(async () => {
    ({ h, learnerId } = await startEnrolledHarness({ seed: { learners: 3 } }));
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });

  it('D6: two overlapping syncs of one learner copy a review made in OneFile into PICS once', async () => {
    const learner = await h.t.db.selectFrom('pics.learner as l').innerJoin('pics.officer as o', 'o.id', 'l.main_officer_id')
      .select(['l.onefile_id', 'o.other_system_id']).where('l.id', '=', learnerId).executeTakeFirstOrThrow();
    const made = h.sim.state.reviews.insert({
      LearnerID: learner.onefile_id!, AssessorID: Number(learner.other_system_id), ScheduledFor: '2027-02-02T10:00:00.000Z', EndTime: '2027-02-02T11:00:00.000Z',
    });
    // Every call takes a while, as OneFile's do: both jobs read before either writes, unless they take turns.
    h.sim.setFaults({ latency: { kind: 'fixed', ms: 60 } });
    try {
      const queue = h.producer.queues[QUEUE.dailySync];
      const jobs = await Promise.all(['a', 'b'].map((k) => queue.add(JOB_NAME.syncLearner, { learnerId }, { jobId: `overlap-${k}-${learnerId}` })));
      for (const job of jobs) expect(await (await h.waitForJob(queue, job.id!)).getState()).toBe('completed');
    } finally {
      h.sim.setFaults({ latency: { kind: 'none' } });
    }
    const copies = await h.t.db.selectFrom('pics.review').select('id').where('onefile_system_id', '=', made.ID).execute();
    expect(copies).toHaveLength(1);
  }, 60_000);

  it('a second holder waits, bounded, then steps aside with LearnerBusyError; it gets the learner once released', async () => {
    const signal = new AbortController().signal;
    const first = await holdLearner(h.t.db, 999_001, 'job-1', { ttlMs: 30_000, waitMs: 300, pollMs: 50 }, signal, silent);
    await expect(holdLearner(h.t.db, 999_001, 'job-2', { ttlMs: 30_000, waitMs: 300, pollMs: 50 }, signal, silent)).rejects.toBeInstanceOf(LearnerBusyError);
    await expect(holdLearner(h.t.db, 999_001, 'job-2', { ttlMs: 30_000, waitMs: 300, pollMs: 50 }, signal, silent)).rejects.toThrow(/job job-1/);
    await first.release();
    const second = await holdLearner(h.t.db, 999_001, 'job-2', { ttlMs: 30_000, waitMs: 300, pollMs: 50 }, signal, silent);
    await second.release();
  });

  it('a holder whose lease is taken after it lapsed is aborted before its next call', async () => {
    const held = await holdLearner(h.t.db, 999_002, 'job-3', { ttlMs: 300, waitMs: 100, pollMs: 20 }, new AbortController().signal, silent);
    // Another process takes the learner once the lease has lapsed (here: forced to lapse, as a long pause would).
    await h.t.db.updateTable('eportfolio_sync.learner_lease').set({ holder: 'other', expires_at: new Date(Date.now() + 60_000) }).where('learner_id', '=', 999_002).execute();
    await new Promise<void>((resolve) => held.signal.addEventListener('abort', () => resolve(), { once: true }));
    expect(String(held.signal.reason)).toMatch(/lease on learner #999002 was lost/);
    await held.release();
  });
});
