import type { Kysely } from 'kysely';
import type { DB } from '../db/types.js';
import type { ContractCheck } from '../rules/wire-contract.js';
import type { RecordShape } from '../onefile/wire-shapes.js';

// The contract probe's reports (issue 22), in the worker's schema. Field names, types, counts and verdicts
// only: the probe never keeps a value OneFile sent, so nothing here is personal data or a secret.

export interface ProbeReport {
  startedAt: string;
  finishedAt: string;
  environment: string;
  /** The hash of the customer token (limiter/customer-key.ts). */
  customerKey: string;
  callsMade: number;
  maxCalls: number;
  /** Every step ran; false when the call cap or a failure stopped it (stoppedBecause says which). */
  complete: boolean;
  stoppedBecause: string | null;
  /** Reads OneFile refused (endpoint template and status only); each leaves its checks less certain. */
  failures: string[];
  checks: ContractCheck[];
  /** Ids of the contradicted checks that stop jobs. */
  blocking: string[];
  /** What each kind of record looked like, by endpoint template. */
  shapes: Record<string, RecordShape>;
  /** How learning-aim search rows came (records.ts readLearningAimSummary): what seeds aim-search-shape.ts. */
  aimSearchRows: 'full' | 'minimal' | 'mixed' | null;
  /** Calls per endpoint template and status, e.g. {"GET /Customer": {"200": 1}}. */
  calls: Record<string, Record<string, number>>;
}

export interface StoredProbeReport {
  id: number;
  report: ProbeReport;
}

export async function recordProbeReport(db: Kysely<DB>, report: ProbeReport): Promise<number> {
  const row = await db
    .insertInto('eportfolio_sync.probe_report')
    .values({
      customer_key: report.customerKey, environment: report.environment, started_at: report.startedAt, finished_at: report.finishedAt,
      calls_made: report.callsMade, max_calls: report.maxCalls, complete: report.complete, blocking_checks: report.blocking,
      report: JSON.stringify(report),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The latest report for one customer and environment (a new token or environment starts afresh), or null. */
export async function latestProbeReport(db: Kysely<DB>, customerKey: string, environment: string): Promise<StoredProbeReport | null> {
  const row = await db
    .selectFrom('eportfolio_sync.probe_report')
    .select(['id', 'report'])
    .where('customer_key', '=', customerKey)
    .where('environment', '=', environment)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { id: row.id, report: row.report as unknown as ProbeReport } : null;
}
