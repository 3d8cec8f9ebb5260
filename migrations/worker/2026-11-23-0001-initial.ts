import { sql, type Kysely } from 'kysely';

// The worker's own state. No foreign keys into pics.*: PICS is an external contract whose rows may be
// renamed or removed by PICSWeb; we keep ids and tolerate their absence instead.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create schema if not exists eportfolio_sync;

    -- Standards seen in the ePortfolio organisation (Q1), cached between refreshes.
    create table eportfolio_sync.standard (
      organisation_id int not null,
      standard_id int not null,
      title text not null,
      code text,
      normalised_code text,
      first_seen_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      gone_at timestamptz,
      primary key (organisation_id, standard_id)
    );
    create index standard_code_idx on eportfolio_sync.standard (organisation_id, normalised_code);

    create table eportfolio_sync.link_refresh (
      id serial primary key,
      organisation_id int,
      job_id text,
      status text not null check (status in ('running', 'completed', 'failed', 'skipped')),
      started_at timestamptz not null default now(),
      finished_at timestamptz,
      standards_seen int,
      qualifications_linked int,
      qualifications_not_available int,
      links_added int,
      links_gone int,
      calls_made int,
      error text
    );

    -- Which PICS qualification links to which standard(s) (Q1, Q2: several pathways kept for the user).
    create table eportfolio_sync.qualification_link (
      qualification_id int not null,
      organisation_id int not null,
      standard_id int not null,
      status text not null check (status in ('linked', 'gone')),
      linked_at timestamptz not null default now(),
      gone_at timestamptz,
      last_refresh_id int references eportfolio_sync.link_refresh(id),
      primary key (qualification_id, organisation_id, standard_id)
    );

    -- One row per learner enrol request: status and errors readable by PICSWeb (E8).
    create table eportfolio_sync.enrol (
      learner_id int primary key,
      status text not null check (status in ('queued', 'running', 'completed', 'failed', 'refused')),
      job_id text,
      attempts int not null default 0,
      options jsonb not null default '{}',
      external_learner_id text,
      error_code text,
      error_message text,
      problems jsonb not null default '[]',
      not_linked jsonb not null default '[]',
      requested_at timestamptz not null default now(),
      started_at timestamptz,
      finished_at timestamptz,
      updated_at timestamptz not null default now()
    );

    -- Crash safety (E7): each completed enrol step with the id it produced, so a retry skips it.
    create table eportfolio_sync.enrol_step (
      learner_id int not null,
      step text not null,
      external_id text,
      done_at timestamptz not null default now(),
      primary key (learner_id, step)
    );

    create table eportfolio_sync.sync_run (
      id serial primary key,
      kind text not null check (kind in ('daily', 'on_demand')),
      job_id text,
      status text not null check (status in ('running', 'completed', 'failed')),
      first_sync boolean not null default false,
      started_at timestamptz not null default now(),
      finished_at timestamptz,
      learners_total int not null default 0,
      learners_synced int not null default 0,
      learners_changed int not null default 0,
      learners_failed int not null default 0,
      calls_made int not null default 0,
      error text
    );

    create table eportfolio_sync.sync_learner (
      run_id int not null references eportfolio_sync.sync_run(id) on delete cascade,
      learner_id int not null,
      job_id text,
      status text not null check (status in ('completed', 'failed', 'skipped')),
      changes int not null default 0,
      calls_made int not null default 0,
      error text,
      finished_at timestamptz not null default now(),
      primary key (run_id, learner_id)
    );

    -- Every field a job changes, in either system.
    create table eportfolio_sync.audit (
      id bigserial primary key,
      at timestamptz not null default now(),
      run_id int,
      job_id text,
      learner_id int,
      table_name text not null,
      row_id text not null,
      field text not null,
      old_value text,
      new_value text,
      direction text not null check (direction in ('to_pics', 'to_eportfolio'))
    );
    create index audit_learner_idx on eportfolio_sync.audit (learner_id, at);
    create index audit_run_idx on eportfolio_sync.audit (run_id);

    -- Terminal outcome of every job, kept after BullMQ removes the job.
    create table eportfolio_sync.job_outcome (
      id bigserial primary key,
      queue text not null,
      job_id text not null,
      learner_id int,
      outcome text not null check (outcome in ('completed', 'failed', 'skipped')),
      reason text,
      at timestamptz not null default now()
    );
    create index job_outcome_queue_idx on eportfolio_sync.job_outcome (queue, at);

    -- D11: the first sync after the integration is enabled does extra work.
    create table eportfolio_sync.integration_state (
      provider text primary key check (provider in ('onefile', 'smartassessor')),
      enabled_seen_at timestamptz,
      first_sync_completed_at timestamptz
    );

    -- Assessors and employers read from the ePortfolio for the look-up picker (A1).
    create table eportfolio_sync.directory_entry (
      provider text not null check (provider in ('onefile', 'smartassessor')),
      kind text not null check (kind in ('assessor', 'employer')),
      external_id text not null,
      name text not null,
      email text,
      mis_id text,
      archived boolean not null default false,
      refreshed_at timestamptz not null default now(),
      primary key (provider, kind, external_id)
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop schema if exists eportfolio_sync cascade`.execute(db);
}
