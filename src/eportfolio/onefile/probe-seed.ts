import type { Kysely } from 'kysely';
import type { DB } from '../../db/handle.js';
import { customerKeyFromToken } from '../../limiter/customer-key.js';
import type { OneFileSettings } from '../../domain/settings.js';
import { latestProbeReport } from '../../store/probe-reports.js';
import { seedAimSearchShape } from './aim-search-shape.js';

/**
 * At a worker's start: what the latest contract probe of this customer and environment saw of learning-aim
 * search rows becomes this process's first belief (aim-search-shape.ts), so its first syncs skip the search
 * that would only teach it that. Only that is seeded: review rows say on each row what they carry
 * (rules/review-reads.ts), and every other finding is the job gate's (jobs/contract-gate.ts) or the operator's.
 * Answers the rows seeded, or null when there was nothing to seed.
 */
export async function seedFromLatestProbe(db: Kysely<DB>, settings: Pick<OneFileSettings, 'customerToken' | 'environment'>, now: number = Date.now()) {
  if (!settings.customerToken) return null;
  const customerKey = customerKeyFromToken(settings.customerToken);
  const latest = await latestProbeReport(db, customerKey, settings.environment);
  const rows = latest?.report.aimSearchRows ?? null;
  return seedAimSearchShape(customerKey, rows, now) ? rows : null;
}
