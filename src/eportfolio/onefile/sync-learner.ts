import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.js';
import type { OneFileLearningAim, OneFileReview, OneFileReviewSummary, OneFileUser } from '../../onefile/types.js';
import {
  insertReview, loadLearnerGraph, officersByOtherSystemIds, setReviewOneFileId, updateLearner, updateLearnerQualification,
  updateOfficer, updateOrganisation, updateReview, type LearnerGraph, type OfficerRow, type ReviewRow,
} from '../../pics/index.js';
import { choosePlacement, reviewUpload, selectReviewsForFirstSync, selectReviewsForUpload, type OfficerUpload } from '../../rules/enrol-plan.js';
import { planSync, reconcileOfficerDemographics, reconcileOrganisationDemographics, type FieldChange, type SyncPlan } from '../../rules/sync-plan.js';
import { recordAudit } from '../../store/audit.js';
import { cacheReviews, claimEntityForRun, readLearnerPushed, readReviewCache, recordLearnerPushed } from '../../store/sync-state.js';
import { OneFileNotFoundError } from '../../onefile/errors.js';
import { aimReadMethod, observeAimSearchRows } from './aim-search-shape.js';
import { takeReviewAt, uploadReviewOnce } from './review-upload.js';
import { resolveOfficer, resolvePlacement, type OneFileCtx } from './enrol.js';

/**
 * The per-learner two-way sync (D1–D9, D11): read the few OneFile records that can have changed, plan with
 * the pure rules, apply PICS changes in one transaction with their audit lines, then make the OneFile
 * writes, each audited once OneFile has accepted it.
 */

export interface SyncLearnerContext extends OneFileCtx {
  runId: number | null;
  jobId: string | null;
  firstSync: boolean;
  today: string;
  now: Date;
}

export interface SyncLearnerResult {
  status: 'completed' | 'skipped';
  reason?: string;
  changes: number;
  toPics: number;
  toEPortfolio: number;
}

const REVIEW_DUE_MARGIN_MS = 24 * 3600 * 1000;
const oneFileIdOf = (value: string | null): number | null => {
  const n = Number(value?.trim());
  return value && Number.isInteger(n) && n > 0 ? n : null;
};

async function readAims(ctx: SyncLearnerContext, graph: LearnerGraph, learnerOneFileId: number): Promise<Map<number, OneFileLearningAim>> {
  const wanted = new Set(graph.qualifications.map((q) => q.onefile_learning_aim_id).filter((id): id is number => id !== null));
  const aims = new Map<number, OneFileLearningAim>();
  if (wanted.size === 0) return aims;
  const customer = ctx.client.customerKey;
  if (aimReadMethod(customer, wanted.size) === 'search') {
    const rows = await ctx.client.searchLearningAims(learnerOneFileId).all();
    observeAimSearchRows(customer, rows);
    for (const row of rows) {
      if (!wanted.has(row.id)) continue;
      // A GET only for what the search row lacks.
      aims.set(row.id, row.full ?? (await ctx.client.getLearningAim(row.id)));
    }
    return aims;
  }
  for (const id of wanted) {
    try {
      const aim = await ctx.client.getLearningAim(id);
      // The search would only have listed this learner's aims: a GET must not let another learner's in.
      if (aim.userId === null || aim.userId === learnerOneFileId) aims.set(id, aim);
      else ctx.logger.warn({ learnerId: graph.learner.id, learningAimId: id }, 'learning aim linked in PICS belongs to another OneFile learner: not synced');
    } catch (error) {
      if (!(error instanceof OneFileNotFoundError)) throw error;
      ctx.logger.warn({ learnerId: graph.learner.id, learningAimId: id }, 'learning aim linked in PICS no longer exists in OneFile: not synced');
    }
  }
  return aims;
}

/** Which review details to read: new to us, or not complete and already due. Complete ones never change. */
function reviewsNeedingDetail(summaries: OneFileReviewSummary[], cache: Map<number, { complete: boolean }>, picsKnown: Set<number>, now: Date): OneFileReviewSummary[] {
  return summaries.filter((r) => {
    if (!picsKnown.has(r.id)) return true; // PICS has no row for it yet: the details create one (D6)
    const cached = cache.get(r.id);
    if (!cached) return true;
    if (cached.complete) return false;
    return r.scheduledFor === null || Date.parse(r.scheduledFor) <= now.getTime() + REVIEW_DUE_MARGIN_MS;
  });
}

async function applyPicsChanges(db: Kysely<DB>, changes: FieldChange[], plan: SyncPlan, learnerId: number): Promise<void> {
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
  for (const r of plan.newPicsReviews) {
    await insertReview(db, {
      learner_id: learnerId, review_type: 'N', planned_date: r.planned_date, planned_time: r.planned_time, attended: r.attended,
      actual_date: r.actual_date, officer_id: r.officer_id, trainee_signed_date: r.trainee_signed_date, onefile_system_id: r.oneFileReviewId,
    });
  }
}

