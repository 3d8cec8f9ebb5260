import type { EPortfolioFactories } from '../eportfolio/select.js';
import type { OneFileClientFactory } from '../onefile/factory.js';
import type { JobDefinition } from './definition.js';
import { withConnectionTest } from './connection-test.js';
import { dailySyncJob } from './daily-sync.js';
import { enrolLearnerJob } from './enrol-learner.js';
import { withRetentionPrune } from './prune-retention.js';
import { withDirectoryRefresh } from './refresh-directory.js';
import { refreshQualificationLinksJob } from './refresh-qualification-links.js';

/** Every queue with its processor: the daemon consumes exactly these. */
export function jobDefinitions(createClient: OneFileClientFactory, ePortfolios: Omit<EPortfolioFactories, 'oneFile'> = {}): JobDefinition[] {
  const factories: EPortfolioFactories = { oneFile: createClient, ...ePortfolios };
  return [
    enrolLearnerJob(factories),
    withRetentionPrune(withDirectoryRefresh(withConnectionTest(refreshQualificationLinksJob(createClient), createClient), factories)),
    dailySyncJob(createClient),
  ];
}
