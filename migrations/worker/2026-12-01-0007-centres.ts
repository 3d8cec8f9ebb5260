import { sql, type Kysely } from 'kysely';

// Issue 19, multi-centre providers. In that mode PICS's single Other System ID / Additional ID cannot hold an
// officer's or employer's OneFile id — one PICS officer has an account in each centre — so the worker keeps
// them here, per centre, with the centre each learner was enrolled into. `organisation_id` 0 on the shared
// tables means "not per centre" (single-centre mode, Smart Assessor), so every row written before stays valid.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table eportfolio_sync.learner_centre (
      learner_id int primary key,
      organisation_id int not null check (organisation_id > 0),
      recorded_at timestamptz not null default now()
    );

    create table eportfolio_sync.centre_identity (
      kind text not null check (kind in ('officer', 'employer')),
      pics_id int not null,
      organisation_id int not null check (organisation_id > 0),
      onefile_id int not null check (onefile_id > 0),
      recorded_at timestamptz not null default now(),
      primary key (kind, pics_id, organisation_id)
    );
    -- D6 maps a review's assessor back to the PICS officer: by OneFile id within the centre.
    create index centre_identity_onefile_idx on eportfolio_sync.centre_identity (kind, organisation_id, onefile_id);

    alter table eportfolio_sync.entity_sync add column organisation_id int not null default 0;
    alter table eportfolio_sync.entity_sync drop constraint entity_sync_pkey;
    alter table eportfolio_sync.entity_sync add primary key (kind, pics_id, organisation_id);

    alter table eportfolio_sync.directory_entry add column organisation_id int not null default 0;
    alter table eportfolio_sync.directory_entry drop constraint directory_entry_pkey;
    alter table eportfolio_sync.directory_entry add primary key (provider, organisation_id, kind, external_id);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    delete from eportfolio_sync.directory_entry where organisation_id <> 0;
    alter table eportfolio_sync.directory_entry drop constraint directory_entry_pkey;
    alter table eportfolio_sync.directory_entry drop column organisation_id;
    alter table eportfolio_sync.directory_entry add primary key (provider, kind, external_id);
    delete from eportfolio_sync.entity_sync where organisation_id <> 0;
    alter table eportfolio_sync.entity_sync drop constraint entity_sync_pkey;
    alter table eportfolio_sync.entity_sync drop column organisation_id;
    alter table eportfolio_sync.entity_sync add primary key (kind, pics_id);
    drop table if exists eportfolio_sync.centre_identity;
    drop table if exists eportfolio_sync.learner_centre;
  `.execute(db);
}
