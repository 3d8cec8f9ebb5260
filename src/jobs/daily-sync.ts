import { UnrecoverableError, WaitingChildrenError, type Job } from 'bullmq';
import type { Deps } from '../deps.js';
import { syncOneFileLearner } from '../eportfolio/onefile/sync-learner.js';
import type { OneFileClientFactory } from '../onefile/factory.js';
import { learnerIdents, listLearnersInSyncScope, recordLastSynchronised } from '../pics/index.js';
import { DAILY_CHILD_PRIORITY, DEFAULT_JOB_OPTIONS, JOB_NAME, jobIds } from '../queues/job-options.js';
import { QUEUE } from '../queues/names.js';
import { ukToday } from '../domain/dates.js';
import { decideRunOutcome, describeFailedRun, LISTED_FAILURES } from '../rules/run-outcome.js';
import { isFirstSyncDone, recordFirstSyncDone } from '../store/first-sync.js';
import {
  failedLearners, finishSyncRun, readRun, readRunTotals, recordLearnerSync, setRunLearners, startDailyRun, startSyncRun,
} from '../store/runs.js';
import { failpoint } from '../util/failpoint.js';
import { parseDailyRunJobData, parseSyncLearnerJobData, type DailyRunJobData, type SyncLearnerJobData } from '../queues/payloads.js';
import type { JobContext, JobDefinition } from './definition.js';
import { requireOneFile } from './onefile-guard.js';

const FAN_OUT_PAGE = 500;

/**
 * The daily run (D10): a parent job pages through the learners in scope by keyset and adds one
 * daily-sync-per-learner child each (deterministic ids per run and learner; a failed child never blocks the
 * parent), then waits for its children and writes the run summary and Last Synchronised. Every step is
 * recorded in the job's data, so a process killed at any step boundary is resumed by another where it stopped
 * (BullMQ's process-step pattern; the fail points are where test/reliability/daily-parent-crash.test.ts kills it).
 */
async function runDailyParent(ctx: JobContext<DailyRunJobData>, deps: Deps) {
  const job = ctx.job as Job<DailyRunJobData>;
  await requireOneFile(ctx, 'the daily sync is', { needsOrganisation: false });
  const step = ctx.data.step ?? 'fan-out';
  let { runId, afterId = 0 } = ctx.data;
  let runKey = ctx.data.runKey;
  if (!runId) {
    runId = await startDailyRun(deps.db, job.id!);
    failpoint('daily-parent:run-started');
    runKey = `${runId}-${Date.now().toString(36)}`;
    await job.updateData({ step: 'fan-out', runId, runKey, afterId: 0 });
  }
  runKey ??= String(runId); // a run begun before run keys existed
  if (step === 'fan-out') {
    const today = ukToday();
    for (;;) {
      const page = await listLearnersInSyncScope(deps.db, { afterId, limit: FAN_OUT_PAGE, today, endedWithinDays: deps.config.sync.endedLearnerWindowDays });
      if (page.length === 0) break;
      await deps.queues[QUEUE.dailySync].addBulk(page.map((learner) => ({
        name: JOB_NAME.syncLearner,
        data: { learnerId: learner.id, runId } satisfies SyncLearnerJobData,
        opts: {
          ...DEFAULT_JOB_OPTIONS[QUEUE.dailySync],
          jobId: jobIds.dailyChild(runKey, learner.id),
          parent: { id: job.id!, queue: job.queueQualifiedName },
          ignoreDependencyOnFailure: true,
          priority: DAILY_CHILD_PRIORITY,
        },
      })));
      afterId = page.at(-1)!.id;
      await job.updateData({ step: 'fan-out', runId, runKey, afterId });
    }
    const dependencies = await job.getDependenciesCount();
    const total = Object.values(dependencies).reduce((sum, n) => sum + (n ?? 0), 0);
    // Set, not added: a parent resumed after a crash here counts the same children again.
    await setRunLearners(deps.db, runId, total);
    ctx.logger.info({ runId, learners: total }, 'daily sync fanned out');
    failpoint('daily-parent:fanned-out');
    await job.updateData({ step: 'summarise', runId });
    failpoint('daily-parent:summarise-recorded');
  }
  // Every pass through 'summarise' waits for the children first: a parent resumed after a crash between
  // recording the step and moving to waiting-children would otherwise summarise with children still to run.
  // False once none is pending.
  if (await job.moveToWaitingChildren(ctx.token!)) throw new WaitingChildrenError();
  return summariseRun(ctx, deps, runId);
}

/**
 * D10, once every child has finished: the run's outcome (rules/run-outcome.ts), its summary, and Last
 * Synchronised when the run synced. A run in which every learner failed is recorded as failed, naming them
 * and why, and fails its job too, so ops see it among failed jobs.
 */
