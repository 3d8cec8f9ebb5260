import { sql, type Kysely } from 'kysely';

// D11 tracked per learner: when each learner's first sync (or an enrol of ours, which uploads its reviews by
// E3) completed, instead of one flag for the whole integration that a run with failed learners cleared for
// them too and that switching the integration off and on armed again. Each run's learner row says whether it
// was that learner's first sync. What the old flag had done is carried over, so no learner does it twice.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table eportfolio_sync.learner_state add column first_sync_completed_at timestamptz;
    alter table eportfolio_sync.sync_learner add column first_sync boolean not null default false;

    -- Done already: learners synced by a run that was a first sync, and learners our OneFile enrol completed
    -- (OneFile learner ids are whole numbers; Smart Assessor's are GUIDs).
    insert into eportfolio_sync.learner_state (learner_id, first_sync_completed_at)
    select learner_id, min(done_at) from (
      select sl.learner_id, sl.finished_at as done_at
        from eportfolio_sync.sync_learner sl join eportfolio_sync.sync_run r on r.id = sl.run_id
       where r.first_sync and sl.status = 'completed'
      union all
      select learner_id, coalesce(finished_at, updated_at)
        from eportfolio_sync.enrol where status = 'completed' and external_learner_id ~ '^[0-9]+$'
    ) done
    group by learner_id
    on conflict (learner_id) do update set first_sync_completed_at = excluded.first_sync_completed_at;

    drop table eportfolio_sync.integration_state;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    create table eportfolio_sync.integration_state (
      provider text primary key check (provider in ('onefile', 'smartassessor')),
      enabled_seen_at timestamptz,
      first_sync_completed_at timestamptz
    );
    alter table eportfolio_sync.sync_learner drop column first_sync;
    alter table eportfolio_sync.learner_state drop column first_sync_completed_at;
  `.execute(db);
}
