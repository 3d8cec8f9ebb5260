import type { Kysely } from 'kysely';
import type { DB } from '../db/handle.js';
import type { OneFileClientFactory } from '../onefile/factory.js';
import { resolveActiveEPortfolio } from './active.js';
import { createOneFileEPortfolio } from './onefile/index.js';
import type { EPortfolio } from './types.js';

export interface EPortfolioFactories {
  oneFile: OneFileClientFactory;
  /** Smart Assessor behind the same boundary; absent until a site has it configured. */
  smartAssessor?: (db: Kysely<DB>, settings: import('../domain/settings.js').SmartAssessorSettings) => EPortfolio;
}

/** The ePortfolio enabled in PICS now (read at job time), or null when no integration is enabled. */
export async function activeEPortfolio(db: Kysely<DB>, factories: EPortfolioFactories): Promise<EPortfolio | null> {
  const active = await resolveActiveEPortfolio(db);
  if (active.provider === 'onefile') return createOneFileEPortfolio(db, active.settings, factories.oneFile);
  if (active.provider === 'smartassessor') {
    if (!factories.smartAssessor) throw new Error('the Smart Assessor integration is enabled, but this worker has no Smart Assessor client configured');
    return factories.smartAssessor(db, active.settings);
  }
  return null;
}
