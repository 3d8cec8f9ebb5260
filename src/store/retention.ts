import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/types.js';
import { STALE_RUN_REASON, type RetentionCutoffs } from '../rules/retention.js';

/*
 * Deletes rows past their retention period (issue 17), in batches of `batchSize` rows per statement, looping
 * until a statement deletes fewer: each statement is short, so a large table is never locked for long and
 * the daily sync writing beside it waits for milliseconds, not minutes.
 */

export const PRUNE_BATCH_SIZE = 5_000;

export interface PruneCounts {
  /** Runs left running past retention.staleRunningHours, closed as failed. */
  runsClosed: number;
  auditDeleted: number;
  syncLearnersDeleted: number;
  jobOutcomesDeleted: number;
  /** Runs deleted (their learner rows go with them: sync_learner cascades on its run). */
  runsDeleted: number;
  /** Enrol batches asked before the runs' cut-off (their learner rows cascade; each learner's enrol row stays). */
  enrolBatchesDeleted: number;
}

async function deleteInBatches(db: Kysely<DB>, statement: (limit: number) => ReturnType<typeof sql>, batchSize: number): Promise<number> {
  let total = 0;
  for (;;) {
    const result = await statement(batchSize).execute(db);
    const deleted = Number(result.numAffectedRows ?? 0n);
    total += deleted;
    if (deleted < batchSize) return total;
  }
}

export async function pruneAudit(db: Kysely<DB>, before: Date, batchSize = PRUNE_BATCH_SIZE): Promise<number> {
  return deleteInBatches(db, (limit) => sql`
    delete from eportfolio_sync.audit where id in (select id from eportfolio_sync.audit where at < ${before} limit ${limit})`, batchSize);
}

export async function pruneJobOutcomes(db: Kysely<DB>, before: Date, batchSize = PRUNE_BATCH_SIZE): Promise<number> {
  return deleteInBatches(db, (limit) => sql`
    delete from eportfolio_sync.job_outcome where id in (select id from eportfolio_sync.job_outcome where at < ${before} limit ${limit})`, batchSize);
}

export async function pruneSyncLearners(db: Kysely<DB>, before: Date, batchSize = PRUNE_BATCH_SIZE): Promise<number> {
  return deleteInBatches(db, (limit) => sql`
    delete from eportfolio_sync.sync_learner where (run_id, learner_id) in (
      select run_id, learner_id from eportfolio_sync.sync_learner where finished_at < ${before} limit ${limit})`, batchSize);
}

/**
 * Runs that started before the cut-off and are over (a running one is closed first, never deleted under its
 * job). Their remaining learner rows go with them by the foreign key's cascade, so a batch of runs is small.
 */
export async function pruneRuns(db: Kysely<DB>, before: Date, batchSize = 500): Promise<number> {
  return deleteInBatches(db, (limit) => sql`
    delete from eportfolio_sync.sync_run where id in (
      select id from eportfolio_sync.sync_run where started_at < ${before} and status <> 'running' limit ${limit})`, batchSize);
}

/** Cohort batches (issue 21) asked before the cut-off: kept as long as runs, as a batch is a run of enrols. */
export async function pruneEnrolBatches(db: Kysely<DB>, before: Date, batchSize = 500): Promise<number> {
  return deleteInBatches(db, (limit) => sql`
    delete from eportfolio_sync.enrol_batch where id in (
      select id from eportfolio_sync.enrol_batch where requested_at < ${before} limit ${limit})`, batchSize);
}

/** Runs still 'running' that started before the cut-off: candidates for closing, with the job that ran them. */
export async function staleRunningRuns(db: Kysely<DB>, startedBefore: Date): Promise<{ id: number; jobId: string | null }[]> {
  const rows = await db.selectFrom('eportfolio_sync.sync_run').select(['id', 'job_id'])
    .where('status', '=', 'running').where('started_at', '<', startedBefore).orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, jobId: r.job_id }));
}

/** Closes a run left running as failed, with why; only while it is still running (a late finish wins). */
export async function closeStaleRun(db: Kysely<DB>, runId: number): Promise<boolean> {
  const result = await db.updateTable('eportfolio_sync.sync_run')
    .set({ status: 'failed', finished_at: new Date(), error: STALE_RUN_REASON })
    .where('id', '=', runId).where('status', '=', 'running').executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * The whole prune: close the runs a crash left running (unless `isJobLive` says their job is still in its
 * queue, waiting or working), then delete every kind of row past its cut-off.
 */
export async function pruneRetention(
  db: Kysely<DB>, cutoffs: RetentionCutoffs, isJobLive: (jobId: string) => Promise<boolean>, batchSize = PRUNE_BATCH_SIZE,
): Promise<PruneCounts> {
  let runsClosed = 0;
  for (const run of await staleRunningRuns(db, cutoffs.staleRunning)) {
    if (run.jobId !== null && (await isJobLive(run.jobId))) continue;
    if (await closeStaleRun(db, run.id)) runsClosed++;
  }
  const auditDeleted = await pruneAudit(db, cutoffs.audit, batchSize);
  const syncLearnersDeleted = await pruneSyncLearners(db, cutoffs.syncLearner, batchSize);
  const jobOutcomesDeleted = await pruneJobOutcomes(db, cutoffs.jobOutcome, batchSize);
  const runsDeleted = await pruneRuns(db, cutoffs.run, Math.min(batchSize, 500));
  const enrolBatchesDeleted = await pruneEnrolBatches(db, cutoffs.run, Math.min(batchSize, 500));
  return { runsClosed, auditDeleted, syncLearnersDeleted, jobOutcomesDeleted, runsDeleted, enrolBatchesDeleted };
}
