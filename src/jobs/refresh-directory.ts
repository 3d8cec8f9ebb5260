import { UnrecoverableError, type Processor } from 'bullmq';
import type { Deps } from '../deps.js';
import { EPortfolioConfigurationError, INTEGRATION_DISABLED } from '../eportfolio/active.js';
import { activeEPortfolio, type EPortfolioFactories } from '../eportfolio/select.js';
import { QUEUE } from '../queues/names.js';
import { saveDirectory } from '../store/directory.js';
import { parseReasonOnlyJobData } from './payloads.js';
import type { JobDefinition } from './definition.js';
import { createProcessor } from './runner.js';

/*
 * A1: reads every assessor and employer from the enabled ePortfolio (OneFile or Smart Assessor, through the
 * boundary's listDirectory) into eportfolio_sync.directory_entry, which PICSWeb's Look Up … ID picker lists
 * (src/producer/directory.ts). It writes the worker's schema only: never an officer's or organisation's id in
 * PICS, so an id a user linked is never changed by a later refresh ("it will not be updated in the other").
 */

export const REFRESH_DIRECTORY_JOB = 'refresh-directory';
export const REFRESH_DIRECTORY_JOB_ID = 'refresh-directory';

export interface RefreshDirectoryJobData {
  reason?: 'user' | 'cli' | 'startup';
}

export function parseRefreshDirectoryJobData(raw: unknown): RefreshDirectoryJobData {
  return parseReasonOnlyJobData(raw, ['user', 'cli', 'startup'] as const);
}

function directoryProcessor(deps: Deps, factories: EPortfolioFactories): Processor {
  return createProcessor(deps, {
    queue: QUEUE.refreshLinks,
    parse: parseRefreshDirectoryJobData,
    async handle(ctx) {
      let ePortfolio;
      try {
        ePortfolio = await activeEPortfolio(deps.db, factories);
      } catch (error) {
        // Both integrations on: a setting for a user to fix, not something a retry can change.
        if (error instanceof EPortfolioConfigurationError) throw new UnrecoverableError(error.message);
        throw error;
      }
      if (!ePortfolio) return ctx.skip(INTEGRATION_DISABLED);
      const entries = await ePortfolio.listDirectory({ signal: ctx.signal, logger: ctx.logger });
      const saved = await saveDirectory(deps.db, ePortfolio.provider, entries);
      const summary = { provider: ePortfolio.provider, ...saved };
      ctx.logger.info(summary, 'ePortfolio directory refreshed');
      return summary;
    },
  });
}

/**
 * The refresh-qualification-links queue with the directory refresh beside its own jobs: like them it is a
 * short, user-triggered read of the ePortfolio, and one queue keeps the worker's queue list as SPEC names it.
 */
export function withDirectoryRefresh(definition: JobDefinition, factories: EPortfolioFactories): JobDefinition {
  return {
    ...definition,
    createProcessor: (deps) => {
      const others = definition.createProcessor(deps);
      const directory = directoryProcessor(deps, factories);
      return (job, token, signal) => (job.name === REFRESH_DIRECTORY_JOB ? directory(job, token, signal) : others(job, token, signal));
    },
  };
}
