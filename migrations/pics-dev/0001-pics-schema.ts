import { sql, type Kysely } from 'kysely';

// Dev-only model of the PICS tables the worker touches, exactly as SPEC "The PICS database".
// Production never runs this set: PICS owns these tables.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create schema if not exists pics;

    create table pics.officer (
      id serial primary key,
      ident varchar(10) unique,
      forenames varchar(100) not null,
      surname varchar(100) not null,
      email varchar(100),
      telephone varchar(100),
      mobile varchar(100),
      other_system_id varchar(50),
      status varchar(10) default 'Live'
    );

    create table pics.organisation (
      id serial primary key,
      ident varchar(10) unique,
      name varchar(200) not null,
      email varchar(200),
      telephone varchar(200),
      website varchar(200),
      address1 varchar(100), address2 varchar(100), address3 varchar(100), address4 varchar(100), address5 varchar(100),
      postcode varchar(10),
      edrs_number varchar(20),
      additional_id varchar(50)
    );

    create table pics.tag (
      id serial primary key,
      name varchar(100) unique not null
    );

    create table pics.learner (
      id serial primary key,
      ident varchar(10) unique not null,
      first_name varchar(100) not null,
      surname varchar(100) not null,
      email varchar(100),
      telephone varchar(100),
      mobile varchar(100),
      birth_date date,
      uln char(10),
      ni_number varchar(9),
      sex char(1),
      ethnicity smallint,
      lldd_health_problem smallint,
      disability smallint,
      start_date date,
      expected_end_date date,
      actual_end_date date,
      status varchar(10) default 'Live',
      main_officer_id int references pics.officer(id),
      main_tag_id int references pics.tag(id),
      onefile_id int unique,
      smartassessor_id varchar(36) unique,
      address1 varchar(100), address2 varchar(100), address3 varchar(100), address4 varchar(100),
      postcode varchar(10),
      updated_at timestamptz
    );

    create table pics.learner_officer (
      learner_id int not null references pics.learner(id),
      officer_id int not null references pics.officer(id),
      role varchar(40) not null,
      primary key (learner_id, officer_id, role)
    );

    create table pics.placement (
      id serial primary key,
      learner_id int references pics.learner(id),
      organisation_id int references pics.organisation(id),
      placement_type char(1),
      start_date date not null,
      end_date date
    );

    create table pics.qualification (
      id serial primary key,
      title varchar(250) not null,
      vq_reference varchar(30),
      level varchar(10),
      awarding_body varchar(100)
    );

    create table pics.learner_qualification (
      id serial primary key,
      learner_id int references pics.learner(id),
      qualification_id int references pics.qualification(id),
      assessor_officer_id int references pics.officer(id),
      start_date date,
      planned_end_date date,
      achieved_date date,
      claimed_date date,
      registration_number varchar(50),
      registration_date date,
      certificate_applied_date date,
      certificate_received_date date,
      total_elements int,
      elements_done int,
      onefile_learning_aim_id int
    );

    create table pics.learner_unit (
      id serial primary key,
      learner_qualification_id int references pics.learner_qualification(id),
      reference varchar(30),
      title varchar(250)
    );

    create table pics.review (
      id serial primary key,
      learner_id int references pics.learner(id),
      review_type char(1),
      planned_date date,
      planned_time time,
      attended char(1),
      actual_date date,
      officer_id int references pics.officer(id),
      trainee_signed_date date,
      onefile_system_id int
    );

    create table pics.smartassessor_settings (
      integration_enabled bool,
      base_url text,
      username text,
      password text,
      client_key text,
      send_learner_welcome_email bool,
      set_student_id_to_lrn bool
    );

    create table pics.onefile_settings (
      integration_enabled bool,
      customer_token text,
      environment varchar(10),
      organisation_id int,
      multi_centre bool,
      classroom_from_main_tag bool,
      default_classroom_name varchar(100),
      learner_demographics_mode varchar(5),
      officer_demographics_mode varchar(5),
      organisation_demographics_mode varchar(5),
      upload_reviews bool,
      visit_type varchar(20),
      push_main_officer_changes bool,
      push_employer_changes bool,
      download_reviews bool,
      additional_assessor_roles text[],
      last_synchronised_at timestamptz,
      connection_ok bool,
      connection_version text,
      connection_checked_at timestamptz
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop schema if exists pics cascade`.execute(db);
}
