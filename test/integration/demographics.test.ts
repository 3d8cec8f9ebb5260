import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { QUEUE } from '../../src/queues/names.js';
import { loadLearnerGraph } from '../../src/pics/index.js';
import { choosePlacement } from '../../src/rules/placement.js';
import { startEnrolledHarness, type Harness } from '../helpers/harness.js';

/** D7 end to end: each mode for learners, officers and organisations, through Refresh with OneFile. */
describe('D7 demographics modes against the simulator', () => {
  let h: Harness;
  let learnerId: number;

  const sync = async () => {
    const { jobId } = await h.producer.enqueueLearnerSync(learnerId);
    const job = await h.waitForJob(h.producer.queues[QUEUE.dailySync], jobId);
    expect(await job.getState()).toBe('completed');
    return job.returnvalue as { toPics: number; toEPortfolio: number };
  };
  const setModes = (mode: 'none' | 'push' | 'pull') =>
    h.t.db.updateTable('pics.onefile_settings')
      .set({ learner_demographics_mode: mode, officer_demographics_mode: mode, organisation_demographics_mode: mode }).execute();
  const graph = async () => {
    const learner = await h.t.db.selectFrom('pics.learner').selectAll().where('id', '=', learnerId).executeTakeFirstOrThrow();
    const officer = await h.t.db.selectFrom('pics.officer').selectAll().where('id', '=', learner.main_officer_id!).executeTakeFirstOrThrow();
    const placement = choosePlacement((await loadLearnerGraph(h.t.db, learnerId))!.placements)!;
    const org = await h.t.db.selectFrom('pics.organisation').selectAll().where('id', '=', placement.organisation_id!).executeTakeFirstOrThrow();
    return { learner, officer, org };
  };

  beforeAll(async () => {
    ({ h, learnerId } = await startEnrolledHarness({ seed: { learners: 4 } }));
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });

  it('none: changes on either side stay where they are', async () => {
    await setModes('none');
    const { learner } = await graph();
    await h.t.db.updateTable('pics.learner').set({ mobile: '07700 111111' }).where('id', '=', learnerId).execute();
    await sync();
    expect(h.sim.state.users.get(learner.onefile_id!)?.MobileNumber).not.toBe('07700 111111');
  });

  it('push: PICS learner, main officer and employer values go to OneFile', async () => {
    await setModes('push');
    const { learner, officer, org } = await graph();
    await h.t.db.updateTable('pics.learner').set({ mobile: '07700 222222' }).where('id', '=', learnerId).execute();
    await h.t.db.updateTable('pics.officer').set({ telephone: '0161 496 7777' }).where('id', '=', officer.id).execute();
    await h.t.db.updateTable('pics.organisation').set({ telephone: '0113 496 8888' }).where('id', '=', org.id).execute();
    const result = await sync();
    expect(result.toEPortfolio).toBeGreaterThanOrEqual(3);
    expect(h.sim.state.users.get(learner.onefile_id!)?.MobileNumber).toBe('07700 222222');
    expect(h.sim.state.users.get(Number(officer.other_system_id))?.Telephone).toBe('0161 496 7777');
    expect(h.sim.state.placements.get(Number(org.additional_id))?.Telephone).toBe('0113 496 8888');
    expect((await sync()).toEPortfolio).toBe(0); // nothing left to push
  });

  it('pull: OneFile values come into PICS', async () => {
    await setModes('pull');
    const { learner, officer, org } = await graph();
    h.sim.seed({ users: [
      { ID: learner.onefile_id!, MobileNumber: '07700 333333' },
      { ID: Number(officer.other_system_id), Telephone: '0161 496 9999' },
    ], placements: [{ ID: Number(org.additional_id), Web: 'https://employer.example' }] });
    const result = await sync();
    expect(result.toPics).toBeGreaterThanOrEqual(3);
    const after = await graph();
    expect(after.learner.mobile).toBe('07700 333333');
    expect(after.officer.telephone).toBe('0161 496 9999');
    expect(after.org.website).toBe('https://employer.example');
    expect((await sync()).toPics).toBe(0);
  });
});
