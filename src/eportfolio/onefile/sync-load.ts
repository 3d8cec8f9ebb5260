import type { OneFileLearningAim, OneFilePlacement, OneFileReview, OneFileReviewSummary, OneFileUser } from '../../onefile/types.js';
import { OneFileNotFoundError } from '../../onefile/errors.js';
import type { LearnerGraph, Officer, Organisation } from '../../domain/learner.js';
import { loadLearnerGraph, officersByOtherSystemIds } from '../../pics/index.js';
import { choosePlacement } from '../../rules/placement.js';
import { selectSyncUploads } from '../../rules/sync-plan.js';
import { planReviewReads } from '../../rules/review-reads.js';
import { ePortfolioIdOf } from '../../domain/eportfolio-id.js';
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
  officers: { officer: Officer; oneFileId: number; oneFile: OneFileUser }[];
  organisation: { organisation: Organisation; placementId: number; oneFile: OneFilePlacement } | null;
}

async function readAims(ctx: SyncLearnerContext, graph: LearnerGraph, learnerOneFileId: number): Promise<Map<number, OneFileLearningAim>> {
  const wanted = new Set(graph.qualifications.map((q) => q.learningAimId).filter((id): id is number => id !== null));
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
async function readDemographics(ctx: SyncLearnerContext, graph: LearnerGraph): Promise<Pick<SyncState, 'officers' | 'organisation'>> {
  const { settings, db, runId, client } = ctx;
  const notDone = async (kind: 'officer' | 'organisation', id: number) => runId === null || !(await entityDoneForRun(db, kind, id, runId));
  const officers: SyncState['officers'] = [];
  if (settings.officerDemographicsMode !== 'none') {
    for (const officer of graph.officers.values()) {
      const oneFileId = ePortfolioIdOf(officer.ePortfolioId);
      if (oneFileId === null || !(await notDone('officer', officer.id))) continue;
      officers.push({ officer, oneFileId, oneFile: await client.getUser(oneFileId) });
    }
  }
  let organisation: SyncState['organisation'] = null;
  const org = choosePlacement(graph.placements)?.organisation;
  const placementId = org ? ePortfolioIdOf(org.ePortfolioId) : null;
  if (settings.organisationDemographicsMode !== 'none' && org && placementId !== null && (await notDone('organisation', org.id))) {
    organisation = { organisation: org, placementId, oneFile: await client.getPlacement(placementId) };
  }
  return { officers, organisation };
}

export async function loadSyncState(ctx: SyncLearnerContext, learnerId: number): Promise<SyncState | { skipped: string }> {
  const { db, client, settings } = ctx;
  const graph = await loadLearnerGraph(db, learnerId);
  if (!graph) return { skipped: `learner #${learnerId} no longer exists in PICS` };
  const learnerOneFileId = graph.learner.oneFileId;
  if (learnerOneFileId === null) return { skipped: `learner ${graph.learner.ident} is not in OneFile` };

  const aims = await readAims(ctx, graph, learnerOneFileId);

  // Reviews: one search (D6 pulls, and D5/D11 uploads look for what a crashed attempt left), then details.
  const uploadsPending = selectSyncUploads(graph.reviews, settings, ctx.firstSync, ctx.today).length > 0;
  let reviewRows: OneFileReviewSummary[] = [];
  const reviews: OneFileReview[] = [];
  const known = await readReviewCache(db, learnerId);
  if (settings.downloadReviews || uploadsPending) reviewRows = await client.searchReviews(learnerOneFileId).all();
  if (settings.downloadReviews) {
    const picsHolds = new Set(graph.reviews.map((r) => r.oneFileId).filter((id): id is number => id !== null));
    const reads = planReviewReads(reviewRows, known, picsHolds);
    reviews.push(...reads.fromRows);
    for (const id of reads.toGet) reviews.push(await client.getReview(id));
  }
  const assessorIds = [...new Set(reviews.map((r) => r.assessorId).filter((id): id is number => id !== null))].map(String);
  const officerByOneFileId = new Map([...(await officersByOtherSystemIds(db, assessorIds))].map(([k, v]) => [Number(k), v]));

  const oneFileLearner = settings.learnerDemographicsMode !== 'none' ? await client.getUser(learnerOneFileId) : null;
  const lastPushed = await readLearnerPushed(db, learnerId);
  return {
    graph, learnerOneFileId, aims, reviewRows, reviews, known, oneFileLearner, officerByOneFileId, lastPushed,
    ...(await readDemographics(ctx, graph)),
  };
}
