import { ONEFILE_ROLE, type OneFileReviewSummary } from '../../onefile/types.js';
import { setLearnerOneFileId, setLearningAimId } from '../../pics/index.js';
import type { EnrolPlan } from '../../rules/enrol-plan.js';
import { readEnrolSteps, recordEnrolStep } from '../../store/enrol.js';
import { EnrolInvalidError } from '../errors.js';
import { recordLearnerPushed } from '../../store/sync-state.js';
import { readLearnerCentre, recordLearnerCentre } from '../../store/centres.js';
import type { OneFileCtx } from './context.js';
import { resolveClassroom, resolveOfficer, resolvePlacement } from './find-or-create.js';
import { uploadReviewOnce } from './review-upload.js';

/**
 * Executes an enrol plan against OneFile (E1–E7). Every step's result is recorded in the worker's schema as
 * soon as OneFile answers, and every OneFile id is written back to PICS at once. Before creating a record
 * that a crash may have left behind (a user, placement, classroom, learning aim or review), it looks for
 * it first, so a retry after a crash between "created in OneFile" and "recorded here" never makes two.
 */

export interface EnrolResult {
  oneFileLearnerId: number;
  placementId: number;
  classroomId: number;
  officerIds: Record<number, number>;
  aims: Record<number, number>;
  reviews: Record<number, number>;
}

/** Drops null fields: an enrol sends what PICS has, and never clears anything. */
function omitNulls<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null)) as T;
}

/**
 * The learner's centre is kept before the learner is created, so every later job works in it. An earlier attempt
 * into another centre (the user chose again after a failure) may have created the learner there before it
 * stopped: one search of that centre says, and such a learner is reported, never left behind as a twin.
 */
async function keepLearnerCentre(ctx: OneFileCtx, plan: EnrolPlan): Promise<void> {
  const earlier = await readLearnerCentre(ctx.db, plan.learnerId);
  if (earlier === plan.organisationId) return;
  if (earlier !== null) {
    const there = (await ctx.client.findUsers({ OrganisationID: earlier, MISID: plan.learnerIdent, Role: ONEFILE_ROLE.learner }))
      .filter((u) => u.role === null || u.role === ONEFILE_ROLE.learner);
    if (there.length > 0) {
      throw new EnrolInvalidError([{
        field: 'organisation',
        message: `an earlier attempt enrolled learner ${plan.learnerIdent} into OneFile centre ${earlier} (learner ${there.map((u) => u.id).join(', ')}): enrol into centre ${earlier}, or remove that learner in OneFile first`,
      }], 'duplicate-in-eportfolio');
    }
  }
  await recordLearnerCentre(ctx.db, plan.learnerId, plan.organisationId);
}

