import type { OneFileLearningAim, OneFilePlacement, OneFileReview, OneFileReviewSummary, OneFileUser } from '../../onefile/types.js';
import { OneFileNotFoundError } from '../../onefile/errors.js';
import { loadLearnerGraph, type LearnerGraph, type OfficerRow, type OrganisationRow } from '../../pics/index.js';
import { findOfficerIdByIdent } from '../../pics/links.js';
import { readLearnerCentre } from '../../store/centres.js';
import { directoryMisValues } from '../../store/directory.js';
import { identityStore } from './identity.js';
import { choosePlacement } from '../../rules/placement.js';
import { selectSyncUploads } from '../../rules/sync-plan.js';
import { planReviewReads } from '../../rules/review-reads.js';
import { oneFileIdOf } from '../../domain/onefile-id.js';
import { entityDoneForRun, readLearnerPushed, readReviewCache, type CachedReview } from '../../store/sync-state.js';
import { aimReadMethod, observeAimSearchRows } from './aim-search-shape.js';
import type { SyncLearnerContext } from './sync-context.js';

/**
 * Load, the first step of the per-learner sync: PICS's side and the few OneFile records that can have
 * changed. Reads only — nothing here writes to PICS, the worker's schema or OneFile, so an attempt that
 * fails or is killed at any point of it leaves nothing to undo and nothing marked as seen.
 */

export interface SyncState {
  graph: LearnerGraph;
  learnerOneFileId: number;
  /** The learner's OneFile centre (organisation): every write of this sync goes there. */
  centre: number;
  /** Multi-centre, learned this attempt from OneFile's answers; kept by the act step (load only reads). */
  learned: { centre: boolean; officers: Map<number, number> };
  /** The OneFile ids, in the learner's centre, of the graph's officers and of its employer (identity.ts). */
  ids: { officers: Map<number, number>; employer: number | null };
  /** Learning aims by id (details, from search rows or GETs). */
  aims: Map<number, OneFileLearningAim>;
  /** The learner's OneFile reviews as searched now; empty when neither S6 nor S10 needs them. */
  reviewRows: OneFileReviewSummary[];
  /** Reviews whose details were read (or carried by their rows) this attempt. */
  reviews: OneFileReview[];
  /** What PICS has taken in of each OneFile review before (complete ones, stand-ins). */
  known: Map<number, CachedReview>;
  oneFileLearner: OneFileUser | null;
  /** OneFile user id → PICS officer id, for the assessors of the reviews read (D6). */
  officerByOneFileId: Map<number, number>;
  lastPushed: { defaultAssessorId: number | null; placementId: number | null };
  /** D7: the linked officers and employer not yet reconciled in this run, with what OneFile holds. */
  officers: { officer: OfficerRow; oneFileId: number; oneFile: OneFileUser }[];
  organisation: { organisation: OrganisationRow; placementId: number; oneFile: OneFilePlacement } | null;
}

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

/** D7 for officers and the employer: each once per run however many learners share them. */
async function readDemographics(ctx: SyncLearnerContext, graph: LearnerGraph, ids: SyncState['ids'], centre: number): Promise<Pick<SyncState, 'officers' | 'organisation'>> {
  const { settings, db, runId, client } = ctx;
  // Multi-centre: an officer has an account in each centre, each reconciled once a run.
  const scope = settings.multiCentre ? centre : 0;
  const notDone = async (kind: 'officer' | 'organisation', id: number) => runId === null || !(await entityDoneForRun(db, kind, id, runId, scope));
  const officers: SyncState['officers'] = [];
  if (settings.officerDemographicsMode !== 'none') {
    for (const officer of graph.officers.values()) {
      const oneFileId = ids.officers.get(officer.id) ?? null;
      if (oneFileId === null || !(await notDone('officer', officer.id))) continue;
      officers.push({ officer, oneFileId, oneFile: await client.getUser(oneFileId) });
    }
  }
  let organisation: SyncState['organisation'] = null;
  const org = choosePlacement(graph.placements)?.organisation;
  const placementId = org ? ids.employer : null;
  if (settings.organisationDemographicsMode !== 'none' && org && placementId !== null && (await notDone('organisation', org.id))) {
    organisation = { organisation: org, placementId, oneFile: await client.getPlacement(placementId) };
  }
  return { officers, organisation };
}

