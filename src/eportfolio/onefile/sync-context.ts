import type { OneFileCtx } from './context.js';

/** What one per-learner sync runs with: the job's ids, its D11 state and the day it runs on (UK). */
export interface SyncLearnerContext extends OneFileCtx {
  runId: number | null;
  jobId: string | null;
  /** D11: this learner's first sync. */
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
