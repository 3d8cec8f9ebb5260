import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.js';
import {
  insertReview, lockLearnerRow, readLearnerReviewLinks, setReviewOneFileId, updateLearner, updateLearnerQualification, updateOfficer,
  updateOrganisation, updateReview, type OfficerRow,
} from '../../pics/index.js';
import type { OfficerUpload } from '../../rules/enrol-plan.js';
import { choosePlacement } from '../../rules/placement.js';
import type { ReviewUpload } from '../../rules/review-selection.js';
import { planDefaultLinks, type FieldChange, type SyncPlan } from '../../rules/sync-plan.js';
import { recordAudit } from '../../store/audit.js';
import { cacheReviews, markEntityDone, recordLearnerPushed } from '../../store/sync-state.js';
import { recordCentreIdentity, recordLearnerCentre } from '../../store/centres.js';
import { EnrolInvalidError } from '../errors.js';
import { resolveOfficer, resolvePlacement } from './find-or-create.js';
import { uploadReviewOnce } from './review-upload.js';
import type { SyncLearnerContext, SyncLearnerResult } from './sync-context.js';
import { oneFileIdOf } from '../../domain/onefile-id.js';
import type { SyncState } from './sync-load.js';

/**
 * Act, the last step of the per-learner sync, in this order:
 * 1. PICS, in one transaction under the learner's row lock: field changes, new reviews from OneFile, adopted
 *    uploads, reviews now complete (the review cache) and their audit lines. Nothing counts as seen before PICS has it.
 * 2. OneFile: blanks filled on learning aims (D2–D4), the learner's demographics and D8 links, then review
 *    uploads (D5/D11), each recorded as soon as OneFile accepts it.
 * 3. Officers and the employer (D7), each marked done for the run with its PICS change.
 */

async function applyPicsChanges(db: Kysely<DB>, changes: FieldChange[]): Promise<void> {
  const byRow = new Map<string, { table: FieldChange['table']; rowId: number; patch: Record<string, unknown> }>();
  for (const c of changes) {
    const key = `${c.table}:${c.rowId}`;
    const entry = byRow.get(key) ?? { table: c.table, rowId: c.rowId, patch: {} };
    entry.patch[c.field] = c.newValue;
    byRow.set(key, entry);
  }
  for (const { table, rowId, patch } of byRow.values()) {
    if (table === 'learner_qualification') await updateLearnerQualification(db, rowId, patch);
    else if (table === 'review') await updateReview(db, rowId, patch);
    else if (table === 'learner') await updateLearner(db, rowId, patch);
    else if (table === 'officer') await updateOfficer(db, rowId, patch);
  }
}

async function writePics(ctx: SyncLearnerContext, state: SyncState, plan: SyncPlan): Promise<void> {
  const learnerId = state.graph.learner.id;
  const adopted = plan.oneFileChanges.filter((c) => c.table === 'review' && c.field === 'onefile_system_id');
  // Only what the next sync acts on is remembered: a review now complete (never read again). An open one is
  // read every day anyway, so rewriting its line would cost a write and a transaction for nothing.
  const nowComplete = plan.reviewsSeen.filter((s) => s.complete && !state.known.get(s.review.id)?.complete);
  if (!plan.picsChanges.length && !plan.newPicsReviews.length && !plan.adoptions.length && !nowComplete.length) return;
  await ctx.db.transaction().execute(async (trx) => {
    // Another job of this learner (the lease should prevent one) waits here, then sees what this one wrote.
    await lockLearnerRow(trx, learnerId);
    const held = new Set((await readLearnerReviewLinks(trx, learnerId)).values());
    await applyPicsChanges(trx, plan.picsChanges);
    for (const r of plan.newPicsReviews) {
      if (held.has(r.oneFileReviewId)) continue; // PICS has it already: never a second row for one OneFile review
      await insertReview(trx, {
        learner_id: learnerId, review_type: 'N', planned_date: r.planned_date, planned_time: r.planned_time, attended: r.attended,
        actual_date: r.actual_date, officer_id: r.officer_id, trainee_signed_date: r.trainee_signed_date, onefile_system_id: r.oneFileReviewId,
      });
    }
    for (const a of plan.adoptions) await setReviewOneFileId(trx, a.reviewId, a.oneFileReviewId);
    await cacheReviews(trx, learnerId, nowComplete);
    await recordAudit(trx, audit(ctx, learnerId), [...plan.picsChanges, ...adopted]);
  });
}

const audit = (ctx: SyncLearnerContext, learnerId: number) => ({ runId: ctx.runId, jobId: ctx.jobId, learnerId });