/** The OneFile ids of the learner's officers and employer in its centre (identity.ts: where each is kept). */
async function centreIds(ctx: SyncLearnerContext, graph: LearnerGraph, centre: number): Promise<SyncState['ids']> {
  const store = identityStore(ctx.settings);
  const linked = new Map([...graph.officers.values()].map((o) => [o.id, oneFileIdOf(o.other_system_id)]));
  const officers = centre > 0 || !ctx.settings.multiCentre ? await store.readMany(ctx.db, 'officer', linked, centre) : new Map<number, number>();
  const org = choosePlacement(graph.placements)?.organisation;
  const employer = !org ? null
    : ctx.settings.multiCentre ? (centre > 0 ? await store.read(ctx.db, 'employer', org.id, centre) : null) : oneFileIdOf(org.additional_id);
  return { officers, employer };
}

/**
 * D6, multi-centre: a review's assessor the worker has no id for is matched as PICSWeb matches in that mode — its
 * OneFile MIS value against the PICS officer idents — from the cached directory where it lists the assessor,
 * else by one GET of the user. Only matches are returned (to be kept); an assessor with no PICS officer is left.
 */
async function matchAssessorsByMis(ctx: SyncLearnerContext, oneFileIds: number[], centre: number): Promise<Map<number, number>> {
  const matched = new Map<number, number>();
  if (oneFileIds.length === 0) return matched;
  const cached = await directoryMisValues(ctx.db, centre, oneFileIds);
  for (const oneFileId of oneFileIds) {
    const mis = cached.has(oneFileId) ? cached.get(oneFileId)! : (await ctx.client.getUser(oneFileId)).misId;
    const officerId = mis?.trim() ? await findOfficerIdByIdent(ctx.db, mis) : null;
    if (officerId !== null) matched.set(oneFileId, officerId);
  }
  return matched;
}

export async function loadSyncState(ctx: SyncLearnerContext, learnerId: number): Promise<SyncState | { skipped: string }> {
  const { db, client, settings } = ctx;
  const graph = await loadLearnerGraph(db, learnerId);
  if (!graph) return { skipped: `learner #${learnerId} no longer exists in PICS` };
  const learnerOneFileId = graph.learner.onefile_id;
  if (learnerOneFileId === null) return { skipped: `learner ${graph.learner.ident} is not in OneFile` };

  // The learner's centre: kept at enrol; else (a learner linked by hand, or enrolled before centres were kept)
  // the default — or, multi-centre, where OneFile says the learner is, which costs a GET once per learner.
  const recordedCentre = await readLearnerCentre(db, learnerId);
  let fetchedLearner: OneFileUser | null = null;
  if (recordedCentre === null && settings.multiCentre) fetchedLearner = await client.getUser(learnerOneFileId);
  const centre = recordedCentre ?? fetchedLearner?.organisationId ?? settings.organisationId ?? 0;
  const ids = await centreIds(ctx, graph, centre);

  const aims = await readAims(ctx, graph, learnerOneFileId);

  // Reviews: one search (D6 pulls, and D5/D11 uploads look for what a crashed attempt left), then details.
  const uploadsPending = selectSyncUploads(graph.reviews, settings, ctx.firstSync, ctx.today).length > 0;
  let reviewRows: OneFileReviewSummary[] = [];
  const reviews: OneFileReview[] = [];
  const known = await readReviewCache(db, learnerId);
  if (settings.downloadReviews || uploadsPending) reviewRows = await client.searchReviews(learnerOneFileId).all();
  if (settings.downloadReviews) {
    const picsHolds = new Set(graph.reviews.map((r) => r.onefile_system_id).filter((id): id is number => id !== null));
    const reads = planReviewReads(reviewRows, known, picsHolds);
    reviews.push(...reads.fromRows);
    for (const id of reads.toGet) reviews.push(await client.getReview(id));
  }
  const assessorIds = [...new Set(reviews.map((r) => r.assessorId).filter((id): id is number => id !== null))];
  const officerByOneFileId = await identityStore(settings).officersByOneFileId(db, assessorIds, centre);
  const learnedOfficers = settings.multiCentre ? await matchAssessorsByMis(ctx, assessorIds.filter((id) => !officerByOneFileId.has(id)), centre) : new Map<number, number>();
  for (const [oneFileId, officerId] of learnedOfficers) officerByOneFileId.set(oneFileId, officerId);

  const oneFileLearner = settings.learnerDemographicsMode === 'none' ? null : fetchedLearner ?? await client.getUser(learnerOneFileId);
  const lastPushed = await readLearnerPushed(db, learnerId);
  return {
    graph, learnerOneFileId, centre, ids, learned: { centre: recordedCentre === null && settings.multiCentre && centre > 0, officers: learnedOfficers },
    aims, reviewRows, reviews, known, oneFileLearner, officerByOneFileId, lastPushed,
    ...(await readDemographics(ctx, graph, ids, centre)),
  };
}
