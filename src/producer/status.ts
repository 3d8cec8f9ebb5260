import type { Kysely } from 'kysely';
import type { DB } from '../db/handle.js';
import type { OneFileSettings } from '../domain/settings.js';
import { inspectOneFileSettings, readSmartAssessorSettings, SettingsError, type SettingProblem } from '../pics/index.js';
import { readRun, type RunSummary } from '../store/runs.js';
import { lastCompletedLinkRefresh } from '../store/links.js';

/**
 * The OneFile Summary page's Integration Status, every item the seed lists, read from PICS's settings row
 * and the worker's schema; plus every stored setting whose value is invalid, named (a job would stop at it).
 */
export interface IntegrationStatus {
  /** The settings as the jobs read them (an invalid value read as its default, and named in `problems`); null = no row. */
  settings: OneFileSettings | null;
  smartAssessorEnabled: boolean;
  problems: SettingProblem[];
  lastDailyRun: RunSummary | null;
  qualificationLinksRefreshedAt: Date | null;
}

export async function readIntegrationStatus(db: Kysely<DB>): Promise<IntegrationStatus> {
  const [{ settings, problems }, smartAssessor, lastDailyRun, links] = await Promise.all([
    inspectOneFileSettings(db),
    readSmartAssessorSettings(db).catch((error: unknown) => {
      if (error instanceof SettingsError) return { integrationEnabled: false, problem: error.message };
      throw error;
    }),
    readRun(db),
    lastCompletedLinkRefresh(db),
  ]);
  const all = [...problems];
  if (!settings) all.push({ setting: 'pics.onefile_settings', message: 'pics.onefile_settings has no row: set up the OneFile integration in PICS (Settings)' });
  if (smartAssessor && 'problem' in smartAssessor) all.push({ setting: 'pics.smartassessor_settings', message: smartAssessor.problem });
  const smartAssessorEnabled = smartAssessor?.integrationEnabled === true;
  if (settings?.integrationEnabled && smartAssessorEnabled) {
    all.push({ setting: 'pics.smartassessor_settings.integration_enabled', message: 'both the OneFile and the Smart Assessor integrations are enabled in PICS; a site uses one ePortfolio: disable one of them' });
  }
  if (settings?.integrationEnabled && !settings.customerToken) {
    all.push({ setting: 'pics.onefile_settings.customer_token', message: 'the OneFile integration is enabled but no customer token is set: no OneFile call can succeed' });
  }
  return { settings, smartAssessorEnabled, problems: all, lastDailyRun, qualificationLinksRefreshedAt: links?.finishedAt ?? null };
}
