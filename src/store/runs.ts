import { sql, type Kysely, type Selectable } from 'kysely';
import type { DB, EportfolioSyncSyncRun } from '../db/types.js';

// Daily sync runs and their per-learner results (D10).

export async function startSyncRun(db: Kysely<DB>, options: { kind: 'daily' | 'on_demand'; jobId: string | null }): Promise<number> {
  const row = await db.insertInto('eportfolio_sync.sync_run')
    .values({ kind: options.kind, job_id: options.jobId, status: 'running' })
    .returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/**
 * The daily run of this parent job: the one it started before a crash kept the run's id out of the job's
 * data (still running, same job id), else a new one, so a crash there leaves no run running for ever.
 */
export async function startDailyRun(db: Kysely<DB>, jobId: string): Promise<number> {
  const started = await db.selectFrom('eportfolio_sync.sync_run').select('id')
    .where('kind', '=', 'daily').where('job_id', '=', jobId).where('status', '=', 'running')
    .orderBy('id', 'desc').limit(1).executeTakeFirst();
  return started?.id ?? startSyncRun(db, { kind: 'daily', jobId });
}

/** The run's learners in scope (its children), set once fan-out is over; setting it again is harmless. */
export async function setRunLearners(db: Kysely<DB>, runId: number, count: number): Promise<void> {
  await db.updateTable('eportfolio_sync.sync_run').set({ learners_total: count }).where('id', '=', runId).execute();
}

export interface LearnerSyncResult {
  status: 'completed' | 'failed' | 'skipped';
  changes: number;
  callsMade: number;
  error?: string | null;
  /** The sync did the learner's first-sync work (D11). */
  firstSync?: boolean;
}

export async function recordLearnerSync(db: Kysely<DB>, runId: number, learnerId: number, jobId: string | null, result: LearnerSyncResult): Promise<void> {
  const values = {
    job_id: jobId, status: result.status, changes: result.changes, calls_made: result.callsMade,
    error: result.error?.slice(0, 2_000) ?? null, finished_at: new Date(), first_sync: result.firstSync ?? false,
  };
  // A retried child overwrites its earlier result: one row per learner per run.
  await db.insertInto('eportfolio_sync.sync_learner').values({ run_id: runId, learner_id: learnerId, ...values })
    .onConflict((oc) => oc.columns(['run_id', 'learner_id']).doUpdateSet({
      ...values,
      calls_made: sql`eportfolio_sync.sync_learner.calls_made + excluded.calls_made`,
      first_sync: sql`eportfolio_sync.sync_learner.first_sync or excluded.first_sync`,
    }))
    .execute();
}

export interface RunSummary {
  id: number;
  kind: string;
  status: string;
  /** Some learner's first sync (D11) completed in this run. */
  firstSync: boolean;
  startedAt: Date;
  finishedAt: Date | null;
  learnersTotal: number;
  learnersSynced: number;
  learnersChanged: number;
  learnersFailed: number;
  callsMade: number;
  error: string | null;
}

export interface RunTotals {
  learnersTotal: number;
  learnersSynced: number;
  learnersChanged: number;
  learnersFailed: number;
  callsMade: number;
  /** Some learner's first sync (D11) completed in this run. */
  firstSync: boolean;
}

/** The children's rows of a run, totalled, beside the run's learners in scope. */
export async function readRunTotals(db: Kysely<DB>, runId: number): Promise<RunTotals> {
  const totals = await db.selectFrom('eportfolio_sync.sync_learner')
    .select((eb) => [
      eb.fn.count<string>('learner_id').filterWhere('status', '=', 'completed').as('synced'),
      eb.fn.count<string>('learner_id').filterWhere((w) => w.and([w('status', '=', 'completed'), w('changes', '>', 0)])).as('changed'),
      eb.fn.count<string>('learner_id').filterWhere('status', '=', 'failed').as('failed'),
      eb.fn.coalesce(eb.fn.sum<string>('calls_made'), sql<string>`0`).as('calls'),
      eb.fn.count<string>('learner_id').filterWhere((w) => w.and([w('status', '=', 'completed'), w('first_sync', '=', true)])).as('first_syncs'),
      eb.selectFrom('eportfolio_sync.sync_run').select('learners_total').where('id', '=', runId).as('total'),
    ])
    .where('run_id', '=', runId).executeTakeFirstOrThrow();
  return {
    learnersTotal: totals.total ?? 0, learnersSynced: Number(totals.synced), learnersChanged: Number(totals.changed),
    learnersFailed: Number(totals.failed), callsMade: Number(totals.calls), firstSync: Number(totals.first_syncs) > 0,
  };
}

/** Writes the children's totals (read now unless given) into the run row and closes it. */
export async function finishSyncRun(
  db: Kysely<DB>, runId: number, status: 'completed' | 'failed', error: string | null = null, totals?: RunTotals,
): Promise<RunSummary> {
  const t = totals ?? (await readRunTotals(db, runId));
  await db.updateTable('eportfolio_sync.sync_run').set({
    status, error, finished_at: new Date(), learners_synced: t.learnersSynced, learners_changed: t.learnersChanged,
    learners_failed: t.learnersFailed, calls_made: t.callsMade, first_sync: t.firstSync,
  }).where('id', '=', runId).execute();
  return (await readRun(db, runId))!;
}

type RunRow = Selectable<EportfolioSyncSyncRun>;

function runSummary(row: RunRow): RunSummary {
  return {
    id: row.id, kind: row.kind, status: row.status, firstSync: row.first_sync, startedAt: row.started_at, finishedAt: row.finished_at,
    learnersTotal: row.learners_total, learnersSynced: row.learners_synced, learnersChanged: row.learners_changed,
    learnersFailed: row.learners_failed, callsMade: row.calls_made, error: row.error,
  };
}

export async function readRun(db: Kysely<DB>, runId?: number): Promise<RunSummary | null> {
  const row = await db.selectFrom('eportfolio_sync.sync_run').selectAll()
    .$if(runId !== undefined, (qb) => qb.where('id', '=', runId!))
    .$if(runId === undefined, (qb) => qb.where('kind', '=', 'daily'))
    .orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row ? runSummary(row) : null;
}

/** A run with the BullMQ job that ran it (the daily parent), for readers that poll the job too. */
export type RunListing = RunSummary & { jobId: string | null };

const listing = (row: RunRow): RunListing => ({ ...runSummary(row), jobId: row.job_id });

/** Runs newest first, a page at a time: those with an id below `beforeId` when given (keyset paging). */
export async function listRuns(db: Kysely<DB>, options: { limit: number; beforeId?: number; kind?: 'daily' | 'on_demand' }): Promise<RunListing[]> {
  const rows = await db.selectFrom('eportfolio_sync.sync_run').selectAll()
    .$if(options.beforeId !== undefined, (qb) => qb.where('id', '<', options.beforeId!))
    .$if(options.kind !== undefined, (qb) => qb.where('kind', '=', options.kind!))
    .orderBy('id', 'desc').limit(options.limit).execute();
  return rows.map(listing);
}

export async function readRunListing(db: Kysely<DB>, runId: number): Promise<RunListing | null> {
  const row = await db.selectFrom('eportfolio_sync.sync_run').selectAll().where('id', '=', runId).executeTakeFirst();
  return row ? listing(row) : null;
}

/** The run a daily-sync parent job started (its job id), if it has started one yet. */
export async function findRunByJobId(db: Kysely<DB>, jobId: string): Promise<RunListing | null> {
  const row = await db.selectFrom('eportfolio_sync.sync_run').selectAll().where('job_id', '=', jobId).orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row ? listing(row) : null;
}

export async function failedLearners(db: Kysely<DB>, runId: number, limit?: number) {
  return db.selectFrom('eportfolio_sync.sync_learner').select(['learner_id', 'error', 'finished_at']).where('run_id', '=', runId)
    .where('status', '=', 'failed').orderBy('learner_id').$if(limit !== undefined, (qb) => qb.limit(limit!)).execute();
}

/** When the last daily run that completed finished (the daily-run alert's input); null before the first. */
export async function lastCompletedDailyRunAt(db: Kysely<DB>): Promise<Date | null> {
  const row = await db.selectFrom('eportfolio_sync.sync_run').select('finished_at')
    .where('kind', '=', 'daily').where('status', '=', 'completed').where('finished_at', 'is not', null)
    .orderBy('finished_at', 'desc').limit(1).executeTakeFirst();
  return row?.finished_at ?? null;
}
