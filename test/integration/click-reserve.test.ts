import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Job } from 'bullmq';
import { QUEUE } from '../../src/queues/names.js';
import { startHarness, type Harness } from '../helpers/harness.js';

/*
 * Issue 21: a Refresh with OneFile is taken at once even while every daily worker slot holds a child (the
 * click reserve, src/jobs/click-reserve.ts). One daily slot, and a budget so slow that a child holds it for
 * seconds (OneFile answers a second late): the click must start before the child that held the slot when it
 * was queued has finished. Order of the workers' own timestamps, not a duration. With CLICK_RESERVE_OFF=1 (the
 * reserve off: WORKER_CLICK_POLL_MS=0) it fails: the click waits for that child.
 */

describe('the click reserve on the daily queue (issue 21)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { DAILY_SYNC_CONCURRENCY: '1', ...(process.env.CLICK_RESERVE_OFF ? { WORKER_CLICK_POLL_MS: '0' } : {}) } });
    const links = await h.producer.enqueueRefreshLinks('cli');
    await h.waitForJob(h.producer.queues[QUEUE.refreshLinks], links.jobId);
    // Three learners enrolled: the daily run's scope.
    for (const ident of ['L0001', 'L0002', 'L0003']) {
      const { jobId } = await h.producer.enqueueEnrol(await h.producer.resolveLearnerIdent(ident), { pathways: { 3: 41301 } });
      expect((await h.waitForJob(h.producer.queues[QUEUE.enrol], jobId)).failedReason).toBeUndefined();
    }
  }, 90_000);
  afterAll(async () => {
    await h.close();
  });

  it('a Refresh with OneFile queued while a daily child holds the only slot starts before that child ends', async () => {
    // OneFile answers each call a second late: a child holds the only daily slot for seconds.
    h.sim.setFaults({ latency: { kind: 'fixed', ms: 1_000 } });
    const queue = h.producer.queues[QUEUE.dailySync];
    const run = await h.producer.enqueueDailyRun();
    // Wait until a child holds the slot.
    let child: Job | undefined;
    for (const deadline = Date.now() + 30_000; !child && Date.now() < deadline;) {
      child = (await queue.getActive()).find((j) => j.name === 'sync-learner');
      if (!child) await new Promise((r) => setTimeout(r, 20));
    }
    expect(child).toBeDefined();
    const refreshLearner = (await h.t.db.selectFrom('pics.learner').select('id').where('onefile_id', 'is not', null).orderBy('id', 'desc').executeTakeFirstOrThrow()).id;
    const click = await h.producer.enqueueLearnerSync(refreshLearner);
    const refresh = await h.waitForJob(queue, click.jobId);
    const heldSlot = await h.waitForJob(queue, child!.id!);
    expect(refresh.failedReason).toBeUndefined();
    expect(refresh.processedOn!).toBeLessThan(heldSlot.finishedOn!);
    await h.waitForJob(queue, run.jobId, 120_000);
    h.sim.setFaults({ latency: { kind: 'none' } });
  }, 120_000);
});
