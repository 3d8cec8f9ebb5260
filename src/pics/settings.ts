import type { Kysely } from 'kysely';
import type { DB } from '../db/types.js';
import type { DemographicsMode, OneFileEnvironment, OneFileSettings, SmartAssessorSettings, VisitType } from '../domain/settings.js';

export class SettingsError extends Error {
  override name = 'SettingsError';
}

function oneOf<T extends string>(table: string, field: string, value: string | null, allowed: readonly T[], fallback: T): T {
  if (value === null || value.trim() === '') return fallback;
  const normalised = value.trim().toLowerCase();
  if ((allowed as readonly string[]).includes(normalised)) return normalised as T;
  throw new SettingsError(`${table}.${field} is "${value}"; expected one of ${allowed.join(', ')}`);
}

const MODES = ['none', 'push', 'pull'] as const satisfies readonly DemographicsMode[];

export async function readOneFileSettings(db: Kysely<DB>): Promise<OneFileSettings | null> {
  const rows = await db.selectFrom('pics.onefile_settings').selectAll().limit(2).execute();
  if (rows.length === 0) return null;
  if (rows.length > 1) throw new SettingsError('pics.onefile_settings must hold exactly one row; it holds several');
  const row = rows[0]!;
  const t = 'pics.onefile_settings';
  return {
    integrationEnabled: row.integration_enabled === true,
    customerToken: row.customer_token?.trim() || null,
    environment: oneOf<OneFileEnvironment>(t, 'environment', row.environment, ['live', 'beta', 'practice'], 'live'),
    organisationId: row.organisation_id,
    multiCentre: row.multi_centre === true,
    classroomFromMainTag: row.classroom_from_main_tag === true,
    defaultClassroomName: row.default_classroom_name?.trim() || null,
    learnerDemographicsMode: oneOf(t, 'learner_demographics_mode', row.learner_demographics_mode, MODES, 'none'),
    officerDemographicsMode: oneOf(t, 'officer_demographics_mode', row.officer_demographics_mode, MODES, 'none'),
    organisationDemographicsMode: oneOf(t, 'organisation_demographics_mode', row.organisation_demographics_mode, MODES, 'none'),
    uploadReviews: row.upload_reviews === true,
    visitType: oneOf<VisitType>(t, 'visit_type', row.visit_type, ['not_specified', 'remote', 'face_to_face'], 'not_specified'),
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
