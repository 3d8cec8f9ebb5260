import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { enqueueDirectoryRefresh } from '../../src/producer/directory.js';
import { QUEUE } from '../../src/queues/names.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { firstAttemptOver } from './support.js';

// A site runs one ePortfolio: with both integrations switched on in PICS, every job stops with a clear
// configuration error and calls neither OneFile nor Smart Assessor.

const MESSAGE = 'both the OneFile and the Smart Assessor integrations are enabled in PICS';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ smartAssessor: true });
  await h.t.db.updateTable('pics.onefile_settings').set({ integration_enabled: true }).execute();
  h.sim.resetStats();
});
afterAll(() => h.close());

describe('both integrations enabled', () => {
  it.each([
    ['enrol-learner', async () => ({ queue: QUEUE.enrol, ...(await h.producer.enqueueEnrol(await h.producer.resolveLearnerIdent('L0002'))) })],
    ['refresh-directory', async () => ({ queue: QUEUE.refreshLinks, ...(await enqueueDirectoryRefresh(h.producer.queues)) })],
    ['refresh-qualification-links', async () => ({ queue: QUEUE.refreshLinks, ...(await h.producer.enqueueRefreshLinks('cli')) })],
    ['the daily sync', async () => ({ queue: QUEUE.dailySync, ...(await h.producer.enqueueDailyRun()) })],
  ])('%s fails with the configuration error', async (_job, enqueue) => {
    const { queue, jobId } = await enqueue();
    const { job } = await firstAttemptOver(h.producer.queues[queue], jobId);
    expect(job.failedReason).toContain(MESSAGE);
    expect(job.failedReason).toContain('disable one of them');
  });

  it('the directory refresh fails for good at once: a setting to fix, not something to retry', async () => {
    const { jobId } = await enqueueDirectoryRefresh(h.producer.queues);
    const { job, state } = await firstAttemptOver(h.producer.queues[QUEUE.refreshLinks], jobId);
    expect(state).toBe('failed');
    expect(job.attemptsMade).toBe(1);
  });

  it('nothing was called in either ePortfolio', () => {
    expect(h.sim.stats().total).toBe(0);
    expect(h.sim.smartAssessor.requests()).toEqual([]);
  });
});
