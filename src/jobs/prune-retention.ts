import type { Processor, Queue } from 'bullmq';
import type { Kysely } from 'kysely';
import type { DB } from '../db/types.js';
import type { Deps } from '../deps.js';
import type { Config } from '../config/load.js';
import type { Logger } from '../logging/logger.js';
import { JOB_NAME } from '../queues/job-options.js';
import { QUEUE } from '../queues/names.js';
import { retentionCutoffs } from '../rules/retention.js';
import { pruneRetention, type PruneCounts } from '../store/retention.js';
import { parseReasonOnlyJobData } from './payloads.js';
import type { JobDefinition } from './definition.js';
import { createProcessor } from './runner.js';

/*
 * Issue 17 data retention: once a day (schedule.retentionCron) delete audit lines, per-learner sync rows, job
 * outcomes and runs past their retention.* periods, and close the runs a crash left running. It touches the
 * worker's schema only (never PICS, never the ePortfolio), and logs counts only: no value of a deleted row.
 */

export interface PruneRetentionJobData {
  reason?: 'schedule' | 'cli';
}

export function parsePruneRetentionJobData(raw: unknown): PruneRetentionJobData {
  return parseReasonOnlyJobData(raw, ['schedule', 'cli'] as const);
}

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

function pruneProcessor(deps: Deps): Processor {
  return createProcessor(deps, {
    queue: QUEUE.refreshLinks,
    parse: parsePruneRetentionJobData,
    async handle(ctx) {
      const result = await runRetentionPrune(deps.db, deps.config, liveIn(deps.queues[QUEUE.dailySync]), ctx.logger);
      const { cutoffs: _cutoffs, ...counts } = result;
      return counts;
    },
  });
}

/**
 * The refresh-qualification-links queue with the retention prune beside its own jobs: short, Postgres-only
 * work that needs no worker of its own, and one queue keeps the worker's queue list as SPEC names it.
 */
export function withRetentionPrune(definition: JobDefinition): JobDefinition {
  return {
    ...definition,
    createProcessor: (deps) => {
      const others = definition.createProcessor(deps);
      const prune = pruneProcessor(deps);
      return (job, token, signal) => (job.name === JOB_NAME.pruneRetention ? prune(job, token, signal) : others(job, token, signal));
    },
  };
}
