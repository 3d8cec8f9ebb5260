import { sql } from 'kysely';
import type { Database } from '../../src/db/connect.js';
import { DEMO_QUALIFICATIONS } from '../../src/demo/catalogue.js';
import type { Selectable } from 'kysely';
import type { PicsQualification } from '../../src/db/types.js';
import type { LearnerGraph, Officer } from '../../src/domain/learner.js';
import { ONEFILE_ROLE } from '../../src/onefile/types.js';
import {
  learnerFromRow, learnerQualificationFromRow, officerFromRow, placementFromRow, readOneFileSettings, reviewFromRow,
} from '../../src/pics/index.js';
import { planEnrol, type LinkedStandard } from '../../src/rules/enrol-plan.js';
import type { SimulatorHandle } from '../../src/simulator/index.js';

/*
 * Every PICS learner "enrolled" in OneFile without the API (10,000 real enrols would take hours of budget):
 * the learners' graphs are read in a handful of set queries, the worker's own pure enrol rules (planEnrol,
 * E1–E6) decide what OneFile would hold, and that is written straight into the simulator's records and back
 * into PICS (learner.onefile_id, officer.other_system_id, organisation.additional_id,
 * learner_qualification.onefile_learning_aim_id, review.onefile_system_id), plus what an enrol records for
 * D8 (eportfolio_sync.learner_state). The worker's review cache (eportfolio_sync.review_state) stays empty,
 * as after real enrols. Not written: enrol progress rows (the sync never reads them).
 */

/** OneFile ids derived from PICS ids, above the ids the simulator's demo seed uses and below its own counters. */
const ID = {
  assessor: (officerId: number) => 1_290_000 + officerId,
  learner: (learnerId: number) => 1_300_000 + learnerId,
  placement: (organisationId: number) => 19_500 + organisationId,
  classroom: (n: number) => 16_500 + n,
  aim: (learnerQualificationId: number) => 2_000_000 + learnerQualificationId,
  review: (reviewId: number) => 4_100_000 + reviewId,
  visit: (reviewId: number) => 560_000 + reviewId,
};

export interface EnrolledState {
  learners: number;
  notEnrolled: Array<{ ident: string; why: string }>;
  assessorsCreated: number;
  placementsCreated: number;
  classroomsCreated: number;
  learningAims: number;
  reviews: number;
  assignments: number;
}

const group = <T, K>(rows: T[], key: (row: T) => K): Map<K, T[]> => {
  const by = new Map<K, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = by.get(k);
    if (list) list.push(row);
    else by.set(k, [row]);
  }
  return by;
};

/** Every learner graph at once: the same rows loadLearnerGraph reads one learner at a time. */
async function loadAllGraphs(db: Database): Promise<LearnerGraph[]> {
  const [learners, officers, roles, placements, organisations, qualifications, units, reviews] = await Promise.all([
    db.selectFrom('pics.learner as l').leftJoin('pics.tag as t', 't.id', 'l.main_tag_id').selectAll('l').select('t.name as main_tag_name').orderBy('l.id').execute(),
    db.selectFrom('pics.officer').selectAll().execute(),
    db.selectFrom('pics.learner_officer').select(['learner_id', 'officer_id', 'role']).orderBy('role').orderBy('officer_id').execute(),
    db.selectFrom('pics.placement').selectAll().orderBy('start_date', 'desc').orderBy('id', 'desc').execute(),
    db.selectFrom('pics.organisation').selectAll().execute(),
    db.selectFrom('pics.learner_qualification as lq').leftJoin('pics.qualification as q', 'q.id', 'lq.qualification_id')
      .selectAll('lq').select(sql<Selectable<PicsQualification> | null>`case when q.id is null then null else to_jsonb(q) end`.as('qualification'))
      .orderBy('lq.id').execute(),
    db.selectFrom('pics.learner_unit').select(['learner_qualification_id', sql<string>`count(*)`.as('n')]).groupBy('learner_qualification_id').execute(),
    db.selectFrom('pics.review').selectAll().orderBy('id').execute(),
  ]);
  const officerById = new Map<number, Officer>(officers.map((o) => [o.id, officerFromRow(o)]));
  const organisationById = new Map(organisations.map((o) => [o.id, o]));
  const unitCount = new Map(units.map((u) => [u.learner_qualification_id, Number(u.n)]));
  const rolesBy = group(roles, (r) => r.learner_id);
  const placementsBy = group(placements, (p) => p.learner_id);
  const qualificationsBy = group(qualifications, (q) => q.learner_id);
  const reviewsBy = group(reviews, (r) => r.learner_id);
  return learners.map(({ main_tag_name: mainTagName, ...learner }): LearnerGraph => {
    const learnerRoles = rolesBy.get(learner.id) ?? [];
    const learnerQualifications = qualificationsBy.get(learner.id) ?? [];
    const learnerReviews = reviewsBy.get(learner.id) ?? [];
    const referenced = [learner.main_officer_id, ...learnerRoles.map((r) => r.officer_id),
      ...learnerQualifications.map((q) => q.assessor_officer_id), ...learnerReviews.map((r) => r.officer_id)];
    const graphOfficers = new Map<number, Officer>();
    for (const id of referenced) if (id !== null && officerById.has(id)) graphOfficers.set(id, officerById.get(id)!);
    return {
      learner: learnerFromRow(learner),
      mainTagName,
      officers: graphOfficers,
      roles: learnerRoles.map((r) => ({ officerId: r.officer_id, role: r.role })),
      placements: (placementsBy.get(learner.id) ?? []).map((p) =>
        placementFromRow(p, p.organisation_id === null ? null : (organisationById.get(p.organisation_id) ?? null))),
      qualifications: learnerQualifications.map(({ qualification, ...q }) => learnerQualificationFromRow(q, qualification, unitCount.get(q.id) ?? 0)),
      reviews: learnerReviews.map(reviewFromRow),
    };
  });
}

