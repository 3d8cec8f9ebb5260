import type { Kysely } from 'kysely';
import type { DB } from '../db/types.js';
import type { FieldChange } from '../rules/field-change.js';

export interface AuditContext {
  runId: number | null;
  jobId: string | null;
  learnerId: number;
}

const text = (v: string | number | null) => (v === null ? null : String(v).slice(0, 4_000));

/** Every field a job changed, in either system (table, row, field, old, new, direction, run, job). */
export async function recordAudit(db: Kysely<DB>, context: AuditContext, changes: FieldChange[]): Promise<void> {
  if (changes.length === 0) return;
  await db
    .insertInto('eportfolio_sync.audit')
    .values(changes.map((c) => ({
      run_id: context.runId, job_id: context.jobId, learner_id: context.learnerId, table_name: c.table, row_id: String(c.rowId),
      field: c.field, old_value: text(c.oldValue), new_value: text(c.newValue), direction: c.direction,
    })))
    .execute();
}

export async function learnerHistory(db: Kysely<DB>, learnerId: number, limit = 200) {
  return db.selectFrom('eportfolio_sync.audit').selectAll().where('learner_id', '=', learnerId).orderBy('id', 'desc').limit(limit).execute();
}

export async function runAudit(db: Kysely<DB>, runId: number, limit = 1_000) {
  return db.selectFrom('eportfolio_sync.audit').selectAll().where('run_id', '=', runId).orderBy('id').limit(limit).execute();
}

/** A learner's audit lines newest first, a page at a time: those with an id below `beforeId` (keyset paging). */
export async function learnerHistoryPage(db: Kysely<DB>, learnerId: number, options: { limit: number; beforeId?: string }) {
  return db.selectFrom('eportfolio_sync.audit').selectAll().where('learner_id', '=', learnerId)
    .$if(options.beforeId !== undefined, (qb) => qb.where('id', '<', options.beforeId!))
    .orderBy('id', 'desc').limit(options.limit).execute();
}
