import type { Deps } from './deps.js';
import { resolveActiveEPortfolio } from './eportfolio/active.js';
import { seedFromLatestProbe } from './eportfolio/onefile/probe-seed.js';
import { JOB_NAME, jobIds } from './queues/job-options.js';
import { QUEUE } from './queues/names.js';
import { registerDailySchedule, registerRetentionSchedule } from './queues/schedule.js';
import { enqueueUnique } from './queues/enqueue.js';
import { linksFreshness } from './rules/links-age.js';
import { lastCompletedLinkRefresh } from './store/links.js';

/**
 * Once per start: the daily sync and retention prune schedules (from one process only), what the latest contract probe saw of
 * learning-aim rows (this process's), and a links refresh when links are older than links.maxAgeHours.
 */
export async function startupTasks(deps: Deps): Promise<void> {
  const outcome = await registerDailySchedule(deps.db, deps.queues[QUEUE.dailySync], deps.config.schedule.dailySyncCron);
  deps.logger.info({ cron: deps.config.schedule.dailySyncCron, outcome }, 'daily sync schedule');
  const pruning = await registerRetentionSchedule(deps.db, deps.queues[QUEUE.refreshLinks], deps.config.schedule.retentionCron);
  deps.logger.info({ cron: deps.config.schedule.retentionCron, outcome: pruning }, 'retention prune schedule');
  const active = await resolveActiveEPortfolio(deps.db);
  if (active.provider !== 'onefile') return;
  const seeded = await seedFromLatestProbe(deps.db, active.settings);
  if (seeded) deps.logger.info({ aimSearchRows: seeded }, 'learning-aim search rows as the latest contract probe saw them');
  const last = await lastCompletedLinkRefresh(deps.db, active.settings.organisationId ?? undefined);
  if (linksFreshness(last?.finishedAt ?? null, new Date(), deps.config.links.maxAgeHours) !== 'fresh') {
    await enqueueUnique(deps.queues[QUEUE.refreshLinks], JOB_NAME.refreshLinks, { reason: 'startup' }, jobIds.refreshLinks());
    deps.logger.info({ lastRefresh: last?.finishedAt ?? null }, 'qualification links are stale: refresh queued');
  }
}
