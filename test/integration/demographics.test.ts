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
    return job.returnvalue as { toPics: number; toEPortfolio: number; runId: number };
  };
  /** What a sync run changed, from its audit trail: `direction:table.field`, sorted. */
  const changed = async (runId: number) =>
    (await h.t.db.selectFrom('eportfolio_sync.audit').select(['direction', 'table_name', 'field']).where('run_id', '=', runId).execute())
      .map((a) => `${a.direction}:${a.table_name}.${a.field}`).sort();
  const setModes = (mode: 'none' | 'push' | 'pull') =>
    h.t.db.updateTable('pics.onefile_settings')
      .set({ learner_demographics_mode: mode, officer_demographics_mode: mode, organisation_demographics_mode: mode }).execute();
  const graph = async () => {
    const learner = await h.t.db.selectFrom('pics.learner').selectAll().where('id', '=', learnerId).executeTakeFirstOrThrow();
    const officer = await h.t.db.selectFrom('pics.officer').selectAll().where('id', '=', learner.main_officer_id!).executeTakeFirstOrThrow();
    const placement = choosePlacement((await loadLearnerGraph(h.t.db, learnerId))!.placements)!;
    const org = await h.t.db.selectFrom('pics.organisation').selectAll().where('id', '=', placement.organisationId!).executeTakeFirstOrThrow();
    return { learner, officer, org };
  };

  beforeAll(async () => {
    ({ h, learnerId } = await startEnrolledHarness({ seed: { learners: 4 } }));
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });

  it('none: changes on either side stay where they are, while the rest of the sync runs', async () => {
    await setModes('none');
    await sync(); // the first sync's own work (D1 element counts) out of the way
    const { learner, officer } = await graph();
    const oneFileMobile = h.sim.state.users.get(learner.onefile_id!)?.MobileNumber;
    expect(oneFileMobile).not.toBe('07700 111111');
    await h.t.db.updateTable('pics.learner').set({ mobile: '07700 111111' }).where('id', '=', learnerId).execute();
    h.sim.seed({ users: [{ ID: Number(officer.other_system_id), Telephone: '0161 496 1111' }] });
    // A change outside D7 (D4, OneFile → PICS) shows the sync did run: a sync doing nothing would not pass.
    const lq = await h.t.db.selectFrom('pics.learner_qualification').selectAll()
      .where('learner_id', '=', learnerId).where('onefile_learning_aim_id', 'is not', null).orderBy('id').executeTakeFirstOrThrow();
    h.sim.seed({ learningAims: [{ ID: lq.onefile_learning_aim_id!, CertificateReceivedDate: '2026-11-17T00:00:00.000Z' }] });
    const result = await sync();
    expect(result).toMatchObject({ toPics: 1, toEPortfolio: 0 });
    expect(await changed(result.runId)).toEqual(['to_pics:learner_qualification.certificate_received_date']);
    const after = await graph();
    expect((await h.t.db.selectFrom('pics.learner_qualification').select('certificate_received_date').where('id', '=', lq.id).executeTakeFirstOrThrow())
      .certificate_received_date).toBe('2026-11-17');
    expect(h.sim.state.users.get(learner.onefile_id!)?.MobileNumber).toBe(oneFileMobile);
    expect(after.officer.telephone).toBe(officer.telephone);
  });

  it('push: PICS learner, main officer and employer values go to OneFile', async () => {
    await setModes('push');
    await sync(); // what already differed goes first, so the run below carries only the three changes
    const { learner, officer, org } = await graph();
    await h.t.db.updateTable('pics.learner').set({ mobile: '07700 222222' }).where('id', '=', learnerId).execute();
    await h.t.db.updateTable('pics.officer').set({ telephone: '0161 496 7777' }).where('id', '=', officer.id).execute();
    await h.t.db.updateTable('pics.organisation').set({ telephone: '0113 496 8888' }).where('id', '=', org.id).execute();
    const result = await sync();
    expect(result.toEPortfolio).toBe(3);
    expect(await changed(result.runId)).toEqual(['to_eportfolio:learner.MobileNumber', 'to_eportfolio:officer.Telephone', 'to_eportfolio:organisation.Telephone']);
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
    expect(result.toPics).toBe(3);
    expect(await changed(result.runId)).toEqual(['to_pics:learner.mobile', 'to_pics:officer.telephone', 'to_pics:organisation.website']);
    const after = await graph();
    expect(after.learner.mobile).toBe('07700 333333');
    expect(after.officer.telephone).toBe('0161 496 9999');
    expect(after.org.website).toBe('https://employer.example');
    expect((await sync()).toPics).toBe(0);
  });
});
