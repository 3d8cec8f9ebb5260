import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/types.js';
import {
  DEMO_CUSTOMER_TOKEN, DEMO_DEFAULT_CLASSROOM, DEMO_LEARNER_COUNT, DEMO_OFFICERS, DEMO_ORGANISATION, DEMO_ORGANISATIONS,
  DEMO_QUALIFICATIONS, DEMO_TAGS,
} from './catalogue.js';
import { generateLearners, type CatalogueIds, type GeneratedLearners } from './pics-generator.js';

export interface SeedOptions {
  learners?: number;
  today?: string;
  seed?: number;
  includeProblemLearners?: boolean;
  /** Base URL the demo settings point at is config's override; this only picks the S3 environment. */
  environment?: 'live' | 'beta' | 'practice';
  /** PICSWeb's "Multiple OneFile Centres" on (issue 19): officers and employers matched on MIS value per centre. */
  multiCentre?: boolean;
}

const PICS_TABLES = [
  'review', 'learner_unit', 'learner_qualification', 'placement', 'learner_officer', 'learner', 'qualification',
  'organisation', 'officer', 'tag', 'onefile_settings', 'smartassessor_settings',
];

/** Empties the dev PICS schema and the worker's own state (demo and tests only). */
export async function resetDemoData(db: Kysely<DB>): Promise<void> {
  await sql`truncate ${sql.join(PICS_TABLES.map((t) => sql.table(`pics.${t}`)))} restart identity cascade`.execute(db);
  await sql`truncate eportfolio_sync.qualification_link, eportfolio_sync.link_refresh, eportfolio_sync.standard,
    eportfolio_sync.enrol_step, eportfolio_sync.enrol, eportfolio_sync.sync_learner, eportfolio_sync.sync_run,
    eportfolio_sync.audit, eportfolio_sync.job_outcome, eportfolio_sync.learner_state,
    eportfolio_sync.directory_entry, eportfolio_sync.learner_centre, eportfolio_sync.centre_identity restart identity cascade`.execute(db);
}

/** Officers, organisations, tags, qualifications and settings of the demo provider. */
export async function seedCatalogue(db: Kysely<DB>, options: SeedOptions = {}): Promise<CatalogueIds> {
  const tagIds = (
    await db.insertInto('pics.tag').values(DEMO_TAGS.map((name) => ({ name }))).returning('id').execute()
  ).map((r) => r.id);
  const officerIds = (
    await db
      .insertInto('pics.officer')
      .values(
        DEMO_OFFICERS.map((o) => ({
          ident: o.ident, forenames: o.forenames, surname: o.surname, email: o.email,
          telephone: '0161 496 1000', other_system_id: o.oneFileAssessorId ? String(o.oneFileAssessorId) : null,
        })),
      )
      .returning('id')
      .execute()
  ).map((r) => r.id);
  const organisationIds = (
    await db
      .insertInto('pics.organisation')
      .values(
        DEMO_ORGANISATIONS.map((o) => ({
          ident: o.ident, name: o.name, email: o.email, telephone: o.telephone, website: o.website,
          address1: o.address[0], address2: o.address[1], address3: o.address[2], postcode: o.postcode,
          edrs_number: o.edrsNumber, additional_id: o.oneFilePlacementId ? String(o.oneFilePlacementId) : null,
        })),
      )
      .returning('id')
      .execute()
  ).map((r) => r.id);
  const qualificationIds = (
    await db
      .insertInto('pics.qualification')
      .values(DEMO_QUALIFICATIONS.map((q) => ({ title: q.title, vq_reference: q.vqReference, level: q.level, awarding_body: q.awardingBody })))
      .returning('id')
      .execute()
  ).map((r) => r.id);

  await db
    .insertInto('pics.onefile_settings')
    .values({
      integration_enabled: true,
      customer_token: DEMO_CUSTOMER_TOKEN,
      environment: options.environment ?? 'practice',
      organisation_id: DEMO_ORGANISATION.id,
      multi_centre: options.multiCentre ?? false,
      classroom_from_main_tag: true,
      default_classroom_name: DEMO_DEFAULT_CLASSROOM,
      learner_demographics_mode: 'none',
      officer_demographics_mode: 'none',
      organisation_demographics_mode: 'none',
      upload_reviews: true,
      visit_type: 'remote',
      push_main_officer_changes: true,
      push_employer_changes: true,
      download_reviews: true,
      additional_assessor_roles: ['Mentor'],
    })
    .execute();
  await db
    .insertInto('pics.smartassessor_settings')
    .values({ integration_enabled: false, send_learner_welcome_email: false, set_student_id_to_lrn: false })
    .execute();
  return { tagIds, officerIds, organisationIds, qualificationIds };
}

export interface DemoSeedResult extends GeneratedLearners {
  catalogue: CatalogueIds;
}

/** The README demo: resets and fills pics.* with the demo provider and its learners. */
export async function seedDemoPics(db: Kysely<DB>, options: SeedOptions = {}): Promise<DemoSeedResult> {
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  await resetDemoData(db);
  const catalogue = await seedCatalogue(db, options);
  const generated = await generateLearners(db, catalogue, {
    count: options.learners ?? DEMO_LEARNER_COUNT,
    today,
    includeProblemLearners: options.includeProblemLearners ?? true,
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  });
  return { catalogue, ...generated };
}
