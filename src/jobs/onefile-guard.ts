import { UnrecoverableError } from 'bullmq';
import type { OneFileSettings } from '../domain/settings.js';
import { INTEGRATION_DISABLED, resolveActiveEPortfolio } from '../eportfolio/active.js';
import { assertWireContract } from './contract-gate.js';
import { SkipJob, type JobContext } from './definition.js';

export interface OneFileJobSettings {
  settings: OneFileSettings;
  /** The organisation the job works in: the job's own choice, else S4. */
  organisationId: number;
}

export interface OneFileGuardOptions {
  /** The job's own organisation, over S4. */
  organisationId?: number | undefined;
  /** false: the job runs without one (the daily parent: each child then fails naming it, in the run's record). */
  needsOrganisation?: boolean;
}

/**
 * What every OneFile-only job checks first, in one place: OneFile is the active ePortfolio (else the job is
 * skipped: the integration is off, or the site runs Smart Assessor), the latest contract probe does not
 * stop OneFile jobs, and an organisation is set (else a setting to fix: not retried). `feature` is the start
 * of the skip reason: "the daily sync is" → "the daily sync is a OneFile feature".
 */
export async function requireOneFile(ctx: JobContext<unknown>, feature: string, options: OneFileGuardOptions = {}): Promise<OneFileJobSettings> {
  const active = await resolveActiveEPortfolio(ctx.deps.db);
  if (active.provider !== 'onefile') throw new SkipJob(active.provider === 'none' ? INTEGRATION_DISABLED : `${feature} a OneFile feature`);
  await assertWireContract(ctx.deps.db, active.settings);
  const organisationId = options.organisationId ?? active.settings.organisationId;
  if (!organisationId && options.needsOrganisation !== false) {
    throw new UnrecoverableError('no OneFile organisation is set in pics.onefile_settings.organisation_id');
  }
  return { settings: active.settings, organisationId: organisationId ?? 0 };
}