function officerUpload(officer: OfficerRow, reason: OfficerUpload['reasons'][number]): OfficerUpload {
  return {
    officerId: officer.id, ident: officer.ident, oneFileId: oneFileIdOf(officer.other_system_id), firstName: officer.forenames.trim(),
    lastName: officer.surname.trim(), email: officer.email?.trim() ?? '', reasons: [reason],
  };
}

type Assessor = { assessorId: number; standInReason?: string } | { skip: string };

/**
 * E4 at D5: the review's own officer, found or created as a OneFile assessor exactly as at enrol. Where no
 * account can be had, the main officer's stands in, and why is kept (never later copied back to PICS).
 */
async function assessorFor(ctx: SyncLearnerContext, state: SyncState, org: number, upload: ReviewUpload, mainAssessor: () => Promise<number | null>): Promise<Assessor> {
  const officer = state.graph.officers.get(upload.assessorOfficerId);
  let reason: string;
  const known = officer ? state.ids.officers.get(officer.id) : undefined;
  if (!officer) reason = `officer #${upload.assessorOfficerId} does not exist`;
  else if (known !== undefined) return { assessorId: known };
  else if (!officer.email?.trim()) reason = `officer ${officer.ident ?? `#${officer.id}`} is not linked to OneFile and has no email, which OneFile needs to create the assessor`;
  else {
    try {
      return { assessorId: await resolveOfficer(ctx, org, officerUpload(officer, upload.assessorOfficerId === state.graph.learner.main_officer_id ? 'main' : 'review-officer')) };
    } catch (error) {
      if (!(error instanceof EnrolInvalidError)) throw error;
      reason = error.problems.map((p) => p.message).join('; ');
    }
  }
  const isMain = upload.assessorOfficerId === state.graph.learner.main_officer_id;
  const main = isMain ? null : await mainAssessor();
  if (main === null) return { skip: `${reason}, and no main officer's OneFile account can stand in` };
  return { assessorId: main, standInReason: reason };
}

async function uploadReviews(ctx: SyncLearnerContext, state: SyncState, plan: SyncPlan, org: number, mainAssessor: () => Promise<number | null>): Promise<FieldChange[]> {
  const learnerId = state.graph.learner.id;
  const rule = ctx.firstSync ? 'D11' : 'D5';
  const pushed: FieldChange[] = [];
  const searched = [...state.reviewRows];
  for (const upload of plan.reviewUploads) {
    const who = await assessorFor(ctx, state, org, upload, mainAssessor);
    if ('skip' in who) {
      ctx.logger.warn({ reviewId: upload.reviewId, reason: who.skip }, 'review not uploaded: no OneFile assessor for it');
      continue;
    }
    const target = { learnerId, learnerOneFileId: state.learnerOneFileId, organisationId: org, assessorId: who.assessorId, ...(who.standInReason ? { standInReason: who.standInReason } : {}) };
    const { oneFileReviewId, how } = await uploadReviewOnce(ctx, target, upload, searched);
    if (how === 'already-in-pics') continue; // another job uploaded it, and audited it
    pushed.push({ table: 'review', rowId: upload.reviewId, field: 'onefile_system_id', oldValue: null, newValue: oneFileReviewId, direction: 'to_eportfolio', rule });
    if (who.standInReason) {
      ctx.logger.warn({ reviewId: upload.reviewId, oneFileReviewId, reason: who.standInReason }, 'review uploaded under the main officer as a stand-in');
      pushed.push({ table: 'review', rowId: upload.reviewId, field: 'stand_in_assessor', oldValue: upload.assessorOfficerId, newValue: `${who.assessorId}: ${who.standInReason}`, direction: 'to_eportfolio', rule });
    }
  }
  return pushed;
}

interface EntityUpdate {
  kind: 'officer' | 'organisation';
  picsId: number;
  push: Record<string, string>;
  changes: FieldChange[];
  sendToOneFile(push: Record<string, string>): Promise<void>;
  writePics(trx: Kysely<DB>, patch: Record<string, unknown>): Promise<void>;
}

/** D7 for one officer or the employer: OneFile first (push), then PICS (pull) with the run's "done", in one transaction. */
async function writeEntity(ctx: SyncLearnerContext, u: EntityUpdate, centre: number): Promise<void> {
  if (Object.keys(u.push).length) await u.sendToOneFile(u.push);
  const toPics = u.changes.filter((c) => c.direction === 'to_pics');
  await ctx.db.transaction().execute(async (trx) => {
    if (toPics.length) await u.writePics(trx, Object.fromEntries(toPics.map((c) => [c.field, c.newValue])));
    if (ctx.runId !== null) await markEntityDone(trx, u.kind, u.picsId, ctx.runId, ctx.settings.multiCentre ? centre : 0);
  });
}

