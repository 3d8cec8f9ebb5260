import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jobDefinitions, queueWorkers } from '../../src/jobs/registry.js';
import { JOB_NAME } from '../../src/queues/job-options.js';
import { ALL_QUEUES, QUEUE } from '../../src/queues/names.js';
import { startHarness, type Harness } from '../helpers/harness.js';

// Issue 18 item 3: one registry keyed by job name builds one dispatcher per queue; a job nobody defines fails
// at once, saying so, instead of being read as another job's data.

describe('the job registry', () => {
  const definitions = jobDefinitions(Object.assign(() => { throw new Error('not called'); }, {}) as never);

  it('defines every job name once per queue, and a worker for every queue', () => {
    // enrol-learner runs on two queues (clicks, and cohort batches behind them: issue 21), one definition on each.
    expect([...new Set(definitions.map((d) => d.name))].sort()).toEqual(Object.values(JOB_NAME).sort());
    const keys = definitions.map((d) => `${d.queue}/${d.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(definitions.filter((d) => d.name === JOB_NAME.enrol).map((d) => d.queue).sort()).toEqual([QUEUE.enrol, QUEUE.enrolBatch].sort());
    expect(queueWorkers(definitions).map((w) => w.queue).sort()).toEqual([...ALL_QUEUES].sort());
  });

  it('refuses two definitions of one name on one queue', () => {
    expect(() => queueWorkers([...definitions, definitions[0]!])).toThrow(/two job definitions named enrol-learner/);
  });
});

describe('a job of a name no definition has', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ seed: false });
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });

  it('fails at once (one attempt), naming the name and the queue, with its outcome recorded', async () => {
    const queue = h.producer.queues[QUEUE.refreshLinks];
    await queue.add('refresh-everything', {}, { jobId: 'unknown-name-1', attempts: 5 });
    const job = await h.waitForJob(queue, 'unknown-name-1');
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(/no job named "refresh-everything" runs on refresh-qualification-links/);
    const outcome = await h.t.db.selectFrom('eportfolio_sync.job_outcome').selectAll().where('job_id', '=', 'unknown-name-1').executeTakeFirstOrThrow();
    expect(outcome).toMatchObject({ queue: QUEUE.refreshLinks, outcome: 'failed' });
  });
});
