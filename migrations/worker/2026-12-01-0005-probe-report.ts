import { sql, type Kysely } from 'kysely';

// Issue 22: what the read-only contract probe learnt about OneFile's answers. One row per probe; jobs read the
// latest one for their customer and environment and refuse to start while it shows a contradiction that
// would make them write bad data. `report` holds field names, types, counts and verdicts: never a value.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table eportfolio_sync.probe_report (
      id serial primary key,
      -- the hash of the customer token (limiter/customer-key.ts), never the token: a new token is a new customer
      customer_key text not null,
      environment varchar(10) not null,
      started_at timestamptz not null,
      finished_at timestamptz not null,
      calls_made integer not null,
      max_calls integer not null,
      complete boolean not null,
      -- ids of the contradicted checks that stop jobs (empty: nothing blocks)
      blocking_checks text[] not null default '{}',
      report jsonb not null
    );
    create index probe_report_latest on eportfolio_sync.probe_report (customer_key, environment, id desc);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table eportfolio_sync.probe_report`.execute(db);
}