/** D7 for the learner's officers linked to OneFile, each once per run however many learners share them. */
async function syncOfficerDemographics(ctx: SyncLearnerContext, graph: LearnerGraph): Promise<FieldChange[]> {
  const mode = ctx.settings.officerDemographicsMode;
  if (mode === 'none') return [];
  const changes: FieldChange[] = [];
  for (const officer of graph.officers.values()) {
    const id = oneFileIdOf(officer.other_system_id);
    if (id === null) continue;
    if (ctx.runId !== null && !(await claimEntityForRun(ctx.db, 'officer', officer.id, ctx.runId))) continue;
    const oneFile = await ctx.client.getUser(id);
    const { changes: officerChanges, push } = reconcileOfficerDemographics(officer, oneFile, mode);
    if (Object.keys(push).length) await ctx.client.updateUser(id, push);
    const toPics = officerChanges.filter((c) => c.direction === 'to_pics');
    if (toPics.length) await updateOfficer(ctx.db, officer.id, Object.fromEntries(toPics.map((c) => [c.field, c.newValue])));
    changes.push(...officerChanges);
  }
  return changes;
}

/** D7 for the learner's employer organisation linked to a OneFile placement, once per run. */
async function syncOrganisationDemographics(ctx: SyncLearnerContext, graph: LearnerGraph): Promise<FieldChange[]> {
  const mode = ctx.settings.organisationDemographicsMode;
  const org = choosePlacement(graph.placements)?.organisation;
  const placementId = org ? oneFileIdOf(org.additional_id) : null;
  if (mode === 'none' || !org || placementId === null) return [];
  if (ctx.runId !== null && !(await claimEntityForRun(ctx.db, 'organisation', org.id, ctx.runId))) return [];
  const placement = await ctx.client.getPlacement(placementId);
  const { changes, push } = reconcileOrganisationDemographics(org, placement, mode);
  if (Object.keys(push).length) await ctx.client.updatePlacement(placementId, push);
  const toPics = changes.filter((c) => c.direction === 'to_pics');
  if (toPics.length) await updateOrganisation(ctx.db, org.id, Object.fromEntries(toPics.map((c) => [c.field, c.newValue])));
  return changes;
}

function officerUpload(officer: OfficerRow): OfficerUpload {
  return {
    officerId: officer.id, ident: officer.ident, oneFileId: oneFileIdOf(officer.other_system_id), firstName: officer.forenames.trim(),
    lastName: officer.surname.trim(), email: officer.email?.trim() ?? '', reasons: ['main'],
  };
}

/**
 * A review an earlier attempt uploaded but could not record (a crash between OneFile's answer and the write
 * to PICS) is claimed by its PICS review now, by its scheduled time, before D6 would take it for a review made
 * in OneFile and copy it into PICS a second time. The graph's rows are updated in place.
 */
async function adoptUploadedReviews(ctx: SyncLearnerContext, graph: LearnerGraph, pending: ReviewRow[], summaries: OneFileReviewSummary[]): Promise<FieldChange[]> {
  const claimed = new Set(graph.reviews.map((r) => r.onefile_system_id).filter((id): id is number => id !== null));
  const unclaimed = [...summaries];
  const changes: FieldChange[] = [];
  for (const review of new Set(pending)) {
    if (review.onefile_system_id !== null) continue;
    const at = Date.parse(reviewUpload(review, graph.learner.main_officer_id ?? 0, ctx.settings).scheduledFor);
    const oneFileId = takeReviewAt(unclaimed, at, claimed);
    if (oneFileId === null) continue;
    await setReviewOneFileId(ctx.db, review.id, oneFileId);
    review.onefile_system_id = oneFileId;
    changes.push({ table: 'review', rowId: review.id, field: 'onefile_system_id', oldValue: null, newValue: oneFileId, direction: 'to_eportfolio', rule: ctx.firstSync ? 'D11' : 'D5' });
  }
  return changes;
}

