import { UnrecoverableError } from 'bullmq';
import type { Deps } from '../deps.js';
import { INTEGRATION_DISABLED, resolveActiveEPortfolio } from '../eportfolio/active.js';
import type { OneFileClientFactory } from '../onefile/client.js';
import type { OneFileStandard } from '../onefile/types.js';
import { listQualifications } from '../pics/index.js';
import { QUEUE } from '../queues/names.js';
import { matchQualifications } from '../rules/qualification-codes.js';
import { finishLinkRefresh, saveLinkRefresh, startLinkRefresh, type LinkRefreshCounts } from '../store/links.js';
import { parseRefreshLinksJobData } from './payloads.js';
import type { JobDefinition } from './registry.js';
import { createProcessor } from './runner.js';

export interface LinkRefreshSummary extends LinkRefreshCounts {
  refreshId: number;
  organisationId: number;
}

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
          const organisationId = ctx.data.organisationId ?? active.settings.organisationId;
          if (!organisationId) throw new UnrecoverableError('no OneFile organisation is set in pics.onefile_settings.organisation_id');
          const client = createClient(active.settings, { signal: ctx.signal, logger: ctx.logger });
          const refreshId = await startLinkRefresh(deps.db, organisationId, ctx.job.id ?? null);
          try {
            const standards: OneFileStandard[] = [];
            for await (const page of client.searchStandards(organisationId)) standards.push(...page);
            const qualifications = await listQualifications(deps.db);
            const matches = matchQualifications(
              qualifications.map((q) => ({ id: q.id, vqReference: q.vq_reference })),
              standards,
            );
            const { linksAdded, linksGone } = await saveLinkRefresh(deps.db, refreshId, organisationId, standards, matches);
            const linked = matches.filter((m) => m.standardIds.length > 0).length;
            const summary: LinkRefreshSummary = {
              refreshId, organisationId, standardsSeen: standards.length, qualificationsLinked: linked,
              qualificationsNotAvailable: matches.length - linked, linksAdded, linksGone, callsMade: client.callsMade(),
            };
            await finishLinkRefresh(deps.db, refreshId, { status: 'completed', counts: summary });
            ctx.logger.info(summary, 'qualification links refreshed');
            return summary;
          } catch (error) {
            await finishLinkRefresh(deps.db, refreshId, { status: 'failed', error: error instanceof Error ? error.message : String(error), callsMade: client.callsMade() });
            throw error;
          }
        },
      }),
  };
}
