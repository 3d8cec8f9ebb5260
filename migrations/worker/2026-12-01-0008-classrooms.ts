import { sql, type Kysely } from 'kysely';

// Issue 21: the classroom each name resolved to in each organisation, so an enrol needs no classroom search once
// one enrol has found or created it. OneFile is asked again when it refuses the id (the classroom was removed).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table eportfolio_sync.classroom (
      organisation_id int not null check (organisation_id > 0),
      name_key text not null check (name_key <> ''),
      onefile_id int not null check (onefile_id > 0),
      recorded_at timestamptz not null default now(),
      primary key (organisation_id, name_key)
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists eportfolio_sync.classroom`.execute(db);
}