export async function syncOneFileLearner(ctx: SyncLearnerContext, learnerId: number): Promise<SyncLearnerResult> {
  const { db, client, settings } = ctx;
  const graph = await loadLearnerGraph(db, learnerId);
  if (!graph) return { status: 'skipped', reason: `learner #${learnerId} no longer exists in PICS`, changes: 0, toPics: 0, toEPortfolio: 0 };
  const learnerOneFileId = graph.learner.onefile_id;
  if (learnerOneFileId === null) return { status: 'skipped', reason: `learner ${graph.learner.ident} is not in OneFile`, changes: 0, toPics: 0, toEPortfolio: 0 };
  const org = settings.organisationId;

  const aims = await readAims(ctx, graph, learnerOneFileId);

  // Reviews: one search, then details only where they can have changed.
  const pendingUploads = [
    ...(settings.uploadReviews ? selectReviewsForUpload(graph.reviews, ctx.today) : []),
    ...(ctx.firstSync ? selectReviewsForFirstSync(graph.reviews) : []),
  ];
  let summaries: OneFileReviewSummary[] = [];
  const adopted: FieldChange[] = [];
  const details: OneFileReview[] = [];
  if (settings.downloadReviews || pendingUploads.length > 0) {
    summaries = await client.searchReviews(learnerOneFileId).all();
    adopted.push(...(await adoptUploadedReviews(ctx, graph, pendingUploads, summaries)));
    if (settings.downloadReviews) {
      const cache = await readReviewCache(db, learnerId);
      const picsKnown = new Set(graph.reviews.map((r) => r.onefile_system_id).filter((id): id is number => id !== null));
      for (const summary of reviewsNeedingDetail(summaries, cache, picsKnown, ctx.now)) details.push(await client.getReview(summary.id));
      await cacheReviews(db, learnerId, details);
    }
  }
  const assessorIds = [...new Set(details.map((r) => r.assessorId).filter((id): id is number => id !== null))].map(String);
  const officerByOneFileId = new Map([...(await officersByOtherSystemIds(db, assessorIds))].map(([k, v]) => [Number(k), v]));

  const oneFileLearner: OneFileUser | null = settings.learnerDemographicsMode !== 'none' ? await client.getUser(learnerOneFileId) : null;

  // D8: the main officer's and employer's OneFile ids now (created if the new one is not in OneFile yet).
  const lastPushed = await readLearnerPushed(db, learnerId);
  let mainOfficerOneFileId: number | null = null;
  const mainOfficer = graph.learner.main_officer_id === null ? undefined : graph.officers.get(graph.learner.main_officer_id);
  if (settings.pushMainOfficerChanges && mainOfficer && org) {
    mainOfficerOneFileId = oneFileIdOf(mainOfficer.other_system_id) ?? (mainOfficer.email ? await resolveOfficer(ctx, org, officerUpload(mainOfficer)) : null);
  }
  let employerPlacementId: number | null = null;
  const placement = choosePlacement(graph.placements);
  if (settings.pushEmployerChanges && placement?.organisation && org) {
    const o = placement.organisation;
    employerPlacementId = oneFileIdOf(o.additional_id) ?? (await resolvePlacement(ctx, org, { organisationId: o.id, ident: o.ident, oneFileId: null, name: o.name, placementId: placement.id }));
  }

  const plan = planSync({
    graph, settings, firstSync: ctx.firstSync, today: ctx.today, aims, reviews: details, knownReviewIds: new Set(summaries.map((s) => s.id)),
    oneFileLearner, officerByOneFileId, mainOfficerOneFileId, employerPlacementId, lastPushed,
  });

  const audit = { runId: ctx.runId, jobId: ctx.jobId, learnerId };
  // PICS side first, atomically with its audit lines: a retry after a later OneFile failure finds it done.
  if (plan.picsChanges.length || plan.newPicsReviews.length) {
    await db.transaction().execute(async (trx) => {
      await applyPicsChanges(trx, plan.picsChanges, plan, learnerId);
      await recordAudit(trx, audit, plan.picsChanges);
    });
  }

  const pushed: FieldChange[] = [...adopted];
  for (const push of plan.aimPushes) {
    await client.updateLearningAim(push.aimId, push.patch);
    pushed.push(...plan.oneFileChanges.filter((c) => c.table === 'learner_qualification' && c.rowId === push.learnerQualificationId));
  }
  if (plan.learnerPush) {
    await client.updateUser(learnerOneFileId, plan.learnerPush);
    pushed.push(...plan.oneFileChanges.filter((c) => c.table === 'learner'));
    await recordLearnerPushed(db, learnerId, {
      ...('DefaultAssessorID' in plan.learnerPush ? { defaultAssessorId: Number(plan.learnerPush.DefaultAssessorID) } : {}),
      ...('PlacementID' in plan.learnerPush ? { placementId: Number(plan.learnerPush.PlacementID) } : {}),
    });
  }

  // D5/D11 uploads: a review left behind by a crash is found by its scheduled time among those PICS does not claim.
  const searched = [...summaries];
  for (const upload of plan.reviewUploads) {
    const officer = graph.officers.get(upload.assessorOfficerId);
    const assessorId = (officer && oneFileIdOf(officer.other_system_id)) ?? mainOfficerOneFileId ?? lastPushed.defaultAssessorId;
    if (assessorId === null || !org) {
      ctx.logger.warn({ reviewId: upload.reviewId }, 'review not uploaded: its officer has no OneFile account yet');
      continue;
    }
    const { oneFileReviewId, how } = await uploadReviewOnce(ctx, { learnerId, learnerOneFileId, organisationId: org, assessorId }, upload, searched);
    if (how === 'already-in-pics') continue; // another job uploaded it, and audited it
    pushed.push({ table: 'review', rowId: upload.reviewId, field: 'onefile_system_id', oldValue: null, newValue: oneFileReviewId, direction: 'to_eportfolio', rule: ctx.firstSync ? 'D11' : 'D5' });
  }

  const officerChanges = [...(await syncOfficerDemographics(ctx, graph)), ...(await syncOrganisationDemographics(ctx, graph))];
  await recordAudit(db, audit, [...pushed, ...officerChanges]);
  const toPics = plan.picsChanges.length + plan.newPicsReviews.length + officerChanges.filter((c) => c.direction === 'to_pics').length;
  const toEPortfolio = pushed.length + officerChanges.filter((c) => c.direction === 'to_eportfolio').length;
  return { status: 'completed', changes: toPics + toEPortfolio, toPics, toEPortfolio };
}
