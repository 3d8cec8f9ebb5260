import type { Kysely, Selectable } from 'kysely';
import type { DB, PicsOnefileSettings } from '../db/types.js';
import { PermanentError } from '../domain/errors.js';
import type { DemographicsMode, OneFileEnvironment, OneFileSettings, SmartAssessorSettings, VisitType } from '../domain/settings.js';

/** A stored setting a user must fix in PICS (a value out of its set, several rows): the same job fails the same way until then. */
export class SettingsError extends PermanentError {
  override name = 'SettingsError';
}

/** A stored setting a user must fix in PICS: which column, and the rule its value broke. */
export interface SettingProblem {
  setting: string;
  message: string;
}

type Invalid = (problem: SettingProblem) => void;

function oneOf<T extends string>(table: string, field: string, value: string | null, allowed: readonly T[], fallback: T, invalid: Invalid): T {
  if (value === null || value.trim() === '') return fallback;
  const normalised = value.trim().toLowerCase();
  if ((allowed as readonly string[]).includes(normalised)) return normalised as T;
  invalid({ setting: `${table}.${field}`, message: `${table}.${field} is "${value}"; expected one of ${allowed.join(', ')}` });
  return fallback;
}

const MODES = ['none', 'push', 'pull'] as const satisfies readonly DemographicsMode[];
const ONEFILE_SETTINGS = 'pics.onefile_settings';

type OneFileSettingsRow = Selectable<PicsOnefileSettings>;

function parseOneFileSettings(row: OneFileSettingsRow, invalid: Invalid): OneFileSettings {
  const t = ONEFILE_SETTINGS;
  return {
    integrationEnabled: row.integration_enabled === true,
    customerToken: row.customer_token?.trim() || null,
    environment: oneOf<OneFileEnvironment>(t, 'environment', row.environment, ['live', 'beta', 'practice'], 'live', invalid),
    organisationId: row.organisation_id,
    multiCentre: row.multi_centre === true,
    classroomFromMainTag: row.classroom_from_main_tag === true,
    defaultClassroomName: row.default_classroom_name?.trim() || null,
    learnerDemographicsMode: oneOf(t, 'learner_demographics_mode', row.learner_demographics_mode, MODES, 'none', invalid),
    officerDemographicsMode: oneOf(t, 'officer_demographics_mode', row.officer_demographics_mode, MODES, 'none', invalid),
    organisationDemographicsMode: oneOf(t, 'organisation_demographics_mode', row.organisation_demographics_mode, MODES, 'none', invalid),
    uploadReviews: row.upload_reviews === true,
    visitType: oneOf<VisitType>(t, 'visit_type', row.visit_type, ['not_specified', 'remote', 'face_to_face'], 'not_specified', invalid),
    pushMainOfficerChanges: row.push_main_officer_changes === true,
    pushEmployerChanges: row.push_employer_changes === true,
    downloadReviews: row.download_reviews === true,
    additionalAssessorRoles: (row.additional_assessor_roles ?? []).map((r) => r.trim()).filter(Boolean),
    lastSynchronisedAt: row.last_synchronised_at,
    connectionOk: row.connection_ok,
    connectionVersion: row.connection_version,
    connectionCheckedAt: row.connection_checked_at,
  };
}

async function readOneFileSettingsRow(db: Kysely<DB>): Promise<OneFileSettingsRow | null> {
  const rows = await db.selectFrom('pics.onefile_settings').selectAll().limit(2).execute();
  if (rows.length === 0) return null;
  if (rows.length > 1) throw new SettingsError('pics.onefile_settings must hold exactly one row; it holds several');
  return rows[0]!;
}

export async function readOneFileSettings(db: Kysely<DB>): Promise<OneFileSettings | null> {
  const row = await readOneFileSettingsRow(db);
  return row && parseOneFileSettings(row, ({ message }) => {
    throw new SettingsError(message);
  });
}

/**
 * The settings for a status page: every invalid stored value named (a job stops at the first), each read as
 * its default meanwhile. Several rows is a problem of the table itself, reported the same way.
 */
export async function inspectOneFileSettings(db: Kysely<DB>): Promise<{ settings: OneFileSettings | null; problems: SettingProblem[] }> {
  const problems: SettingProblem[] = [];
  let row: OneFileSettingsRow | null;
  try {
    row = await readOneFileSettingsRow(db);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    problems.push({ setting: ONEFILE_SETTINGS, message: error.message });
    row = (await db.selectFrom('pics.onefile_settings').selectAll().limit(1).executeTakeFirst()) ?? null;
  }
  return { settings: row && parseOneFileSettings(row, (p) => problems.push(p)), problems };
}

export async function readSmartAssessorSettings(db: Kysely<DB>): Promise<SmartAssessorSettings | null> {
  const rows = await db.selectFrom('pics.smartassessor_settings').selectAll().limit(2).execute();
  if (rows.length === 0) return null;
  if (rows.length > 1) throw new SettingsError('pics.smartassessor_settings must hold exactly one row; it holds several');
  const row = rows[0]!;
  return {
    integrationEnabled: row.integration_enabled === true,
    baseUrl: row.base_url?.trim() || null,
    username: row.username?.trim() || null,
    password: row.password || null,
    clientKey: row.client_key || null,
    sendLearnerWelcomeEmail: row.send_learner_welcome_email === true,
    setStudentIdToLrn: row.set_student_id_to_lrn === true,
  };
}

export async function recordLastSynchronised(db: Kysely<DB>, at: Date): Promise<void> {
  await db.updateTable('pics.onefile_settings').set({ last_synchronised_at: at }).execute();
}

export async function recordConnectionTest(
  db: Kysely<DB>, result: { ok: boolean; version: string | null; at: Date },
): Promise<void> {
  await db
    .updateTable('pics.onefile_settings')
    .set({ connection_ok: result.ok, connection_version: result.version, connection_checked_at: result.at })
    .execute();
}
