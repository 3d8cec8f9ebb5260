import type { DirectoryEntry } from '../domain/directory.js';
import type { CallLane } from '../limiter/call-budget.js';
import type { Logger } from '../logging/logger.js';
import type { EnrolChoices, EnrolDecision, NotLinkedQualification } from '../rules/enrol-plan.js';

/**
 * The boundary between the jobs and an ePortfolio. A site runs OneFile or Smart Assessor; the enrol job and
 * the assessor look-up (A1) go through this interface and never name either product.
 */
export interface EPortfolio {
  readonly provider: 'onefile' | 'smartassessor';
  /** What an enrol would send and every problem to fix first, without writing anything to the ePortfolio. */
  previewEnrol(learnerId: number, choices: EnrolChoices): Promise<EnrolPreview>;
  /** Enrols one learner; throws EnrolInvalidError for input a PICS user must fix (never retried). */
  enrol(learnerId: number, choices: EnrolChoices, context: EnrolContext): Promise<EnrolOutcome>;
  /** Every assessor and employer in the ePortfolio, for the Look Up … ID picker (A1). */
  listDirectory(context: { signal: AbortSignal; logger?: Logger }): Promise<DirectoryEntry[]>;
}

export interface EnrolContext {
  signal: AbortSignal;
  logger: Logger;
  jobId: string | null;
  /** Oldest qualification links (Q1) the enrol may use, in hours (config links.maxAgeHours); older ones are refreshed first. */
  linksMaxAgeHours: number;
  /** The budget lane of its calls: a cohort's enrol is batch work; a Create in OneFile click (the default) is not. */
  lane?: CallLane;
}

export interface EnrolPreview {
  provider: 'onefile' | 'smartassessor';
  /** The decision of the rules: the plan of what is sent, a refusal, or the problems. */
  decision: EnrolDecision | { kind: 'plan'; plan: unknown };
}

export interface EnrolOutcome {
  externalLearnerId: string;
  notLinked: NotLinkedQualification[];
  /** Counts for the job's return value (no personal data). */
  summary: Record<string, number>;
}
