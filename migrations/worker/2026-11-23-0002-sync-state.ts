import { sql, type Kysely } from 'kysely';

// What the daily sync remembers between runs so an unchanged learner costs few OneFile calls: the last
// detail seen of each OneFile review (a complete review is not fetched again; one not yet due is not fetched
// at all), what was last pushed for a learner (main officer, employer), and which officers and organisations
// a run has already reconciled (each once per run, however many learners share them).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table eportfolio_sync.review_state (
      onefile_review_id int primary key,
      learner_id int not null,
      scheduled_for timestamptz,
      started_on timestamptz,
      learner_signed_on timestamptz,
      assessor_id int,
      complete boolean not null default false,
      fetched_at timestamptz not null default now()
    );
    create index review_state_learner_idx on eportfolio_sync.review_state (learner_id);

    create table eportfolio_sync.learner_state (
      learner_id int primary key,
      pushed_default_assessor_id int,
      pushed_placement_id int,
      demographics_hash text,
      updated_at timestamptz not null default now()
    );

    create table eportfolio_sync.entity_sync (
      kind text not null check (kind in ('officer', 'organisation')),
      pics_id int not null,
      run_id int,
      demographics_hash text,
      synced_at timestamptz not null default now(),
      primary key (kind, pics_id)
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table if exists eportfolio_sync.entity_sync;
    drop table if exists eportfolio_sync.learner_state;
    drop table if exists eportfolio_sync.review_state;
  `.execute(db);
}
