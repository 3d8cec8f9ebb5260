import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Job } from 'bullmq';
import { DateTime } from 'luxon';
import { sql, type ExpressionBuilder } from 'kysely';
import type { DB } from '../../src/db/types.js';
import { listLearnersInSyncScope } from '../../src/pics/index.js';
import { ukToday } from '../../src/domain/dates.js';
import { QUEUE } from '../../src/queues/names.js';
import { JOB_NAME } from '../../src/queues/job-options.js';
import { readRun } from '../../src/store/runs.js';
import { learnerHistory } from '../../src/store/audit.js';
import { startHarness, type Harness } from '../helpers/harness.js';

/** Writes the simulator received (every POST except searches and logins), counted from its request log. */
function oneFileWrites(h: Harness): number {
  return Object.entries(h.sim.stats().byEndpoint)
    .filter(([endpoint]) => endpoint.startsWith('POST') && !endpoint.includes('/Search') && !endpoint.includes('Authentication'))
    .reduce((sum, [, statuses]) => sum + Object.values(statuses).reduce((a, b) => a + b, 0), 0);
}

async function runDaily(h: Harness): Promise<Job> {
  const { jobId } = await h.producer.enqueueDailyRun();
  return h.waitForJob(h.producer.queues[QUEUE.dailySync], jobId, 120_000);
}

