import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { QUEUE } from '../../src/queues/names.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { firstAttemptOver, operations } from './support.js';

// E7's standard for Smart Assessor: the simulator does the write and then drops the connection, so the
// worker never learns the new id (exactly as if it had died); the job's retry runs; the duplicate check
// must find nothing, and PICS holds the one id Smart Assessor made.

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ smartAssessor: true });
});
afterAll(() => h.close());
beforeEach(() => {
  h.sim.setFaults({ endpoints: null, drops: { rate: 0 } });
  h.sim.smartAssessor.clearRequests();
});

async function crashThenRetry(ident: string, operation: string) {
  const learnerId = await h.producer.resolveLearnerIdent(ident);
  h.sim.setFaults({ endpoints: [`SOAP ${operation}`], drops: { rate: 1, when: 'after' } });
  const queue = h.producer.queues[QUEUE.enrol];
  const { jobId } = await h.producer.enqueueEnrol(learnerId);
  const { state } = await firstAttemptOver(queue, jobId);
  expect(state).toBe('delayed'); // a lost answer is transient: the job waits for its retry
  expect(h.sim.stats().byEndpoint[`SOAP ${operation}`]?.dropped).toBe(1);
  h.sim.setFaults({ endpoints: null, drops: { rate: 0 } });
  await (await queue.getJob(jobId))!.promote();
  const job = await h.waitForJob(queue, jobId);
  const learner = await h.t.db.selectFrom('pics.learner').select(['id', 'smartassessor_id']).where('id', '=', learnerId).executeTakeFirstOrThrow();
  return { job, learner };
}

describe('E7 for Smart Assessor: a crash after each write, then the retry', () => {
  it('after inserLearnerDetail: the retry finds the learner under its MIS id, never a second learner', async () => {
    const { job, learner } = await crashThenRetry('L0002', 'inserLearnerDetail');
    expect(await job.getState()).toBe('completed');
    expect(job.attemptsMade).toBe(2);
    const inSa = [...h.sim.smartAssessor.state.learners.values()].filter((l) => l.SunesisId === 'L0002');
    expect(inSa).toHaveLength(1);
    expect(learner.smartassessor_id).toBe(inSa[0]!.SmartAssessorId);
    expect(operations(h).filter((op) => op === 'inserLearnerDetail')).toHaveLength(1);
    expect(h.sim.smartAssessor.duplicates()).toMatchObject({ total: 0 });
  });

  it('after inserEmployerDetail: the retry finds the employer, stores its id, and creates it once', async () => {
    const { job } = await crashThenRetry('L0003', 'inserEmployerDetail');
    expect(await job.getState()).toBe('completed');
    const employers = [...h.sim.smartAssessor.state.employers.values()].filter((e) => e.SunesisId === 'E0004');
    expect(employers).toHaveLength(1);
    const org = await h.t.db.selectFrom('pics.organisation').select('additional_id').where('ident', '=', 'E0004').executeTakeFirstOrThrow();
    expect(org.additional_id).toBe(employers[0]!.SmartAssessorId);
    expect(h.sim.smartAssessor.duplicates()).toMatchObject({ total: 0 });
  });

  it('two learners at one new employer, enrolled at once: one employer', async () => {
    // L0004 and L0010 both work for E0005, which Smart Assessor does not have yet.
    const ids = await Promise.all(['L0004', 'L0010'].map((ident) => h.producer.resolveLearnerIdent(ident)));
    const queue = h.producer.queues[QUEUE.enrol];
    const jobs = await Promise.all(ids.map((id) => h.producer.enqueueEnrol(id)));
    for (const { jobId } of jobs) expect(await (await h.waitForJob(queue, jobId)).getState()).toBe('completed');
    expect([...h.sim.smartAssessor.state.employers.values()].filter((e) => e.SunesisId === 'E0005')).toHaveLength(1);
    expect(operations(h).filter((op) => op === 'inserEmployerDetail')).toHaveLength(1);
    expect(h.sim.smartAssessor.duplicates()).toMatchObject({ total: 0 });
  });
});
