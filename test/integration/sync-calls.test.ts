import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { QUEUE } from '../../src/queues/names.js';
import { forgetAimSearchShape } from '../../src/eportfolio/onefile/aim-search-shape.js';
import { startHarness, type Harness } from '../helpers/harness.js';

// The calls one learner's sync spends (issue 8: few calls; a GET only for what the search rows lack). The
// simulator answers LearningAim/Search with minimal rows, as the only rows OneFile is known to send.

const AIM_SEARCH = 'POST /LearningAim/Search/{page}/{size}';
const AIM_GET = 'GET /LearningAim/{id}';
const REVIEW_GET = 'GET /Review/{id}';

describe('calls of a learner sync', () => {
  let h: Harness;
  const linkedAims = new Map<number, number[]>(); // PICS learner id → its linked OneFile aim ids

  const calls = (endpoint: string): number => Object.values(h.sim.stats().byEndpoint[endpoint] ?? {}).reduce((a, b) => a + b, 0);
  async function syncNow(learnerId: number) {
    const { jobId } = await h.producer.enqueueLearnerSync(learnerId);
    const job = await h.waitForJob(h.producer.queues[QUEUE.dailySync], jobId);
    expect(job.failedReason).toBeUndefined();
    return job;
  }
  const learnerWithAims = (count: (n: number) => boolean): number => {
    const found = [...linkedAims].find(([, aims]) => count(aims.length));
    if (!found) throw new Error('the demo data has no such learner');
    return found[0];
  };

  beforeAll(async () => {
    h = await startHarness({ simulator: { learningAimRows: 'minimal' } });
    const links = await h.producer.enqueueRefreshLinks('cli');
    await h.waitForJob(h.producer.queues[QUEUE.refreshLinks], links.jobId);
    for (const ident of ['L0001', 'L0002', 'L0003', 'L0004', 'L0005', 'L0006', 'L0008', 'L0009']) {
      const { jobId } = await h.producer.enqueueEnrol(await h.producer.resolveLearnerIdent(ident), { pathways: { 3: 41301 } });
      await h.waitForJob(h.producer.queues[QUEUE.enrol], jobId);
    }
    const rows = await h.t.db.selectFrom('pics.learner_qualification').select(['learner_id', 'onefile_learning_aim_id'])
      .where('onefile_learning_aim_id', 'is not', null).execute();
    for (const r of rows) linkedAims.set(r.learner_id!, [...(linkedAims.get(r.learner_id!) ?? []), r.onefile_learning_aim_id!]);
  }, 120_000);
  afterAll(async () => {
    await h.close();
  });
  beforeEach(() => {
    forgetAimSearchShape();
    h.sim.resetStats();
  });

  it('a learner with one linked aim: one GET of it, no learning-aim search', async () => {
    await syncNow(learnerWithAims((n) => n === 1));
    expect([calls(AIM_SEARCH), calls(AIM_GET)]).toEqual([0, 1]);
  }, 60_000);

  it('several linked aims: the first sync searches and learns the rows lack details; the next GETs each aim only', async () => {
    const learnerId = learnerWithAims((n) => n >= 2);
    const aims = linkedAims.get(learnerId)!.length;
    await syncNow(learnerId);
    expect([calls(AIM_SEARCH), calls(AIM_GET)]).toEqual([1, aims]);
    h.sim.resetStats();
    await syncNow(learnerId);
    expect([calls(AIM_SEARCH), calls(AIM_GET)]).toEqual([0, aims]);
  }, 60_000);

  it('D1: an aim read by its id still brings its progress into PICS', async () => {
    // A learner whose one linked aim's qualification has no units, so D1 applies to it.
    const unitAims = new Set((await h.t.db.selectFrom('pics.learner_qualification as lq').innerJoin('pics.learner_unit as u', 'u.learner_qualification_id', 'lq.id')
      .select('lq.onefile_learning_aim_id').where('lq.onefile_learning_aim_id', 'is not', null).execute()).map((r) => r.onefile_learning_aim_id));
    const found = [...linkedAims].find(([, aims]) => aims.length === 1 && !unitAims.has(aims[0]!));
    if (!found) throw new Error('the demo data has no learner with one linked aim without units');
    const [learnerId, [aimId]] = found;
    h.sim.seed({ learningAims: [{ ID: aimId!, TotalCriteria: 50, CompletedCriteria: 7, RegistrationNumber: 'REG-BY-ID' }] });
    await syncNow(learnerId);
    const lq = await h.t.db.selectFrom('pics.learner_qualification').selectAll().where('onefile_learning_aim_id', '=', aimId!).executeTakeFirstOrThrow();
    expect(lq.registration_number).toBe('REG-BY-ID'); // D2
    expect([lq.total_elements, lq.elements_done]).toEqual([50, 7]); // D1
  }, 60_000);

  it('an aim deleted in OneFile: the learner still syncs, the aim is left alone in PICS', async () => {
    const learnerId = learnerWithAims((n) => n === 1);
    const [aimId] = linkedAims.get(learnerId)!;
    const before = await h.t.db.selectFrom('pics.learner_qualification').selectAll().where('onefile_learning_aim_id', '=', aimId!).executeTakeFirstOrThrow();
    const saved = h.sim.state.learningAims.remove(aimId!)!;
    try {
      const job = await syncNow(learnerId);
      expect(job.returnvalue).toMatchObject({ status: 'completed' });
      expect(calls(AIM_GET)).toBe(1);
      const after = await h.t.db.selectFrom('pics.learner_qualification').selectAll().where('id', '=', before.id).executeTakeFirstOrThrow();
      expect(after).toEqual(before);
    } finally {
      h.sim.state.learningAims.insert(saved, aimId!);
    }
  }, 60_000);

  it('D5/D6: a review the sync uploaded is read back on every sync while open (thin rows), held early or not', async () => {
    const learnerId = learnerWithAims(() => true);
    const learner = await h.t.db.selectFrom('pics.learner').select('main_officer_id').where('id', '=', learnerId).executeTakeFirstOrThrow();
    const review = await h.t.db.insertInto('pics.review').values({
      learner_id: learnerId, review_type: 'N', planned_date: '2027-05-03', planned_time: '10:00:00', attended: 'U', officer_id: learner.main_officer_id,
    }).returning('id').executeTakeFirstOrThrow();
    await syncNow(learnerId);
    const uploaded = await h.t.db.selectFrom('pics.review').select('onefile_system_id').where('id', '=', review.id).executeTakeFirstOrThrow();
    expect(uploaded.onefile_system_id).not.toBeNull();
    const open = await h.t.db.selectFrom('pics.review').select('id').where('learner_id', '=', learnerId).where('onefile_system_id', 'is not', null).execute();
    h.sim.resetStats();
    await syncNow(learnerId);
    // Thin rows cannot show that nothing changed: each open review PICS holds is read (none is complete here).
    expect(calls(REVIEW_GET)).toBe(open.length);
    // Held today, months before its planned date: the next sync brings it into PICS (D6).
    h.sim.seed({ reviews: [{ ID: uploaded.onefile_system_id!, StartedOn: '2026-11-20T10:02:00.000Z', LearnerSignedOn: '2026-11-20T11:00:00.000Z' }] });
    await syncNow(learnerId);
    const held = await h.t.db.selectFrom('pics.review').selectAll().where('id', '=', review.id).executeTakeFirstOrThrow();
    expect(held).toMatchObject({ attended: 'Y', actual_date: '2026-11-20', trainee_signed_date: '2026-11-20' });
    // Complete now (held and signed): not read again.
    h.sim.resetStats();
    await syncNow(learnerId);
    expect(calls(REVIEW_GET)).toBe(open.length - 1);
  }, 60_000);
});
