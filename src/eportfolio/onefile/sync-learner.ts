import { planSync } from '../../rules/sync-plan.js';
import { failpoint } from '../../util/failpoint.js';
import type { SyncLearnerContext, SyncLearnerResult } from './sync-context.js';
import { executeSyncPlan } from './sync-execute.js';
import { loadSyncState } from './sync-load.js';

export type { SyncLearnerContext, SyncLearnerResult } from './sync-context.js';

/**
 * The per-learner two-way sync (D1–D9, D11), shaped as the enrol is: load (reads only) → plan (the pure
 * rules of rules/sync-plan.ts) → execute (PICS in one transaction, then each OneFile write, recorded as
 * OneFile accepts it). A retry at any point starts again from a fresh load.
 */
export async function syncOneFileLearner(ctx: SyncLearnerContext, learnerId: number): Promise<SyncLearnerResult> {
  const state = await loadSyncState(ctx, learnerId);
  if ('skipped' in state) return { status: 'skipped', reason: state.skipped, changes: 0, toPics: 0, toEPortfolio: 0 };
  failpoint('sync:after-load'); // test-only: a kill -9 with everything read and nothing written
  const standInAssessors = new Map([...state.known.values()].filter((k) => k.standInAssessorId !== null).map((k) => [k.oneFileReviewId, k.standInAssessorId!]));
  const plan = planSync({
    graph: state.graph, settings: ctx.settings, firstSync: ctx.firstSync, today: ctx.today, aims: state.aims, reviewRows: state.reviewRows,
    reviews: state.reviews, standInAssessors, oneFileLearner: state.oneFileLearner, officerByOneFileId: state.officerByOneFileId,
    officers: state.officers, organisation: state.organisation,
  });
  return executeSyncPlan(ctx, state, plan);
}
