import type { Deps } from './deps.js';
import { resolveActiveEPortfolio } from './eportfolio/active.js';
import { JOB_NAME, jobIds } from './queues/job-options.js';
import { QUEUE } from './queues/names.js';
import { registerDailySchedule } from './queues/schedule.js';
import { enqueueUnique } from './queues/enqueue.js';
import { lastCompletedLinkRefresh } from './store/links.js';

const DAY_MS = 24 * 3600 * 1000;

/** Once per start: the daily schedule (from one process only) and a links refresh when links are over a day old. */
export async function startupTasks(deps: Deps): Promise<void> {
  const outcome = await registerDailySchedule(deps.db, deps.queues[QUEUE.dailySync], deps.config.schedule.dailySyncCron);
  deps.logger.info({ cron: deps.config.schedule.dailySyncCron, outcome }, 'daily sync schedule');
  const active = await resolveActiveEPortfolio(deps.db);
  if (active.provider !== 'onefile') return;
  const last = await lastCompletedLinkRefresh(deps.db);
  if (!last || Date.now() - last.finishedAt.getTime() > DAY_MS) {
    await enqueueUnique(deps.queues[QUEUE.refreshLinks], JOB_NAME.refreshLinks, { reason: 'startup' }, jobIds.refreshLinks());
    deps.logger.info({ lastRefresh: last?.finishedAt ?? null }, 'qualification links are stale: refresh queued');
  }
}
