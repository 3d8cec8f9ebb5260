import { listCentres } from '../eportfolio/onefile/centres.js';
import { refreshLinksNow } from '../eportfolio/onefile/links-refresh.js';
import type { OneFileClientFactory } from '../onefile/factory.js';
import { JOB_NAME } from '../queues/job-options.js';
import { QUEUE } from '../queues/names.js';
import { parseRefreshLinksJobData, type RefreshLinksJobData } from '../queues/payloads.js';
import type { JobDefinition } from './definition.js';
import { requireOneFile } from './onefile-guard.js';

/** Q1–Q3: read every standard of the OneFile organisation (each centre's, multi-centre), match codes, record links. */
export function refreshQualificationLinksJob(createClient: OneFileClientFactory): JobDefinition<RefreshLinksJobData> {
  return {
    queue: QUEUE.refreshLinks,
    name: JOB_NAME.refreshLinks,
    parse: parseRefreshLinksJobData,
    async handle(ctx) {
      const { settings, organisationId } = await requireOneFile(ctx, 'qualification links are', { organisationId: ctx.data.organisationId });
      const client = createClient(settings, { signal: ctx.signal, logger: ctx.logger });
      const links = { db: ctx.deps.db, client, logger: ctx.logger, signal: ctx.signal };
      // Multi-centre, no centre named: every centre's standards, one refresh (and one lock) per centre.
      const centres = settings.multiCentre && ctx.data.organisationId === undefined ? await listCentres(client, settings) : [organisationId];
      const summaries = [];
      for (const centre of centres) {
        // The same lock as an enrol's refresh (E2), so the two never run side by side.
        const summary = await refreshLinksNow(links, centre, ctx.job.id ?? null);
        ctx.logger.info(summary, 'qualification links refreshed');
        summaries.push(summary);
      }
      return summaries.length === 1 ? summaries[0]! : { centres: summaries };
    },
  };
}
