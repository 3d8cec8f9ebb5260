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
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table if exists eportfolio_sync.learner_lease;
    alter table eportfolio_sync.review_state drop column if exists stand_in_reason, drop column if exists stand_in_assessor_id;
  `.execute(db);
}
