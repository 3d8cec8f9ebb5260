import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { QUEUE } from '../../src/queues/names.js';
import { jobIds } from '../../src/queues/job-options.js';
import { readQualificationLinks } from '../../src/producer/qualifications.js';
import { DEMO_CUSTOMER_TOKEN } from '../../src/demo/catalogue.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { differences } from '../helpers/compare.js';
import { ukLocalToUtc, ukToday } from '../../src/domain/dates.js';

describe('refresh-qualification-links and enrol-learner against the simulator', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });

  it('Q1–Q3: links the demo qualifications in one paged call and reports the rest', async () => {
    h.sim.resetStats();
    const { jobId } = await h.producer.enqueueRefreshLinks('cli');
    const job = await h.waitForJob(h.producer.queues[QUEUE.refreshLinks], jobId);
    expect(job.failedReason).toBeUndefined();
    expect(job.returnvalue).toMatchObject({ standardsSeen: 11, qualificationsLinked: 8, qualificationsNotAvailable: 2, callsMade: 2 });
    const stats = h.sim.stats();
    // One login and ⌈11 ÷ 100⌉ = 1 search page: no more calls than the paging needs.
    expect(stats.byEndpoint['POST /Standard/Search/{page}/{size}']).toEqual({ '200': 1 });
    expect(stats.byEndpoint['POST /Authentication']).toEqual({ '200': 1 });
    const view = await readQualificationLinks(h.t.db);
    const business = view.qualifications.find((q) => q.title === 'Business Administrator');
    expect(business?.standards.map((s) => s.standardId)).toEqual([41301, 41302]); // Q2 pathways kept
    expect(view.qualifications.find((q) => q.vqReference === '500/2345/1')?.available).toBe(false);
  });

  it('E8: a learner with no email fails at once, without retries, with its message recorded', async () => {
    const learnerId = await h.producer.resolveLearnerIdent('L0007');
    const { jobId } = await h.producer.enqueueEnrol(learnerId);
    const job = await h.waitForJob(h.producer.queues[QUEUE.enrol], jobId);
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toContain('learner L0007 has no email');
    const status = await h.producer.enrolStatus(learnerId);
    expect(status).toMatchObject({ status: 'failed', errorCode: 'invalid' });
    expect(status?.problems).toEqual([{ field: 'email', message: 'learner L0007 has no email' }]);
  });

  it('E1–E6: enrols a learner with placement, classroom, assessors, aims and reviews; ids written back to PICS', async () => {
    const learnerId = await h.producer.resolveLearnerIdent('L0002');
    h.sim.resetStats();
    const { jobId } = await h.producer.enqueueEnrol(learnerId, { pathways: { 3: 41301 } });
    const job = await h.waitForJob(h.producer.queues[QUEUE.enrol], jobId);
    expect(job.failedReason).toBeUndefined();
    // E7's searches look for what a crashed attempt left behind: a learner this attempt created has none.
    const calls = h.sim.stats().byEndpoint;
    expect(Object.keys(calls)).toEqual(expect.arrayContaining(['POST /Standard/{id}/Assign/{learnerId}', 'POST /Review']));
    expect(calls['POST /LearningAim/Search/{page}/{size}']).toBeUndefined();
    expect(calls['POST /Review/Search/{page}/{size}']).toBeUndefined();
    const learner = await h.t.db.selectFrom('pics.learner').selectAll().where('id', '=', learnerId).executeTakeFirstOrThrow();
    expect(learner.onefile_id).toBeGreaterThan(0);
    const user = h.sim.state.users.get(learner.onefile_id!);
    expect(user).toMatchObject({ FirstName: learner.first_name, LastName: learner.surname, MISID: 'L0002', Role: 1 });
    expect(user?.DefaultAssessorID).toBeGreaterThan(0);
    expect(h.sim.state.placements.get(user!.PlacementID!)).toBeDefined();
    expect(h.sim.state.classrooms.get(user!.ClassroomID!)).toBeDefined();
    // E2: each qualification Q1 found available became one learning aim of this learner; the others none.
    const available = new Set((await readQualificationLinks(h.t.db)).qualifications.filter((q) => q.available).map((q) => q.qualificationId));
    const lqs = await h.t.db.selectFrom('pics.learner_qualification').selectAll().where('learner_id', '=', learnerId).orderBy('id').execute();
    const mustLink = lqs.filter((lq) => available.has(lq.qualification_id!));
    expect(mustLink.length).toBeGreaterThan(0); // the scenario has something to link
    expect(lqs.filter((lq) => lq.onefile_learning_aim_id !== null).map((lq) => lq.id)).toEqual(mustLink.map((lq) => lq.id));
    const aimOwners = mustLink.map((lq) => h.sim.state.learningAims.get(lq.onefile_learning_aim_id!)?.UserID);
    expect(aimOwners).toEqual(mustLink.map(() => learner.onefile_id));
    // E3: each normal review planned after today with attendance Unknown is in OneFile, scheduled as planned,
    // with its OneFile id on the PICS review; no other review was uploaded.
    const reviews = await h.t.db.selectFrom('pics.review').selectAll().where('learner_id', '=', learnerId).orderBy('id').execute();
    const mustUpload = reviews.filter((r) => r.review_type === 'N' && r.attended === 'U' && r.planned_date !== null && r.planned_date > ukToday());
    expect(mustUpload.length).toBeGreaterThan(0);
    expect(reviews.filter((r) => r.onefile_system_id !== null).map((r) => r.id)).toEqual(mustUpload.map((r) => r.id));
    const inOneFile = mustUpload.map((r) => {
      const review = h.sim.state.reviews.get(r.onefile_system_id!);
      return { learner: review?.LearnerID, scheduled: review?.ScheduledFor && new Date(review.ScheduledFor).toISOString() };
    });
    expect(inOneFile).toEqual(mustUpload.map((r) => ({ learner: learner.onefile_id, scheduled: ukLocalToUtc(r.planned_date!, r.planned_time ?? '09:00:00') })));
    const status = await h.producer.enrolStatus(learnerId);
    expect(status?.status).toBe('completed');
    expect(status?.externalLearnerId).toBe(String(learner.onefile_id));
    // Officers without a OneFile id now have one, stored back on Other System ID.
    const main = await h.t.db.selectFrom('pics.officer').select('other_system_id').where('id', '=', learner.main_officer_id!).executeTakeFirstOrThrow();
    expect(Number(main.other_system_id)).toBe(user?.DefaultAssessorID);
  });

  it('E7: a learner already in OneFile is refused at the door', async () => {
    const learnerId = await h.producer.resolveLearnerIdent('L0002');
    await expect(h.producer.enqueueEnrol(learnerId)).rejects.toThrow(/already has OneFile id/);
  });

  it('enrols every valid demo learner with zero duplicates, and no log line holds the token or the session', async () => {
    const learners = await h.t.db.selectFrom('pics.learner').select(['id', 'ident', 'onefile_id']).orderBy('id').execute();
    const pending = learners.filter((l) => l.onefile_id === null);
    const jobs = [];
    for (const l of pending) {
      const pathways = { 3: 41302 };
      jobs.push((await h.producer.enqueueEnrol(l.id, { pathways })).jobId);
    }
    const results = await Promise.all(jobs.map((id) => h.waitForJob(h.producer.queues[QUEUE.enrol], id, 120_000)));
    const failed = results.filter((j) => j.failedReason);
    // Only the demo's deliberately broken learners fail.
    expect(failed.map((j) => j.id).sort()).toEqual([jobIds.enrol((await h.producer.resolveLearnerIdent('L0013'))), jobIds.enrol(await h.producer.resolveLearnerIdent('L0021'))].concat(
      jobIds.enrol(await h.producer.resolveLearnerIdent('L0007')),
    ).sort());
    expect(h.sim.duplicates()).toMatchObject({ total: 0 });
    expect(await differences(h.t.db, h.sim)).toEqual([]); // PICS and OneFile agree field by field
    const enrolled = await h.t.db.selectFrom('pics.learner').select(sql<number>`count(*)`.as('n')).where('onefile_id', 'is not', null).executeTakeFirstOrThrow();
    expect(Number(enrolled.n)).toBe(learners.length - 3);
    const sessionKeys = (await h.redis.redis.keys(`${h.redis.keyPrefix}*session*`)).filter((k) => !k.includes('lock'));
    expect(sessionKeys.length).toBe(1);
    const session = await h.redis.redis.hget(sessionKeys[0]!, 'session');
    expect(session?.length).toBeGreaterThan(8);
    const joined = h.logs.join('\n');
    expect(h.logs.length).toBeGreaterThan(50);
    expect(joined).not.toContain(DEMO_CUSTOMER_TOKEN);
    expect(joined).not.toContain(session!);
  }, 180_000);
});