/** Q1 as the links refresh would find it for the demo catalogue: qualification id → its OneFile standards. */
async function demoLinks(db: Database): Promise<Map<number, LinkedStandard[]>> {
  const qualifications = await db.selectFrom('pics.qualification').select(['id', 'title']).execute();
  const links = new Map<number, LinkedStandard[]>();
  for (const q of qualifications) {
    const demo = DEMO_QUALIFICATIONS.find((d) => d.title === q.title);
    if (demo?.standards.length) links.set(q.id, demo.standards.map((s) => ({ standardId: s.id, title: s.title })));
  }
  return links;
}

async function updateIds(db: Database, table: 'pics.learner' | 'pics.learner_qualification' | 'pics.review', column: string, base: number, ids: number[]) {
  for (let i = 0; i < ids.length; i += 20_000) {
    await sql`update ${sql.table(table)} set ${sql.ref(column)} = ${base} + id where id = any(${ids.slice(i, i + 20_000)}::int[])`.execute(db);
  }
}

export async function seedEnrolledState(db: Database, sim: SimulatorHandle, options: { today: string }): Promise<EnrolledState> {
  const settings = await readOneFileSettings(db);
  if (!settings?.organisationId) throw new Error('the demo settings have no OneFile organisation');
  const org = settings.organisationId;
  const links = await demoLinks(db);
  // Where a qualification has several pathways (Q2) the user picks one at enrol: the first here.
  const pathways = Object.fromEntries([...links].filter(([, s]) => s.length > 1).map(([q, s]) => [q, s[0]!.standardId]));
  const graphs = await loadAllGraphs(db);

  const users: Record<string, unknown>[] = [];
  const placements: Record<string, unknown>[] = [];
  const classrooms: Record<string, unknown>[] = [];
  const aims: Record<string, unknown>[] = [];
  const reviews: Record<string, unknown>[] = [];
  const visits: Record<string, unknown>[] = [];
  const assignments: Record<string, unknown>[] = [];
  const learnerState: Array<{ learner_id: number; pushed_default_assessor_id: number; pushed_placement_id: number }> = [];
  const enrolledLearners: number[] = [];
  const aimRows: number[] = [];
  const reviewRows: number[] = [];
  const notEnrolled: EnrolledState['notEnrolled'] = [];

  // Shared records, found or created once (E4–E6).
  const officerIds = new Map<number, number>();
  const createdOfficers: Array<{ id: number; oneFileId: number }> = [];
  const placementIds = new Map<number, number>();
  const createdPlacements: Array<{ id: number; oneFileId: number }> = [];
  const classroomIds = new Map<string, number>();
  for (const c of sim.state.classrooms.values()) if (c.OrganisationID === org && c.Name) classroomIds.set(c.Name.trim().toLowerCase(), c.ID);

  for (const graph of graphs) {
    const decision = planEnrol({ graph, settings, links, choices: { pathways }, today: options.today });
    if (decision.kind !== 'plan') {
      notEnrolled.push({ ident: graph.learner.ident, why: decision.kind === 'refused' ? decision.reason : decision.problems.map((p) => p.message).join('; ') });
      continue;
    }
    const plan = decision.plan;

    let placementId = plan.employer.oneFileId ?? placementIds.get(plan.employer.organisationId);
    if (placementId === undefined) {
      placementId = ID.placement(plan.employer.organisationId);
      placements.push({ ID: placementId, OrganisationID: org, Name: plan.employer.name, ...(plan.employer.ident ? { MISID: plan.employer.ident } : {}) });
      createdPlacements.push({ id: plan.employer.organisationId, oneFileId: placementId });
    }
    placementIds.set(plan.employer.organisationId, placementId);

    const classroomKey = plan.classroomName.trim().toLowerCase();
    let classroomId = classroomIds.get(classroomKey);
    if (classroomId === undefined) {
      classroomId = ID.classroom(classrooms.length + 1);
      classrooms.push({ ID: classroomId, OrganisationID: org, Name: plan.classroomName });
      classroomIds.set(classroomKey, classroomId);
    }

    const officerOneFileIds: Record<number, number> = {};
    for (const officer of plan.officers) {
      let id = officer.oneFileId ?? officerIds.get(officer.officerId);
      if (id === undefined) {
        id = ID.assessor(officer.officerId);
        users.push({ ID: id, OrganisationID: org, FirstName: officer.firstName, LastName: officer.lastName, Email: officer.email, Role: ONEFILE_ROLE.assessor, ...(officer.ident ? { MISID: officer.ident } : {}) });
        createdOfficers.push({ id: officer.officerId, oneFileId: id });
      }
      officerIds.set(officer.officerId, id);
      officerOneFileIds[officer.officerId] = id;
    }
    const mainAssessorId = officerOneFileIds[plan.mainOfficerId]!;

    const learnerOneFileId = ID.learner(plan.learnerId);
    const learnerFields = Object.fromEntries(Object.entries(plan.learner).filter(([, v]) => v !== null));
    users.push({ ...learnerFields, ID: learnerOneFileId, DefaultAssessorID: mainAssessorId, ClassroomID: classroomId, PlacementID: placementId });
    learnerState.push({ learner_id: plan.learnerId, pushed_default_assessor_id: mainAssessorId, pushed_placement_id: placementId });
    enrolledLearners.push(plan.learnerId);

    for (const aim of plan.aims) {
      const fields = Object.fromEntries(Object.entries(aim.fields).filter(([, v]) => v !== null));
      aims.push({ ...fields, ID: ID.aim(aim.learnerQualificationId), UserID: learnerOneFileId, StandardID: aim.standardId });
      aimRows.push(aim.learnerQualificationId);
      const lead = aim.leadAssessorOfficerId === null ? undefined : officerOneFileIds[aim.leadAssessorOfficerId];
      if (lead !== undefined) assignments.push({ UserID: lead, LearnerID: learnerOneFileId, Level: 3, StandardID: aim.standardId });
    }
    for (const review of plan.reviews) {
      const assessorId = officerOneFileIds[review.assessorOfficerId] ?? mainAssessorId;
      visits.push({ ID: ID.visit(review.reviewId), LearnerID: learnerOneFileId, OrganisationID: org, AssessorID: assessorId, DateFrom: review.scheduledFor, DateTo: review.endTime, VisitTypeID: review.visitTypeId });
      reviews.push({ ID: ID.review(review.reviewId), LearnerID: learnerOneFileId, AssessorID: assessorId, ScheduledFor: review.scheduledFor, EndTime: review.endTime, VisitID: ID.visit(review.reviewId) });
      reviewRows.push(review.reviewId);
    }
    for (const officerId of plan.additionalOfficerIds) {
      const id = officerOneFileIds[officerId];
      if (id !== undefined) assignments.push({ UserID: id, LearnerID: learnerOneFileId, Level: 1 });
    }
  }

  sim.seed({ placements, classrooms, users, learningAims: aims, visits, reviews, assignments });

  await db.transaction().execute(async (trx) => {
    for (const o of createdOfficers) await trx.updateTable('pics.officer').set({ other_system_id: String(o.oneFileId) }).where('id', '=', o.id).execute();
    for (const o of createdPlacements) await trx.updateTable('pics.organisation').set({ additional_id: String(o.oneFileId) }).where('id', '=', o.id).execute();
    await updateIds(trx, 'pics.learner', 'onefile_id', ID.learner(0), enrolledLearners);
    await updateIds(trx, 'pics.learner_qualification', 'onefile_learning_aim_id', ID.aim(0), aimRows);
    await updateIds(trx, 'pics.review', 'onefile_system_id', ID.review(0), reviewRows);
    for (let i = 0; i < learnerState.length; i += 10_000) {
      await trx.insertInto('eportfolio_sync.learner_state').values(learnerState.slice(i, i + 10_000)).execute();
    }
  });
  await sql`analyze`.execute(db);

  const duplicates = sim.duplicates();
  if (duplicates.total !== 0) throw new Error(`the seeded OneFile state holds duplicates: ${JSON.stringify(duplicates).slice(0, 500)}`);
  return {
    learners: enrolledLearners.length, notEnrolled, assessorsCreated: createdOfficers.length, placementsCreated: createdPlacements.length,
    classroomsCreated: classrooms.length, learningAims: aims.length, reviews: reviews.length, assignments: assignments.length,
  };
}
