import { sql, type Kysely } from 'kysely';

// Issue 21: a cohort enrolled as one batch. The batch and what became of each of its learners when it was
// asked (queued by it, already queued — by a click or an earlier batch — or refused at once); the learner's
// progress itself is its eportfolio_sync.enrol row, whichever job does the enrol.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table eportfolio_sync.enrol_batch (
      id serial primary key,
      requested_at timestamptz not null default now(),
      reason text not null check (reason in ('api', 'cli', 'bench')),
      options jsonb not null default '{}'::jsonb
    );

    create table eportfolio_sync.enrol_batch_learner (
      batch_id int not null references eportfolio_sync.enrol_batch (id) on delete cascade,
      learner_id int not null,
      admitted text not null check (admitted in ('queued', 'already-queued', 'refused')),
      job_id text,
      refusal_code text,
      refusal_message text,
      primary key (batch_id, learner_id)
    );
    create index enrol_batch_learner_learner_idx on eportfolio_sync.enrol_batch_learner (learner_id);
    create index enrol_batch_requested_idx on eportfolio_sync.enrol_batch (requested_at);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table eportfolio_sync.enrol_batch_learner;
    drop table eportfolio_sync.enrol_batch;
  `.execute(db);
}
