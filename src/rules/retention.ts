/*
 * Data retention (issue 17): how old a row of each kind may be before the prune-retention job deletes it.
 * Pure, so the dates are tested without a database: each cut-off is `now` minus its period, and a row strictly
 * older than its cut-off goes.
 */

export interface RetentionPeriods {
  auditDays: number;
  syncLearnerDays: number;
  jobOutcomeDays: number;
  runDays: number;
  staleRunningHours: number;
}

export interface RetentionCutoffs {
  /** audit.at before this: deleted. */
  audit: Date;
  /** sync_learner.finished_at before this: deleted. */
  syncLearner: Date;
  /** job_outcome.at before this: deleted. */
  jobOutcome: Date;
  /** sync_run.started_at before this (and the run not running): deleted, with its learner rows. */
  run: Date;
  /** sync_run.started_at before this while still running, its job not live: closed as failed. */
  staleRunning: Date;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

function assertPeriod(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`retention.${name} must be a whole number of at least 1 (got ${value})`);
}

/** Elapsed time, not calendar days: a clock change shifts the cut-off by an hour at most, never a day. */
export function retentionCutoffs(now: Date, periods: RetentionPeriods): RetentionCutoffs {
  for (const [name, value] of Object.entries(periods)) assertPeriod(name, value);
  const minus = (ms: number) => new Date(now.getTime() - ms);
  return {
    audit: minus(periods.auditDays * DAY_MS),
    syncLearner: minus(periods.syncLearnerDays * DAY_MS),
    jobOutcome: minus(periods.jobOutcomeDays * DAY_MS),
    run: minus(periods.runDays * DAY_MS),
    staleRunning: minus(periods.staleRunningHours * HOUR_MS),
  };
}

/** Recorded as the error of a run closed because it was left running. */
export const STALE_RUN_REASON = 'left running by a crash or a stopped integration';
