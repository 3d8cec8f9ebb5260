import { refreshLinksNow } from '../eportfolio/onefile/links-refresh.js';
import type { OneFileClientFactory } from '../onefile/factory.js';
import { JOB_NAME } from '../queues/job-options.js';
import { QUEUE } from '../queues/names.js';
import { parseRefreshLinksJobData, type RefreshLinksJobData } from '../queues/payloads.js';
import type { JobDefinition } from './definition.js';
import { requireOneFile } from './onefile-guard.js';

/** Q1–Q3: read every standard of the OneFile organisation (paged), match codes, record links. */
export function refreshQualificationLinksJob(createClient: OneFileClientFactory): JobDefinition<RefreshLinksJobData> {
  return {
    queue: QUEUE.refreshLinks,
    name: JOB_NAME.refreshLinks,
    parse: parseRefreshLinksJobData,
    async handle(ctx) {
      const { settings, organisationId } = await requireOneFile(ctx, 'qualification links are', { organisationId: ctx.data.organisationId });
      const client = createClient(settings, { signal: ctx.signal, logger: ctx.logger });
      // The same lock as an enrol's refresh (E2), so the two never run side by side.
      const summary = await refreshLinksNow({ db: ctx.deps.db, client, logger: ctx.logger, signal: ctx.signal }, organisationId, ctx.job.id ?? null);
      ctx.logger.info(summary, 'qualification links refreshed');
      return summary;
    },
  };
}
