import { INTEGRATION_DISABLED } from '../eportfolio/active.js';
import { activeEPortfolio, type EPortfolioFactories } from '../eportfolio/select.js';
import { JOB_NAME } from '../queues/job-options.js';
import { QUEUE } from '../queues/names.js';
import { parseRefreshDirectoryJobData, type RefreshDirectoryJobData } from '../queues/payloads.js';
import { saveDirectory } from '../store/directory.js';
import type { JobDefinition } from './definition.js';

/*
 * A1: reads every assessor and employer from the enabled ePortfolio (OneFile or Smart Assessor, through the
 * boundary's listDirectory) into eportfolio_sync.directory_entry, which PICSWeb's Look Up … ID picker lists
 * (src/producer/directory.ts). It writes the worker's schema only: never an officer's or organisation's id in
 * PICS, so an id a user linked is never changed by a later refresh ("it will not be updated in the other").
 */

export function refreshDirectoryJob(factories: EPortfolioFactories): JobDefinition<RefreshDirectoryJobData> {
  return {
    queue: QUEUE.refreshLinks,
    name: JOB_NAME.refreshDirectory,
    parse: parseRefreshDirectoryJobData,
    async handle(ctx) {
      const { deps } = ctx;
      // Both integrations on throws EPortfolioConfigurationError: a setting to fix, failed at once (not retried).
      const ePortfolio = await activeEPortfolio(deps.db, factories);
      if (!ePortfolio) return ctx.skip(INTEGRATION_DISABLED);
      const entries = await ePortfolio.listDirectory({ signal: ctx.signal, logger: ctx.logger });
      const saved = await saveDirectory(deps.db, ePortfolio.provider, entries);
      const summary = { provider: ePortfolio.provider, ...saved };
      ctx.logger.info(summary, 'ePortfolio directory refreshed');
      return summary;
    },
  };
}
