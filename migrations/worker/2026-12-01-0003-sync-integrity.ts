import { sql, type Kysely } from 'kysely';

// Issue 15: a review uploaded under a stand-in assessor keeps that fact (D5), and one learner is worked on by
// one job at a time through a lease kept on Postgres's clock (every process, every job kind).

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table eportfolio_sync.review_state
      add column stand_in_assessor_id int,
      add column stand_in_reason text;

    create table eportfolio_sync.learner_lease (
      learner_id int primary key,
      holder text not null,
      job_id text,
      acquired_at timestamptz not null default now(),
      expires_at timestamptz not null
    );

    -- Attempts stopped because their BullMQ lock may have been lost while the process lived on (a Redis that
    -- hung): BullMQ counts them as stalls, but they are not the crashes workers.maxStalledCount bounds.
    create table eportfolio_sync.job_lock_loss (
      queue text not null,
      job_id text not null,
      losses int not null default 1,
      last_at timestamptz not null default now(),
      primary key (queue, job_id)
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table if exists eportfolio_sync.job_lock_loss;
    drop table if exists eportfolio_sync.learner_lease;
    alter table eportfolio_sync.review_state drop column if exists stand_in_reason, drop column if exists stand_in_assessor_id;
  `.execute(db);
}
