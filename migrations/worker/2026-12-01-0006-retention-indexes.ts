import { sql, type Kysely } from 'kysely';

// Issue 17 data retention: the daily prune finds rows past their period by these timestamps, a batch at a time;
// an index on each keeps every batch (and the last, empty one) an index range scan instead of a table scan.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create index if not exists audit_at_idx on eportfolio_sync.audit (at);
    create index if not exists job_outcome_at_idx on eportfolio_sync.job_outcome (at);
    create index if not exists sync_learner_finished_at_idx on eportfolio_sync.sync_learner (finished_at);
    create index if not exists sync_run_started_at_idx on eportfolio_sync.sync_run (started_at);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop index if exists eportfolio_sync.sync_run_started_at_idx;
    drop index if exists eportfolio_sync.sync_learner_finished_at_idx;
    drop index if exists eportfolio_sync.job_outcome_at_idx;
    drop index if exists eportfolio_sync.audit_at_idx;
  `.execute(db);
}
