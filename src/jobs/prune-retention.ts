import type { Queue } from 'bullmq';
import type { Kysely } from 'kysely';
import type { DB } from '../db/handle.js';
import type { Config } from '../config/load.js';
import type { Logger } from '../logging/logger.js';
import { JOB_NAME } from '../queues/job-options.js';
import { QUEUE } from '../queues/names.js';
import { retentionCutoffs } from '../rules/retention.js';
import { pruneRetention, type PruneCounts } from '../store/retention.js';
import { parsePruneRetentionJobData, type PruneRetentionJobData } from '../queues/payloads.js';
import type { JobDefinition } from './definition.js';

/*
 * Issue 17 data retention: once a day (schedule.retentionCron) delete audit lines, per-learner sync rows, job
 * outcomes and runs past their retention.* periods, and close the runs a crash left running. It touches the
 * worker's schema only (never PICS, never the ePortfolio), and logs counts only: no value of a deleted row.
 */

/** States in which a job may still finish its run itself: its run is not closed under it. */
const LIVE_STATES = new Set(['active', 'waiting', 'waiting-children', 'delayed', 'prioritized']);

/** Whether the job that started a run is still live in the daily-sync queue (runs of both kinds run there). */
export function liveIn(queue: Queue): (jobId: string) => Promise<boolean> {
  return async (jobId) => {
    const job = await queue.getJob(jobId);
    return job ? LIVE_STATES.has(await job.getState()) : false;
  };
}

export interface PruneResult extends PruneCounts {
  cutoffs: ReturnType<typeof retentionCutoffs>;
}

export async function runRetentionPrune(
  db: Kysely<DB>, config: Pick<Config, 'retention'>, isJobLive: (jobId: string) => Promise<boolean>, logger: Logger, now = new Date(),
): Promise<PruneResult> {
  const cutoffs = retentionCutoffs(now, config.retention);
  const counts = await pruneRetention(db, cutoffs, isJobLive);
  logger.info({ ...counts, retention: config.retention }, 'retention prune done');
  return { ...counts, cutoffs };
}

/** The retention prune (refresh-qualification-links queue): short, Postgres-only work that needs no worker of its own. */
export const pruneRetentionJob: JobDefinition<PruneRetentionJobData> = {
  queue: QUEUE.refreshLinks,
  name: JOB_NAME.pruneRetention,
  parse: parsePruneRetentionJobData,
  async handle(ctx) {
    const { deps } = ctx;
    const result = await runRetentionPrune(deps.db, deps.config, liveIn(deps.queues[QUEUE.dailySync]), ctx.logger);
    const { cutoffs: _cutoffs, ...counts } = result;
    return counts;
  },
};
