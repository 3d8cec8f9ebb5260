import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Job } from 'bullmq';
import { DEMO_ORGANISATION, DEMO_SECOND_CENTRE } from '../../src/demo/catalogue.js';
import { readQualificationLinks } from '../../src/producer/qualifications.js';
import { enqueueDirectoryRefresh, linkOfficerToDirectoryEntry, readDirectory } from '../../src/producer/directory.js';
import { previewEnrol } from '../../src/producer/preview.js';
import { QUEUE } from '../../src/queues/names.js';
import { demoSeed } from '../../src/simulator/demo-seed.js';
import { ROLE } from '../../src/simulator/schemas.js';
import { startHarness, type Harness } from '../helpers/harness.js';

/*
 * Issue 19: a provider with two OneFile centres, end to end. PICSWeb's "Multiple OneFile Centres" mode matches
 * officers and employers on OneFile's MIS value (= the PICS ident, E4/E5); one PICS officer has an account in each
 * centre. Every record a learner's jobs touch must be in that learner's centre — OneFile (the simulator) refuses
 * most cross-centre references itself, and the checks below look at every one of them.
 */

const CENTRE_1 = DEMO_ORGANISATION.id;
const CENTRE_2 = DEMO_SECOND_CENTRE.id;
const BUSINESS_ADMIN_QUALIFICATION = 3;
const FINANCE_PATHWAY = 41301;

