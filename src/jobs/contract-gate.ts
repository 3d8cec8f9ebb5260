import { PermanentError } from '../domain/errors.js';
import type { Kysely } from 'kysely';
import type { DB } from '../db/handle.js';
import { customerKeyFromToken } from '../limiter/customer-key.js';
import type { OneFileSettings } from '../domain/settings.js';
import { latestProbeReport } from '../store/probe-reports.js';

/**
 * Jobs refuse to start while the latest contract probe of their customer and environment found answers they
 * would turn into bad data (a check with `blocks`: records without IDs, dates in an unknown form …). Not
 * retried: nothing changes until someone looks at the report and probes again. No report, or a report
 * without such a contradiction, blocks nothing.
 */
export class WireContractError extends PermanentError {
  override name = 'WireContractError';
}

export async function assertWireContract(db: Kysely<DB>, settings: Pick<OneFileSettings, 'customerToken' | 'environment'>): Promise<void> {
  if (!settings.customerToken) return; // the job fails on the missing token itself
  const latest = await latestProbeReport(db, customerKeyFromToken(settings.customerToken), settings.environment);
  if (!latest || latest.report.blocking.length === 0) return;
  const found = latest.report.checks.filter((c) => c.blocks).map((c) => `${c.id}: ${c.seen}`).join('; ');
  throw new WireContractError(
    `OneFile jobs are stopped: contract probe report #${latest.id} (${latest.report.finishedAt}) found answers this worker would turn into bad data (${found}). `
    + 'Read it with `pics-worker probe --show`; once OneFile answers as the worker expects, `pics-worker probe` again clears this.',
  );
}
