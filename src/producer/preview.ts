import type { Kysely } from 'kysely';
import { configSchema } from '../config/schema.js';
import type { DB } from '../db/handle.js';
import { resolveActiveEPortfolio } from '../eportfolio/active.js';
import { decideEnrol } from '../eportfolio/onefile/enrol-input.js';
import { readLinksState, type LinksState } from '../eportfolio/onefile/links-refresh.js';
import { smartAssessorEPortfolioFactory } from '../eportfolio/smartassessor/index.js';
import type { EnrolChoices, EnrolDecision } from '../rules/enrol-plan.js';

export interface EnrolPreviewView {
  provider: 'onefile' | 'smartassessor' | 'none';
  /** The plan (what would be sent, in order), a refusal, or every problem to fix; nothing is written anywhere. */
  decision: EnrolDecision | null;
  /** OneFile: how fresh the qualification links behind the plan are; the enrol refreshes them first when not fresh. */
  links?: LinksState;
}

/** The friendly form of E8 for PICSWeb's enrol window: what would be sent, and what is missing. */
export async function previewEnrol(
  db: Kysely<DB>, learnerId: number, choices: EnrolChoices = {},
  options: { linksMaxAgeHours?: number } = {},
): Promise<EnrolPreviewView> {
  const active = await resolveActiveEPortfolio(db);
  if (active.provider === 'none') return { provider: 'none', decision: null };
  if (active.provider === 'smartassessor') {
    // The preview reads PICS only: no Smart Assessor client is needed (or built).
    const ePortfolio = smartAssessorEPortfolioFactory()(db, active.settings);
    return { provider: 'smartassessor', decision: (await ePortfolio.previewEnrol(learnerId, choices)).decision as EnrolDecision };
  }
  const { decision } = await decideEnrol(db, learnerId, active.settings, choices);
  // Read from the worker's schema only: the preview never calls OneFile, so it says when the links may be out of date.
  const organisationId = choices.organisationId ?? active.settings.organisationId;
  const maxAgeHours = options.linksMaxAgeHours ?? configSchema.links.maxAgeHours.default;
  return { provider: 'onefile', decision, ...(organisationId ? { links: await readLinksState(db, organisationId, maxAgeHours) } : {}) };
}