describe('multi-centre providers: enrol, sync, links and look-ups per OneFile centre', () => {
  let h: Harness;
  const ids: Record<string, number> = {};
  let sharedOfficer: { id: number; ident: string | null; other_system_id: string | null };

  async function done(queue: (typeof QUEUE)[keyof typeof QUEUE], jobId: string): Promise<Job> {
    return h.waitForJob(h.producer.queues[queue], jobId, 90_000);
  }

  /** Every OneFile record the learner's user points at, with the centre each one is in. */
  function centresOf(oneFileLearnerId: number) {
    const s = h.sim.state;
    const user = s.users.get(oneFileLearnerId)!;
    const aims = [...s.learningAims.values()].filter((a) => a.UserID === user.ID);
    const reviews = [...s.reviews.values()].filter((r) => r.LearnerID === user.ID);
    return {
      learner: user.OrganisationID,
      defaultAssessor: s.users.get(user.DefaultAssessorID!)?.OrganisationID,
      placement: s.placements.get(user.PlacementID!)?.OrganisationID,
      classroom: s.classrooms.get(user.ClassroomID!)?.OrganisationID,
      aimStandards: [...new Set(aims.map((a) => s.standards.get(a.StandardID!)?.OrganisationID))],
      reviewAssessors: [...new Set(reviews.map((r) => s.users.get(r.AssessorID!)?.OrganisationID))],
    };
  }

  beforeAll(async () => {
    h = await startHarness({ simulator: { seed: demoSeed({ centres: 2 }) } });
    await h.t.db.updateTable('pics.onefile_settings').set({ multi_centre: true, push_main_officer_changes: true }).execute();
    sharedOfficer = await h.t.db.selectFrom('pics.officer').select(['id', 'ident', 'other_system_id'])
      .where('ident', '=', DEMO_SECOND_CENTRE.sharedAssessor.ident).executeTakeFirstOrThrow();
    for (const ident of ['L0001', 'L0002', 'L0003']) ids[ident] = await h.producer.resolveLearnerIdent(ident);
    // One officer shared by a learner of each centre: the main officer of both.
    await h.t.db.updateTable('pics.learner').set({ main_officer_id: sharedOfficer.id }).where('id', 'in', [ids.L0001!, ids.L0002!]).execute();
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('Q1 per centre: a refresh with no centre named reads both centres\' standards; the links API says which are available where', async () => {
    const { jobId } = await h.producer.enqueueRefreshLinks('cli');
    const job = await done(QUEUE.refreshLinks, jobId);
    expect(job.failedReason).toBeUndefined();
    expect((job.returnvalue as { centres: { organisationId: number }[] }).centres.map((c) => c.organisationId)).toEqual([CENTRE_1, CENTRE_2]);
    const view = await readQualificationLinks(h.t.db, CENTRE_2);
    const businessAdmin = view.qualifications.find((q) => q.qualificationId === BUSINESS_ADMIN_QUALIFICATION)!;
    expect(businessAdmin.standards.map((s) => s.standardId)).toEqual([FINANCE_PATHWAY + DEMO_SECOND_CENTRE.standardIdOffset, 41302 + DEMO_SECOND_CENTRE.standardIdOffset]);
    const byCentre = new Map(view.centres.map((c) => [c.organisationId, c.availableQualificationIds]));
    expect([...byCentre.keys()]).toEqual([CENTRE_1, CENTRE_2]);
    // The second centre offers only the qualifications its catalogue lists.
    const offered = (await h.t.db.selectFrom('pics.qualification').select(['id', 'title']).orderBy('id').execute())
      .filter((q) => (DEMO_SECOND_CENTRE.offers as readonly string[]).includes(q.title)).map((q) => q.id);
    expect(byCentre.get(CENTRE_2)).toEqual(offered);
    expect(byCentre.get(CENTRE_1)!.length).toBeGreaterThan(offered.length);
  });

  it('Look Up OneFile ID lists each centre\'s assessors and employers, said to be of that centre', async () => {
    const { jobId } = await enqueueDirectoryRefresh(h.producer.queues, 'cli');
    expect((await done(QUEUE.refreshLinks, jobId)).failedReason).toBeUndefined();
    const centre2 = await readDirectory(h.t.db, 'assessor', { organisationId: CENTRE_2 });
    expect(centre2.entries.map((e) => [e.externalId, e.organisationId, e.misId])).toEqual([[String(DEMO_SECOND_CENTRE.sharedAssessor.id), CENTRE_2, sharedOfficer.ident]]);
    const all = await readDirectory(h.t.db, 'assessor');
    expect(new Set(all.entries.map((e) => e.organisationId))).toEqual(new Set([CENTRE_1, CENTRE_2]));
    // The same officer's two accounts are two entries, one per centre.
    expect(all.entries.filter((e) => e.misId === sharedOfficer.ident).map((e) => e.organisationId).sort()).toEqual([CENTRE_1, CENTRE_2]);

    // A1 per centre: saving a centre-2 entry on an officer keeps it for that centre; PICS's one field is left alone.
    const other = await h.t.db.selectFrom('pics.officer').select(['id', 'other_system_id']).where('ident', '=', 'O0008').executeTakeFirstOrThrow();
    const entryId = String(DEMO_SECOND_CENTRE.sharedAssessor.id);
    const saved = await linkOfficerToDirectoryEntry(h.t.db, other.id, entryId);
    expect(saved).toMatchObject({ id: other.id, externalId: entryId, previous: null, organisationId: CENTRE_2 });
    expect((await h.t.db.selectFrom('pics.officer').select('other_system_id').where('id', '=', other.id).executeTakeFirstOrThrow()).other_system_id).toBe(other.other_system_id);
    expect((await readDirectory(h.t.db, 'assessor', { organisationId: CENTRE_2 })).entries[0]!.linkedTo.map((l) => l.id)).toEqual([other.id]);
    // The same id on a second officer of that centre is refused, naming the holder.
    await expect(linkOfficerToDirectoryEntry(h.t.db, sharedOfficer.id, entryId)).rejects.toMatchObject({ code: 'already-linked', holder: { id: other.id } });
    // Put back: the enrol below finds the shared officer's centre-2 account by MIS value.
    await h.t.db.deleteFrom('eportfolio_sync.centre_identity').where('pics_id', '=', other.id).execute();
  });

  it('E1–E6 per centre: a learner enrolled into each centre, with the shared officer found there by MIS value; no record in the wrong centre', async () => {
    const first = await h.producer.enqueueEnrol(ids.L0001!, { pathways: { [BUSINESS_ADMIN_QUALIFICATION]: FINANCE_PATHWAY } });
    expect((await done(QUEUE.enrol, first.jobId)).failedReason).toBeUndefined();
    const second = await h.producer.enqueueEnrol(ids.L0002!, {
      organisationId: CENTRE_2, pathways: { [BUSINESS_ADMIN_QUALIFICATION]: FINANCE_PATHWAY + DEMO_SECOND_CENTRE.standardIdOffset },
    });
    expect((await done(QUEUE.enrol, second.jobId)).failedReason).toBeUndefined();

    const learners = await h.t.db.selectFrom('pics.learner').select(['id', 'ident', 'onefile_id']).where('id', 'in', [ids.L0001!, ids.L0002!]).orderBy('id').execute();
    const [a, b] = learners.map((l) => centresOf(l.onefile_id!));
    expect(a!.reviewAssessors.length + b!.reviewAssessors.length).toBeGreaterThan(0); // E3 uploaded something to look at
    expect(a).toEqual({ learner: CENTRE_1, defaultAssessor: CENTRE_1, placement: CENTRE_1, classroom: CENTRE_1, aimStandards: [CENTRE_1], reviewAssessors: a!.reviewAssessors.length ? [CENTRE_1] : [] });
    expect(b).toEqual({ learner: CENTRE_2, defaultAssessor: CENTRE_2, placement: CENTRE_2, classroom: CENTRE_2, aimStandards: [CENTRE_2], reviewAssessors: b!.reviewAssessors.length ? [CENTRE_2] : [] });
    // The shared officer: the first centre's seeded account and the second's, both by MIS value, not created again.
    const userB = h.sim.state.users.get(learners[1]!.onefile_id!)!;
    const userA = h.sim.state.users.get(learners[0]!.onefile_id!)!;
    expect(userB.DefaultAssessorID).toBe(DEMO_SECOND_CENTRE.sharedAssessor.id);
    expect(h.sim.state.users.get(userA.DefaultAssessorID!)?.MISID).toBe(sharedOfficer.ident);
    const kept = await h.t.db.selectFrom('eportfolio_sync.centre_identity').select(['organisation_id', 'onefile_id'])
      .where('kind', '=', 'officer').where('pics_id', '=', sharedOfficer.id).orderBy('organisation_id').execute();
    expect(kept).toEqual([{ organisation_id: CENTRE_1, onefile_id: userA.DefaultAssessorID }, { organisation_id: CENTRE_2, onefile_id: DEMO_SECOND_CENTRE.sharedAssessor.id }]);
    // Other System ID keeps its single-centre meaning: untouched by a multi-centre enrol.
    const officerNow = await h.t.db.selectFrom('pics.officer').select('other_system_id').where('id', '=', sharedOfficer.id).executeTakeFirstOrThrow();
    expect(officerNow.other_system_id).toBe(sharedOfficer.other_system_id);
    const centres = await h.t.db.selectFrom('eportfolio_sync.learner_centre').select(['learner_id', 'organisation_id']).orderBy('learner_id').execute();
    expect(centres).toEqual([{ learner_id: ids.L0001, organisation_id: CENTRE_1 }, { learner_id: ids.L0002, organisation_id: CENTRE_2 }]);
    expect(h.sim.duplicates()).toMatchObject({ total: 0 });
  }, 120_000);

  it('D5, D6, D8 per centre: changes on both sides of both learners reconciled in each learner\'s own centre', async () => {
    const learnerB = await h.t.db.selectFrom('pics.learner').selectAll().where('id', '=', ids.L0002!).executeTakeFirstOrThrow();
    const learnerA = await h.t.db.selectFrom('pics.learner').selectAll().where('id', '=', ids.L0001!).executeTakeFirstOrThrow();
    // OneFile side: a review booked in each centre by that centre's account of the shared officer.
    const accountIn = (centre: number) => [...h.sim.state.users.values()].find((u) => u.OrganisationID === centre && u.MISID === sharedOfficer.ident && u.Role === ROLE.assessor)!.ID;
    h.sim.seed({ reviews: [
      { LearnerID: learnerA.onefile_id!, AssessorID: accountIn(CENTRE_1), ScheduledFor: '2027-02-01T10:00:00.000Z', EndTime: '2027-02-01T11:00:00.000Z' },
      { LearnerID: learnerB.onefile_id!, AssessorID: accountIn(CENTRE_2), ScheduledFor: '2027-02-02T10:00:00.000Z', EndTime: '2027-02-02T11:00:00.000Z' },
    ] });
    // PICS side: learner B gets a new main officer (D8) and a new future review with an officer centre 2 lacks (D5).
    const [newMain, reviewOfficer] = await h.t.db.selectFrom('pics.officer').select(['id', 'ident']).where('ident', 'in', ['O0004', 'O0006']).orderBy('ident').execute();
    await h.t.db.updateTable('pics.learner').set({ main_officer_id: newMain!.id }).where('id', '=', learnerB.id).execute();
    const newReview = await h.t.db.insertInto('pics.review').values({
      learner_id: learnerB.id, review_type: 'N', planned_date: '2027-03-01', planned_time: '11:00:00', attended: 'U', officer_id: reviewOfficer!.id,
    }).returning('id').executeTakeFirstOrThrow();

    const { jobId } = await h.producer.enqueueDailyRun();
    const job = await done(QUEUE.dailySync, jobId);
    expect(job.failedReason).toBeUndefined();

    // D6: each OneFile review became a PICS review with the shared officer, matched through that centre's account.
    for (const [learnerId, date] of [[learnerA.id, '2027-02-01'], [learnerB.id, '2027-02-02']] as const) {
      const pulled = await h.t.db.selectFrom('pics.review').select(['officer_id', 'onefile_system_id']).where('learner_id', '=', learnerId).where('planned_date', '=', date).execute();
      expect(pulled).toHaveLength(1);
      expect(pulled[0]!.officer_id).toBe(sharedOfficer.id);
    }
    // D8: B's default assessor is now the new main officer's account in centre 2 (created there, MIS value = ident).
    const userB = h.sim.state.users.get(learnerB.onefile_id!)!;
    const mainAccount = h.sim.state.users.get(userB.DefaultAssessorID!)!;
    expect([mainAccount.OrganisationID, mainAccount.MISID]).toEqual([CENTRE_2, newMain!.ident]);
    // D5: the new review is in OneFile under the review officer's centre-2 account.
    const uploaded = await h.t.db.selectFrom('pics.review').select('onefile_system_id').where('id', '=', newReview.id).executeTakeFirstOrThrow();
    const review = h.sim.state.reviews.get(uploaded.onefile_system_id!)!;
    expect(review.LearnerID).toBe(learnerB.onefile_id);
    expect(h.sim.state.users.get(review.AssessorID!)).toMatchObject({ OrganisationID: CENTRE_2, MISID: reviewOfficer!.ident });
    // Still nothing in the wrong centre, for either learner, and nothing twice.
    expect(centresOf(learnerA.onefile_id!).reviewAssessors).toEqual([CENTRE_1]);
    expect(centresOf(learnerB.onefile_id!).reviewAssessors).toEqual([CENTRE_2]);
    expect(centresOf(learnerB.onefile_id!).defaultAssessor).toBe(CENTRE_2);
    expect(h.sim.duplicates()).toMatchObject({ total: 0 });
    // Each centre's accounts of the officers of centre 2 kept for the next jobs, none in PICS's single field.
    const keptB = await h.t.db.selectFrom('eportfolio_sync.centre_identity').select('pics_id').where('organisation_id', '=', CENTRE_2).where('kind', '=', 'officer').execute();
    expect(keptB.map((k) => k.pics_id)).toEqual(expect.arrayContaining([sharedOfficer.id, newMain!.id, reviewOfficer!.id]));
  }, 180_000);

  it('a learner linked by hand (no centre kept) is synced in the centre OneFile says it is in, and that centre is kept', async () => {
    await h.t.db.deleteFrom('eportfolio_sync.learner_centre').where('learner_id', '=', ids.L0002!).execute();
    const { jobId } = await h.producer.enqueueLearnerSync(ids.L0002!);
    expect((await done(QUEUE.dailySync, jobId)).failedReason).toBeUndefined();
    const kept = await h.t.db.selectFrom('eportfolio_sync.learner_centre').select('organisation_id').where('learner_id', '=', ids.L0002!).executeTakeFirst();
    expect(kept?.organisation_id).toBe(CENTRE_2);
  }, 60_000);

  it('E4: two assessors with one MIS value in the centre (one archived) are reported at the preview and at the enrol, with both ids', async () => {
    const learner = await h.t.db.selectFrom('pics.learner').select(['id', 'main_officer_id']).where('id', '=', ids.L0003!).executeTakeFirstOrThrow();
    const officer = await h.t.db.selectFrom('pics.officer').select(['id', 'ident', 'forenames', 'surname']).where('ident', '=', 'O0007').executeTakeFirstOrThrow();
    await h.t.db.updateTable('pics.learner').set({ main_officer_id: officer.id }).where('id', '=', learner.id).execute();
    h.sim.seed({ users: [
      { ID: 333001, OrganisationID: CENTRE_2, Role: ROLE.assessor, FirstName: officer.forenames, LastName: officer.surname, MISID: officer.ident },
      { ID: 333002, OrganisationID: CENTRE_2, Role: ROLE.assessor, FirstName: officer.forenames, LastName: officer.surname, MISID: officer.ident, Archived: true },
    ] });
    const refresh = await enqueueDirectoryRefresh(h.producer.queues, 'cli');
    expect((await done(QUEUE.refreshLinks, refresh.jobId)).failedReason).toBeUndefined();

    const choices = { organisationId: CENTRE_2, pathways: { [BUSINESS_ADMIN_QUALIFICATION]: FINANCE_PATHWAY + DEMO_SECOND_CENTRE.standardIdOffset } };
    const preview = await previewEnrol(h.t.db, learner.id, choices);
    expect(preview.decision?.kind).toBe('invalid');
    const problem = preview.decision?.kind === 'invalid' ? preview.decision.problems.find((p) => p.field === `officer.${officer.id}`) : undefined;
    expect(problem?.message).toBe(`main officer ${officer.ident} shares OneFile MIS value '${officer.ident}' with assessors 333001 and 333002 (archived): archive or correct one of them in OneFile`);

    // The enrol finds it in OneFile itself (the directory may be stale), and creates nothing for the learner.
    await h.t.db.deleteFrom('eportfolio_sync.directory_entry').execute();
    const { jobId } = await h.producer.enqueueEnrol(learner.id, choices);
    const job = await done(QUEUE.enrol, jobId);
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toContain('333001 and 333002 (archived)');
    expect(await h.producer.enrolStatus(learner.id)).toMatchObject({ status: 'failed', errorCode: 'duplicate-in-eportfolio' });
    expect([...h.sim.state.users.values()].filter((u) => u.MISID === 'L0003')).toHaveLength(0);
    expect(await h.t.db.selectFrom('eportfolio_sync.learner_centre').select('learner_id').where('learner_id', '=', learner.id).execute()).toEqual([]);
  }, 90_000);
});
