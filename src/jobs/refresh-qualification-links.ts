import { UnrecoverableError } from 'bullmq';
import type { Deps } from '../deps.js';
import { INTEGRATION_DISABLED, resolveActiveEPortfolio } from '../eportfolio/active.js';
import { refreshLinksNow } from '../eportfolio/onefile/links-refresh.js';
import type { OneFileClientFactory } from '../onefile/factory.js';
import { QUEUE } from '../queues/names.js';
import { assertWireContract } from './contract-gate.js';
import { parseRefreshLinksJobData } from './payloads.js';
import type { JobDefinition } from './definition.js';
import { createProcessor } from './runner.js';

/** Q1–Q3: read every standard of the OneFile organisation (paged), match codes, record links. */
export function refreshQualificationLinksJob(createClient: OneFileClientFactory): JobDefinition {
  return {
    queue: QUEUE.refreshLinks,
    concurrency: (deps) => deps.config.workers.refreshLinksConcurrency,
    createProcessor: (deps: Deps) =>
      createProcessor(deps, {
        queue: QUEUE.refreshLinks,
        parse: parseRefreshLinksJobData,
        async handle(ctx) {
          const active = await resolveActiveEPortfolio(deps.db);
          if (active.provider !== 'onefile') return ctx.skip(active.provider === 'none' ? INTEGRATION_DISABLED : 'qualification links are a OneFile feature');
          await assertWireContract(deps.db, active.settings);
          const organisationId = ctx.data.organisationId ?? active.settings.organisationId;
          if (!organisationId) throw new UnrecoverableError('no OneFile organisation is set in pics.onefile_settings.organisation_id');
          const client = createClient(active.settings, { signal: ctx.signal, logger: ctx.logger });
          // The same lock as an enrol's refresh (E2), so the two never run side by side.
          const summary = await refreshLinksNow({ db: deps.db, client, logger: ctx.logger, signal: ctx.signal }, organisationId, ctx.job.id ?? null);
          ctx.logger.info(summary, 'qualification links refreshed');
          return summary;
        },
      }),
  };
}