async function summariseRun(ctx: JobContext<DailyRunJobData>, deps: Deps, runId: number) {
  const totals = await readRunTotals(deps.db, runId);
  const outcome = decideRunOutcome(totals);
  let error: string | null = null;
  if (outcome.status === 'failed') {
    const failed = await failedLearners(deps.db, runId, LISTED_FAILURES);
    const idents = await learnerIdents(deps.db, failed.map((f) => f.learner_id));
    error = describeFailedRun(failed.map((f) => ({ learnerId: f.learner_id, ident: idents.get(f.learner_id) ?? null, error: f.error })), totals);
  }
  const summary = await finishSyncRun(deps.db, runId, outcome.status, error, totals);
  if (outcome.setsLastSynchronised) await recordLastSynchronised(deps.db, new Date());
  if (error !== null) throw new UnrecoverableError(error);
  ctx.logger.info({ ...summary }, 'daily sync finished');
  return summary;
}

async function runLearnerSync(ctx: JobContext<SyncLearnerJobData>, deps: Deps, createClient: OneFileClientFactory) {
  const { learnerId } = ctx.data;
  const { settings } = await requireOneFile(ctx, 'the daily sync is');
  // Refresh with OneFile records a run of its own, so its changes are audited and summarised like the daily ones.
  const runId = ctx.data.runId ?? (await startSyncRun(deps.db, { kind: 'on_demand', jobId: ctx.job.id ?? null }));
  if (!(await readRun(deps.db, runId))) throw new UnrecoverableError(`sync run ${runId} does not exist`);
  // D11 per learner: its syncs do the first-sync work until one of them completes (or our enrol did it).
  const firstSync = !(await isFirstSyncDone(deps.db, learnerId));
  // Daily children are batch work: their calls wait in the budget's batch line, behind every Refresh with OneFile.
  const client = createClient(settings, { signal: ctx.signal, logger: ctx.logger, lane: ctx.lane });
  try {
    const now = new Date();
    const result = await syncOneFileLearner(
      { db: deps.db, client, settings, logger: ctx.logger, signal: ctx.signal, runId, jobId: ctx.job.id ?? null, firstSync, today: ukToday(now), now },
      learnerId,
    );
    await deps.db.transaction().execute(async (trx) => {
      await recordLearnerSync(trx, runId, learnerId, ctx.job.id ?? null, {
        status: result.status, changes: result.changes, callsMade: client.callsMade(), error: result.reason ?? null, firstSync,
      });
      // Done only by a sync that completed: after a failed or skipped one the next sync does it again.
      if (firstSync && result.status === 'completed') await recordFirstSyncDone(trx, learnerId);
    });
    if (!ctx.data.runId) await finishSyncRun(deps.db, runId, 'completed');
    return { ...result, runId, callsMade: client.callsMade() };
  } catch (error) {
    // A failed attempt's calls still count in the run's total (the row adds calls up; a later success overwrites the status).
    await recordLearnerSync(deps.db, runId, learnerId, ctx.job.id ?? null, {
      status: 'failed', changes: 0, callsMade: client.callsMade(), error: error instanceof Error ? error.message : String(error), firstSync,
    });
    throw error;
  }
}

/** The daily run's parent (D10), on the daily-sync-per-learner queue beside its children. */
export const dailyRunJob: JobDefinition<DailyRunJobData> = {
  queue: QUEUE.dailySync,
  name: JOB_NAME.dailyRun,
  parse: parseDailyRunJobData,
  handle: (ctx) => runDailyParent(ctx, ctx.deps),
  async onFinalFailure(ctx, reason) {
    // A run the summary already closed (every learner failed) keeps the error naming them.
    const { runId } = ctx.data;
    if (runId && (await readRun(ctx.deps.db, runId))?.status === 'running') await finishSyncRun(ctx.deps.db, runId, 'failed', reason);
  },
};

/** The per-learner sync: a daily run's child, or a user's Refresh with OneFile (no run id). */
export function syncLearnerJob(createClient: OneFileClientFactory): JobDefinition<SyncLearnerJobData> {
  return {
    queue: QUEUE.dailySync,
    name: JOB_NAME.syncLearner,
    parse: parseSyncLearnerJobData,
    learnerIdOf: (data) => data.learnerId,
    // A daily run's child is batch work; Refresh with OneFile (no run) is a user's click.
    laneOf: (data) => (data.runId ? 'batch' : 'interactive'),
    handle: (ctx) => runLearnerSync(ctx, ctx.deps, createClient),
    async onFinalFailure(ctx, reason) {
      if (ctx.data.runId) {
        await recordLearnerSync(ctx.deps.db, ctx.data.runId, ctx.data.learnerId, ctx.job.id ?? null, { status: 'failed', changes: 0, callsMade: 0, error: reason });
      }
    },
  };
}
