import { PermanentError } from '../domain/errors.js';
import type { Kysely } from 'kysely';
import type { DB } from '../db/handle.js';
import { readOneFileSettings, readSmartAssessorSettings } from '../pics/index.js';
import type { OneFileSettings, SmartAssessorSettings } from '../domain/settings.js';

// A site runs one ePortfolio at a time; which one is decided by the integration enabled in PICS, read at
// job time so a user can switch without a restart.

/** A configuration a user must fix in PICS: retrying cannot help, so no job retries it. */
export class EPortfolioConfigurationError extends PermanentError {
  override name = 'EPortfolioConfigurationError';
}

export type ActiveEPortfolio =
  | { provider: 'onefile'; settings: OneFileSettings }
  | { provider: 'smartassessor'; settings: SmartAssessorSettings }
  | { provider: 'none' };

export async function resolveActiveEPortfolio(db: Kysely<DB>): Promise<ActiveEPortfolio> {
  const [oneFile, smartAssessor] = await Promise.all([readOneFileSettings(db), readSmartAssessorSettings(db)]);
  const oneFileOn = oneFile?.integrationEnabled === true;
  const smartAssessorOn = smartAssessor?.integrationEnabled === true;
  if (oneFileOn && smartAssessorOn) {
    throw new EPortfolioConfigurationError(
      'both the OneFile and the Smart Assessor integrations are enabled in PICS; a site uses one ePortfolio: disable one of them',
    );
  }
  if (oneFileOn) return { provider: 'onefile', settings: oneFile! };
  if (smartAssessorOn) return { provider: 'smartassessor', settings: smartAssessor! };
  return { provider: 'none' };
}

export const INTEGRATION_DISABLED = 'integration disabled';