export async function executeOneFileEnrol(ctx: OneFileCtx, plan: EnrolPlan): Promise<EnrolResult> {
  const { db, client, logger } = ctx;
  const learnerId = plan.learnerId;
  const steps = await readEnrolSteps(db, learnerId);
  const done = (key: string): number | null => {
    const value = steps.get(key);
    return value === undefined || value === null ? null : Number(value);
  };
  const mark = async (key: string, id: number | null) => {
    await recordEnrolStep(db, learnerId, key, id === null ? null : String(id));
    steps.set(key, id === null ? null : String(id));
  };
  const org = plan.organisationId;

  // E5 employer placement.
  let placementId = done('employer');
  if (placementId === null) {
    placementId = await resolvePlacement(ctx, org, plan.employer);
    await mark('employer', placementId);
  }

  // E6 classroom, found by name in the organisation, created if missing.
  let classroomId = done('classroom');
  if (classroomId === null) {
    classroomId = await resolveClassroom(ctx, org, plan.classroomName);
    await mark('classroom', classroomId);
  }

  // E4 officers: the id kept for them (Other System ID, or per centre), else matched by MIS value, else created.
  const officerIds: Record<number, number> = {};
  for (const officer of plan.officers) {
    const key = `officer:${officer.officerId}`;
    let id = done(key);
    if (id === null) id = await resolveOfficer(ctx, org, officer);
    if (done(key) === null) await mark(key, id);
    officerIds[officer.officerId] = id;
  }
  const mainAssessorId = officerIds[plan.mainOfficerId]!;

  // E1 the learner, with DefaultAssessorID, ClassroomID and PlacementID already resolved.
  let oneFileLearnerId = done('learner');
  if (oneFileLearnerId === null) await keepLearnerCentre(ctx, plan);
  // A learner this very attempt created has only the aims and reviews this attempt gives it (and knows), so
  // the look-ups for what a crashed attempt left behind are skipped: two calls fewer on a first enrol.
  let createdNow = false;
  if (oneFileLearnerId === null) {
    const existing = (await client.findUsers({ OrganisationID: org, MISID: plan.learnerIdent, Role: ONEFILE_ROLE.learner }))
      .filter((u) => u.role === null || u.role === ONEFILE_ROLE.learner);
    if (existing.length > 1) {
      throw new EnrolInvalidError([{ field: 'learner', message: `OneFile already holds ${existing.length} learners with MIS value '${plan.learnerIdent}' (${existing.map((u) => u.id).join(', ')}): link the right one by hand` }], 'duplicate-in-eportfolio');
    }
    if (existing.length === 1) logger.warn({ oneFileLearnerId: existing[0]!.id }, 'learner already in OneFile under its MIS value: adopting it instead of creating another');
    if (existing.length === 1) {
      oneFileLearnerId = existing[0]!.id;
    } else {
      oneFileLearnerId = (await client.createUser({ ...omitNulls(plan.learner), DefaultAssessorID: mainAssessorId, ClassroomID: classroomId, PlacementID: placementId })).id;
      createdNow = true;
    }
    // The step first: once PICS holds the id, a retry must know it is finishing its own enrol (not refuse it).
    await mark('learner', oneFileLearnerId);
    await recordLearnerPushed(db, learnerId, { defaultAssessorId: mainAssessorId, placementId });
  }
  await setLearnerOneFileId(db, learnerId, oneFileLearnerId);

  // E2 learning aims, their fields, and each qualification's lead assessor.
  const aims: Record<number, number> = {};
  let existingAims: Map<number, number> | null = null;
  for (const aim of plan.aims) {
    const key = `aim:${aim.learnerQualificationId}`;
    let aimId = done(key);
    if (aimId === null) {
      existingAims ??= createdNow
        ? new Map()
        : new Map((await client.searchLearningAims(oneFileLearnerId).all()).filter((a) => a.standardId !== null).map((a) => [a.standardId!, a.id]));
      aimId = existingAims.get(aim.standardId) ?? (await client.assignStandard(aim.standardId, oneFileLearnerId));
      existingAims.set(aim.standardId, aimId);
      // The step first, as for the learner: once PICS holds the aim id, a retry still finishes its fields and lead.
      await mark(key, aimId);
    }
    await setLearningAimId(db, aim.learnerQualificationId, aimId);
    aims[aim.learnerQualificationId] = aimId;
    const fields = omitNulls(aim.fields);
    if (!steps.has(`aim-fields:${aim.learnerQualificationId}`)) {
      if (Object.keys(fields).length) await client.updateLearningAim(aimId, fields);
      await mark(`aim-fields:${aim.learnerQualificationId}`, null);
    }
    const lead = aim.leadAssessorOfficerId === null ? undefined : officerIds[aim.leadAssessorOfficerId];
    if (lead !== undefined && !steps.has(`lead:${aim.learnerQualificationId}`)) {
      await client.assignUser(lead, { LearnerID: oneFileLearnerId, Level: 3, StandardID: aim.standardId });
      await mark(`lead:${aim.learnerQualificationId}`, lead);
    }
  }

  // E3 reviews (with their visits), matched after a crash by scheduled time among the learner's reviews.
  const reviews: Record<number, number> = {};
  let searched: OneFileReviewSummary[] | null = null;
  for (const review of plan.reviews) {
    const key = `review:${review.reviewId}`;
    let reviewId = done(key);
    if (reviewId === null) {
      // uploadReviewOnce leaves out the reviews PICS already claims, and finds one a daily child uploaded meanwhile.
      searched ??= createdNow ? [] : await client.searchReviews(oneFileLearnerId).all();
      const assessorId = officerIds[review.assessorOfficerId] ?? mainAssessorId;
      reviewId = (await uploadReviewOnce(ctx, { learnerId, learnerOneFileId: oneFileLearnerId, organisationId: org, assessorId }, review, searched)).oneFileReviewId;
      await mark(key, reviewId);
    }
    reviews[review.reviewId] = reviewId;
  }

  // S11 additional assessors.
  for (const officerId of plan.additionalOfficerIds) {
    const key = `additional:${officerId}`;
    const id = officerIds[officerId];
    if (id === undefined || steps.has(key)) continue;
    await client.assignUser(id, { LearnerID: oneFileLearnerId, Level: 1 });
    await mark(key, id);
  }

  return { oneFileLearnerId, placementId, classroomId, officerIds, aims, reviews };
}