describe('daily synchronisation end to end (D1–D11)', () => {
  let h: Harness;
  const idents = ['L0001', 'L0002', 'L0003', 'L0004', 'L0005', 'L0006', 'L0008', 'L0009'];
  const learnerIds: Record<string, number> = {};

  beforeAll(async () => {
    h = await startHarness({ simulator: { learningAimRows: 'minimal' } });
    const links = await h.producer.enqueueRefreshLinks('cli');
    await h.waitForJob(h.producer.queues[QUEUE.refreshLinks], links.jobId);
    // Only these learners are enrolled, so only they are in the daily scope.
    for (const ident of idents) {
      learnerIds[ident] = await h.producer.resolveLearnerIdent(ident);
      const { jobId } = await h.producer.enqueueEnrol(learnerIds[ident]!, { pathways: { 3: 41301 } });
      const job = await h.waitForJob(h.producer.queues[QUEUE.enrol], jobId);
      expect(job.failedReason).toBeUndefined();
    }
  }, 120_000);
  afterAll(async () => {
    await h.close();
  });

  it('the first run syncs every enrolled learner in scope and writes a summary and Last Synchronised', async () => {
    const job = await runDaily(h);
    expect(job.failedReason).toBeUndefined();
    const run = await readRun(h.t.db);
    // Every learner here was enrolled by the worker, whose enrol uploaded its reviews (E3): no first sync left (D11).
    expect(run).toMatchObject({ kind: 'daily', status: 'completed', firstSync: false, learnersFailed: 0 });
    // The scope, from the scenario: the learners enrolled above that are Live, in learning or ended within the window.
    const enrolled = await h.t.db.selectFrom('pics.learner').select(['ident', 'status', 'actual_end_date']).where('onefile_id', 'is not', null).orderBy('ident').execute();
    expect(enrolled.map((l) => l.ident)).toEqual(idents);
    const windowStart = DateTime.fromISO(ukToday()).minus({ days: h.config.sync.endedLearnerWindowDays }).toISODate()!;
    const inScope = enrolled.filter((l) => l.status === 'Live' && (l.actual_end_date === null || l.actual_end_date >= windowStart));
    expect(inScope.length).toBeGreaterThan(0);
    expect(run!.learnersTotal).toBe(inScope.length);
    expect(run!.learnersSynced).toBe(run!.learnersTotal);
    expect(run!.callsMade).toBeGreaterThan(0);
    const settings = await h.t.db.selectFrom('pics.onefile_settings').select('last_synchronised_at').executeTakeFirstOrThrow();
    expect(settings.last_synchronised_at).not.toBeNull();
  }, 120_000);

  it('changes on both sides are reconciled; the audit trail shows them; a second run writes nothing', async () => {
    // A learner with a learning aim and a review already in OneFile.
    // A learner with a learning aim (its qualification without units, so D1 applies) and a review already in OneFile.
    const noUnits = (eb: ExpressionBuilder<DB, 'pics.learner_qualification'>) =>
      eb.not(eb.exists(eb.selectFrom('pics.learner_unit as u').select('u.id').whereRef('u.learner_qualification_id', '=', 'pics.learner_qualification.id')));
    const candidate = await h.t.db.selectFrom('pics.learner_qualification')
      .innerJoin('pics.review as r', 'r.learner_id', 'pics.learner_qualification.learner_id')
      .select('pics.learner_qualification.id').where('onefile_learning_aim_id', 'is not', null).where('r.onefile_system_id', 'is not', null)
      .where(noUnits).orderBy('pics.learner_qualification.learner_id').orderBy('pics.learner_qualification.id').executeTakeFirstOrThrow();
    const lq = await h.t.db.selectFrom('pics.learner_qualification').selectAll().where('id', '=', candidate.id).executeTakeFirstOrThrow();
    const learnerId = lq.learner_id!;
    const learner = await h.t.db.selectFrom('pics.learner').selectAll().where('id', '=', learnerId).executeTakeFirstOrThrow();
    const aimId = lq.onefile_learning_aim_id!;
    // D1's other half: a linked qualification with units keeps its PICS element counts whatever OneFile says.
    const withUnits = await h.t.db.selectFrom('pics.learner_qualification').selectAll().where('onefile_learning_aim_id', 'is not', null)
      .where((eb) => eb.not(noUnits(eb))).orderBy('id').executeTakeFirstOrThrow();
    h.sim.seed({ learningAims: [{ ID: withUnits.onefile_learning_aim_id!, TotalCriteria: 90, CompletedCriteria: 45 }] });

    // OneFile side: progress, a registration number, a held and signed review, a brand-new review.
    const assessor = h.sim.state.users.get(h.sim.state.users.get(learner.onefile_id!)!.DefaultAssessorID!)!;
    h.sim.seed({ learningAims: [{ ID: aimId, TotalCriteria: 80, CompletedCriteria: 20, RegistrationNumber: 'OF-REG-1' }] });
    const uploaded = await h.t.db.selectFrom('pics.review').selectAll().where('learner_id', '=', learnerId).where('onefile_system_id', 'is not', null).orderBy('id').execute();
    expect(uploaded.length).toBeGreaterThan(0);
    // Brought forward and held: its search row's ScheduledFor moves too, which is what makes the sync read it again.
    h.sim.seed({ reviews: [{ ID: uploaded[0]!.onefile_system_id!, ScheduledFor: '2026-11-20T10:00:00.000Z', StartedOn: '2026-11-20T10:05:00.000Z', LearnerSignedOn: '2026-11-21T09:00:00.000Z' }] });
    h.sim.seed({ reviews: [{ LearnerID: learner.onefile_id!, AssessorID: assessor.ID, ScheduledFor: '2027-02-01T10:00:00.000Z', EndTime: '2027-02-01T11:00:00.000Z' }] });
    // PICS side: a certificate date OneFile lacks (pushed), a new future review (uploaded).
    await h.t.db.updateTable('pics.learner_qualification').set({ certificate_applied_date: '2026-11-02', registration_number: 'PICS-REG' }).where('id', '=', lq.id).execute();
    const newReview = await h.t.db.insertInto('pics.review').values({
      learner_id: learnerId, review_type: 'N', planned_date: '2027-03-01', planned_time: '11:00:00', attended: 'U', officer_id: learner.main_officer_id,
    }).returning('id').executeTakeFirstOrThrow();

    const job = await runDaily(h);
    expect(job.failedReason).toBeUndefined();
    const run = await readRun(h.t.db);
    expect(run).toMatchObject({ status: 'completed', firstSync: false, learnersFailed: 0 });
    expect(run!.learnersChanged).toBeGreaterThanOrEqual(1);

    const after = await h.t.db.selectFrom('pics.learner_qualification').selectAll().where('id', '=', lq.id).executeTakeFirstOrThrow();
    expect(after.registration_number).toBe('OF-REG-1'); // D2: both set, OneFile wins
    expect([after.total_elements, after.elements_done]).toEqual([80, 20]); // D1
    const unitsAfter = await h.t.db.selectFrom('pics.learner_qualification').selectAll().where('id', '=', withUnits.id).executeTakeFirstOrThrow();
    expect([unitsAfter.total_elements, unitsAfter.elements_done]).toEqual([withUnits.total_elements, withUnits.elements_done]); // D1: units, skipped
    expect(h.sim.state.learningAims.get(aimId)?.CertificateAppliedDate).toBe('2026-11-02T00:00:00.000Z'); // D3 pushed
    const held = await h.t.db.selectFrom('pics.review').selectAll().where('id', '=', uploaded[0]!.id).executeTakeFirstOrThrow();
    expect(held).toMatchObject({ attended: 'Y', actual_date: '2026-11-20', trainee_signed_date: '2026-11-21' }); // D6
    const created = await h.t.db.selectFrom('pics.review').selectAll().where('learner_id', '=', learnerId).where('planned_date', '=', '2027-02-01').execute();
    expect(created).toHaveLength(1); // D6: a new OneFile review becomes a PICS review
    expect(created[0]).toMatchObject({ attended: 'U', actual_date: null, planned_time: '10:00:00' });
    const pushedReview = await h.t.db.selectFrom('pics.review').select('onefile_system_id').where('id', '=', newReview.id).executeTakeFirstOrThrow();
    expect(h.sim.state.reviews.get(pushedReview.onefile_system_id!)?.LearnerID).toBe(learner.onefile_id); // D5

    const history = await learnerHistory(h.t.db, learnerId);
    const fields = history.filter((a) => a.run_id === run!.id).map((a) => `${a.direction}:${a.table_name}.${a.field}`);
    expect(fields).toEqual(expect.arrayContaining([
      'to_pics:learner_qualification.registration_number', 'to_eportfolio:learner_qualification.CertificateAppliedDate',
      'to_pics:review.attended', 'to_eportfolio:review.onefile_system_id',
    ]));

    // Idempotence: the same data again makes no writes on either side.
    h.sim.resetStats();
    const again = await runDaily(h);
    expect(again.failedReason).toBeUndefined();
    expect(oneFileWrites(h)).toBe(0);
    const third = await readRun(h.t.db);
    expect(third).toMatchObject({ learnersChanged: 0, learnersFailed: 0 });
    expect(h.sim.duplicates()).toMatchObject({ total: 0 });
  }, 180_000);

  it('Refresh with OneFile runs the same sync for one learner on demand', async () => {
    const learnerId = learnerIds.L0003!;
    const lq = await h.t.db.selectFrom('pics.learner_qualification').selectAll()
      .where('learner_id', '=', learnerId).where('onefile_learning_aim_id', 'is not', null).orderBy('id').executeTakeFirstOrThrow();
    h.sim.seed({ learningAims: [{ ID: lq.onefile_learning_aim_id!, CertificateReceivedDate: '2026-11-15T00:00:00.000Z' }] });
    const { jobId } = await h.producer.enqueueLearnerSync(learnerId);
    const job = await h.waitForJob(h.producer.queues[QUEUE.dailySync], jobId);
    expect(job.failedReason).toBeUndefined();
    expect(job.returnvalue).toMatchObject({ status: 'completed', toPics: 1 });
    const after = await h.t.db.selectFrom('pics.learner_qualification').select('certificate_received_date').where('id', '=', lq.id).executeTakeFirstOrThrow();
    expect(after.certificate_received_date).toBe('2026-11-15'); // D4
    const run = await readRun(h.t.db, job.returnvalue.runId);
    expect(run).toMatchObject({ kind: 'on_demand', learnersSynced: 1, learnersChanged: 1 });
  }, 60_000);

  it('a learner whose sync fails for good never blocks the run: the parent finishes and counts it', async () => {
    // One OneFile answer the client cannot use (an HTML page where JSON belongs): that child fails permanently.
    h.sim.setFaults({ badAnswers: [{ endpoint: 'POST /Review/Search/{page}/{size}', kind: 'html-200', times: 1 }] });
    const job = await runDaily(h);
    expect(await job.getState()).toBe('completed');
    const run = await readRun(h.t.db);
    expect(run).toMatchObject({ status: 'completed', learnersFailed: 1 });
    expect(run!.learnersSynced).toBe(run!.learnersTotal - 1);
    const failed = await h.t.db.selectFrom('eportfolio_sync.sync_learner').selectAll().where('run_id', '=', run!.id).where('status', '=', 'failed').execute();
    expect(failed).toHaveLength(1);
    expect(failed[0]!.error).toMatch(/POST \/Review\/Search\/\{page\}\/\{size\}/);
    h.sim.setFaults({ badAnswers: [] });
  }, 120_000);

  it('D5: a review upload whose POST /Review failed reuses its visit on the retry (no second visit in the slot)', async () => {
    const learnerId = learnerIds.L0004!;
    const learner = await h.t.db.selectFrom('pics.learner').select(['onefile_id', 'main_officer_id']).where('id', '=', learnerId).executeTakeFirstOrThrow();
    await h.t.db.insertInto('pics.review').values({
      learner_id: learnerId, review_type: 'N', planned_date: '2027-04-01', planned_time: '09:30:00', attended: 'U', officer_id: learner.main_officer_id,
    }).execute();
    const visitsBefore = [...h.sim.state.visits.values()].filter((v) => v.LearnerID === learner.onefile_id).length;
    h.sim.setFaults({ endpoints: ['POST /Review'], errors: { rate: 1, statuses: [503], when: 'before' } });
    const { jobId } = await h.producer.enqueueLearnerSync(learnerId);
    const queue = h.producer.queues[QUEUE.dailySync];
    for (let i = 0; ; i++) {
      const job = await queue.getJob(jobId);
      if (job && (await job.getState()) === 'delayed') break;
      if (i > 400) throw new Error('the failed review upload did not happen');
      await new Promise((r) => setTimeout(r, 25));
    }
    h.sim.setFaults({ endpoints: null, errors: { rate: 0 } });
    await (await queue.getJob(jobId))!.promote();
    expect(await (await h.waitForJob(queue, jobId)).getState()).toBe('completed');
    const visits = [...h.sim.state.visits.values()].filter((v) => v.LearnerID === learner.onefile_id);
    expect(visits.length).toBe(visitsBefore + 1);
    const review = [...h.sim.state.reviews.values()].find((r) => r.LearnerID === learner.onefile_id && r.ScheduledFor === '2027-04-01T08:30:00.000Z');
    expect(review?.VisitID).toBe(visits.at(-1)!.ID);
  }, 60_000);

  it('a run id used again (the worker\'s schema recreated, Redis kept) still syncs every learner in scope', async () => {
    const queue = h.producer.queues[QUEUE.dailySync];
    const inScope = (await listLearnersInSyncScope(h.t.db, { afterId: 0, limit: 10_000, today: ukToday(), endedWithinDays: h.config.sync.endedLearnerWindowDays })).length;
    expect(inScope).toBeGreaterThan(0);
    // Two runs, each after the worker's schema was recreated (run ids start again from 1); the first run's
    // finished children stay in Redis, as job retention keeps them.
    for (const parentId of ['daily-sync-reused-a', 'daily-sync-reused-b']) {
      await sql`truncate eportfolio_sync.sync_run restart identity cascade`.execute(h.t.db);
      await queue.add(JOB_NAME.dailyRun, {}, { jobId: parentId });
      expect((await h.waitForJob(queue, parentId, 120_000)).failedReason).toBeUndefined();
      const run = await readRun(h.t.db);
      expect(run!.id).toBe(1);
      expect(run).toMatchObject({ status: 'completed', learnersTotal: inScope, learnersSynced: inScope, learnersFailed: 0 });
    }
  }, 120_000);

  it('D3/D4 scope: the daily run keeps a learner who ended 4 months ago; Refresh with OneFile still syncs one outside the scope', async () => {
    const monthsAgo = (months: number) => sql<string>`(${ukToday()}::date - ${`${months} months`}::interval)::date`;
    await h.t.db.updateTable('pics.learner').set({ actual_end_date: monthsAgo(4) }).where('id', '=', learnerIds.L0005!).execute();
    await h.t.db.updateTable('pics.learner').set({ actual_end_date: monthsAgo(24) }).where('id', '=', learnerIds.L0006!).execute();
    const job = await runDaily(h);
    expect(job.failedReason).toBeUndefined();
    const run = await readRun(h.t.db);
    const synced = (await h.t.db.selectFrom('eportfolio_sync.sync_learner').select(['learner_id', 'status']).where('run_id', '=', run!.id).execute())
      .map((r) => r.learner_id);
    expect(synced).toContain(learnerIds.L0005); // certificate dates arrive months after the end
    expect(synced).not.toContain(learnerIds.L0006); // beyond sync.endedLearnerWindowDays

    // PICSWeb's button on the learner the daily run left out: synced all the same, and the change reaches PICS.
    const lq = await h.t.db.selectFrom('pics.learner_qualification').selectAll()
      .where('learner_id', '=', learnerIds.L0006!).where('onefile_learning_aim_id', 'is not', null).orderBy('id').executeTakeFirstOrThrow();
    h.sim.seed({ learningAims: [{ ID: lq.onefile_learning_aim_id!, CertificateReceivedDate: '2026-11-16T00:00:00.000Z' }] });
    const { jobId } = await h.producer.enqueueLearnerSync(learnerIds.L0006!);
    const refresh = await h.waitForJob(h.producer.queues[QUEUE.dailySync], jobId);
    expect(refresh.failedReason).toBeUndefined();
    expect(refresh.returnvalue).toMatchObject({ status: 'completed' });
    const after = await h.t.db.selectFrom('pics.learner_qualification').select('certificate_received_date').where('id', '=', lq.id).executeTakeFirstOrThrow();
    expect(after.certificate_received_date).toBe('2026-11-16'); // D4
  }, 120_000);
});