async function writeDemographics(ctx: SyncLearnerContext, plan: SyncPlan, centre: number): Promise<FieldChange[]> {
  const updates: EntityUpdate[] = plan.officerUpdates.map((u) => ({
    kind: 'officer', picsId: u.officerId, push: u.push, changes: u.changes,
    sendToOneFile: (push) => ctx.client.updateUser(u.oneFileId, push), writePics: (trx, patch) => updateOfficer(trx, u.officerId, patch),
  }));
  const o = plan.organisationUpdate;
  if (o) {
    updates.push({
      kind: 'organisation', picsId: o.organisationId, push: o.push, changes: o.changes,
      sendToOneFile: (push) => ctx.client.updatePlacement(o.placementId, push), writePics: (trx, patch) => updateOrganisation(trx, o.organisationId, patch),
    });
  }
  for (const u of updates) await writeEntity(ctx, u, centre);
  return updates.flatMap((u) => u.changes);
}

/** Multi-centre: what the load learned from OneFile (the learner's centre, assessors matched by MIS value), kept. */
async function keepLearned(ctx: SyncLearnerContext, state: SyncState): Promise<void> {
  if (state.learned.centre) await recordLearnerCentre(ctx.db, state.graph.learner.id, state.centre);
  for (const [oneFileId, officerId] of state.learned.officers) await recordCentreIdentity(ctx.db, 'officer', officerId, state.centre, oneFileId);
}

export async function executeSyncPlan(ctx: SyncLearnerContext, state: SyncState, plan: SyncPlan): Promise<SyncLearnerResult> {
  const { client, settings } = ctx;
  const { graph, learnerOneFileId } = state;
  const learnerId = graph.learner.id;
  const org = state.centre;

  await keepLearned(ctx, state);
  await writePics(ctx, state, plan);
  const pushed: FieldChange[] = [];

  for (const push of plan.aimPushes) {
    await client.updateLearningAim(push.aimId, push.patch);
    pushed.push(...plan.oneFileChanges.filter((c) => c.table === 'learner_qualification' && c.rowId === push.learnerQualificationId));
  }

  // The main officer's OneFile account, found or created once however many uses it has here (D8, stand-ins).
  const mainOfficer = graph.learner.main_officer_id === null ? undefined : graph.officers.get(graph.learner.main_officer_id);
  let mainAssessorId: Promise<number | null> | undefined;
  const mainAssessor = () => (mainAssessorId ??= (async () => {
    const linked = mainOfficer ? state.ids.officers.get(mainOfficer.id) ?? null : null;
    if (linked !== null || !mainOfficer || !org) return linked ?? state.lastPushed.defaultAssessorId;
    return mainOfficer.email?.trim() ? resolveOfficer(ctx, org, officerUpload(mainOfficer, 'main')) : state.lastPushed.defaultAssessorId;
  })());

  // D7 learner push and D8 in one partial update.
  const placement = choosePlacement(graph.placements);
  const employer = settings.pushEmployerChanges && placement?.organisation && org
    ? state.ids.employer ?? (await resolvePlacement(ctx, org, {
      organisationId: placement.organisation.id, ident: placement.organisation.ident, oneFileId: null, name: placement.organisation.name, placementId: placement.id,
    }))
    : null;
  const mainOfficerOneFileId = settings.pushMainOfficerChanges && mainOfficer && org ? await mainAssessor() : null;
  const d8 = planDefaultLinks(settings, learnerId, { mainOfficerOneFileId, employerPlacementId: employer, lastPushed: state.lastPushed });
  const learnerPush = plan.learnerPush || Object.keys(d8.patch).length ? { ...plan.learnerPush, ...d8.patch } : null;
  if (learnerPush) {
    await client.updateUser(learnerOneFileId, learnerPush);
    pushed.push(...plan.oneFileChanges.filter((c) => c.table === 'learner'), ...d8.changes);
    await recordLearnerPushed(ctx.db, learnerId, {
      ...(d8.patch.DefaultAssessorID !== undefined ? { defaultAssessorId: d8.patch.DefaultAssessorID } : {}),
      ...(d8.patch.PlacementID !== undefined ? { placementId: d8.patch.PlacementID } : {}),
    });
  }

  if (plan.reviewUploads.length && org) pushed.push(...(await uploadReviews(ctx, state, plan, org, mainAssessor)));

  const demographics = await writeDemographics(ctx, plan, org);
  await recordAudit(ctx.db, audit(ctx, learnerId), [...pushed, ...demographics]);
  const toPics = plan.picsChanges.length + plan.newPicsReviews.length + demographics.filter((c) => c.direction === 'to_pics').length;
  const toEPortfolio = plan.adoptions.length + pushed.filter((c) => c.field !== 'stand_in_assessor').length
    + demographics.filter((c) => c.direction === 'to_eportfolio').length;
  return { status: 'completed', changes: toPics + toEPortfolio, toPics, toEPortfolio };
}
