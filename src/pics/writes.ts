import type { Kysely } from 'kysely';
import { oneFileIdOf } from '../domain/onefile-id.js';
import type { DB } from '../db/types.js';
import type { Learner, LearnerQualification, Officer, Organisation, Review } from '../domain/learner.js';
import { toColumns } from './columns.js';

// Writes back to PICS. Each id write-back is guarded ("still blank or already ours") so a retried job, or a
// user who linked the record by hand meanwhile, never has a value silently replaced.

export class PicsConflictError extends Error {
  override name = 'PicsConflictError';
}

/**
 * Writes an ePortfolio id into a PICS row only while the column is blank or already holds that id, and
 * says so when it does not. One function for every id column the worker writes back: the table and column
 * come from the typed wrappers below (Kysely cannot type a column chosen at run time, hence the casts here).
 */
async function writeIdOnce(
  db: Kysely<DB>, table: IdTable, column: string, rowId: number, value: string | number, what: string, extra: Record<string, unknown> = {},
): Promise<void> {
  const result = await db
    .updateTable(table as 'pics.learner')
    .set({ [column]: value, ...extra } as never)
    .where('id', '=', rowId)
    .where((eb) => {
      const ref = eb.ref(column as 'onefile_id');
      // A text column may hold '' for "none"; a number column cannot.
      const blank = typeof value === 'string' ? [eb(ref, 'is', null), eb(ref as never, '=', '' as never)] : [eb(ref, 'is', null)];
      return eb.or([...blank, eb(ref as never, '=', value as never)]);
    })
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw new PicsConflictError(`${what}: it already holds a different value, or the row is gone`);
}

type IdTable = 'pics.learner' | 'pics.officer' | 'pics.organisation' | 'pics.learner_qualification' | 'pics.review';

export const setLearnerOneFileId = (db: Kysely<DB>, learnerId: number, oneFileId: number): Promise<void> =>
  writeIdOnce(db, 'pics.learner', 'onefile_id', learnerId, oneFileId, `cannot store OneFile id ${oneFileId} on learner ${learnerId}`, { updated_at: new Date() });

export const setLearnerSmartAssessorId = (db: Kysely<DB>, learnerId: number, id: string): Promise<void> =>
  writeIdOnce(db, 'pics.learner', 'smartassessor_id', learnerId, id, `cannot store Smart Assessor id ${id} on learner ${learnerId}`, { updated_at: new Date() });

export const setOfficerOtherSystemId = (db: Kysely<DB>, officerId: number, id: string): Promise<void> =>
  writeIdOnce(db, 'pics.officer', 'other_system_id', officerId, id, `cannot store ePortfolio id ${id} on officer ${officerId}`);

export const setOrganisationAdditionalId = (db: Kysely<DB>, organisationId: number, id: string): Promise<void> =>
  writeIdOnce(db, 'pics.organisation', 'additional_id', organisationId, id, `cannot store ePortfolio id ${id} on organisation ${organisationId}`);

export const setLearningAimId = (db: Kysely<DB>, learnerQualificationId: number, aimId: number): Promise<void> =>
  writeIdOnce(db, 'pics.learner_qualification', 'onefile_learning_aim_id', learnerQualificationId, aimId, `cannot store learning aim ${aimId} on learner qualification ${learnerQualificationId}`);

export const setReviewOneFileId = (db: Kysely<DB>, reviewId: number, oneFileReviewId: number): Promise<void> =>
  writeIdOnce(db, 'pics.review', 'onefile_system_id', reviewId, oneFileReviewId, `cannot store OneFile review ${oneFileReviewId} on review ${reviewId}`);

/** A user's explicit choice from the look-up picker (A1): replaces whatever was there. */
export async function linkOfficer(db: Kysely<DB>, officerId: number, id: string): Promise<boolean> {
  const r = await db.updateTable('pics.officer').set({ other_system_id: id }).where('id', '=', officerId).executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

export async function linkOrganisation(db: Kysely<DB>, organisationId: number, id: string): Promise<boolean> {
  const r = await db.updateTable('pics.organisation').set({ additional_id: id }).where('id', '=', organisationId).executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

// Field updates in the domain's terms (a sync's D1–D7 changes), set as their PICS columns (columns.ts).
export type LearnerPatch = Partial<Omit<Learner, 'id' | 'ident' | 'oneFileId' | 'smartAssessorId'>>;
export type OfficerPatch = Partial<Omit<Officer, 'id' | 'ident'>>;
export type OrganisationPatch = Partial<Omit<Organisation, 'id' | 'ident'>>;
export type LearnerQualificationPatch = Partial<Omit<LearnerQualification, 'id' | 'learnerId' | 'qualificationId' | 'qualification' | 'unitCount'>>;
export type ReviewPatch = Partial<Omit<Review, 'id' | 'learnerId'>>;

export async function updateLearner(db: Kysely<DB>, id: number, patch: LearnerPatch): Promise<void> {
  await db.updateTable('pics.learner').set({ ...toColumns('learner', patch), updated_at: new Date() }).where('id', '=', id).execute();
}

export async function updateOfficer(db: Kysely<DB>, id: number, patch: OfficerPatch): Promise<void> {
  await db.updateTable('pics.officer').set(toColumns('officer', patch)).where('id', '=', id).execute();
}

export async function updateOrganisation(db: Kysely<DB>, id: number, patch: OrganisationPatch): Promise<void> {
  await db.updateTable('pics.organisation').set(toColumns('organisation', patch)).where('id', '=', id).execute();
}

export async function updateLearnerQualification(db: Kysely<DB>, id: number, patch: LearnerQualificationPatch): Promise<void> {
  await db.updateTable('pics.learner_qualification').set(toColumns('learner_qualification', patch)).where('id', '=', id).execute();
}

export async function updateReview(db: Kysely<DB>, id: number, patch: ReviewPatch): Promise<void> {
  await db.updateTable('pics.review').set(toColumns('review', patch)).where('id', '=', id).execute();
}

/** D6: a OneFile review with no PICS match becomes a new PICS review. Returns the new id. */
export async function insertReview(db: Kysely<DB>, review: Omit<Review, 'id'>): Promise<number> {
  const inserted = await db.insertInto('pics.review').values(toColumns('review', review)).returning('id').executeTakeFirstOrThrow();
  return inserted.id;
}

export async function findOfficerByOtherSystemId(db: Kysely<DB>, id: string): Promise<number | null> {
  const rows = await db.selectFrom('pics.officer').select('id').where('other_system_id', '=', id).orderBy('id').limit(1).execute();
  return rows[0]?.id ?? null;
}

/** D6: PICS officers linked to these ePortfolio ids (Other System ID), as ePortfolio id → officer id. */
export async function officersByOtherSystemIds(db: Kysely<DB>, ids: string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('pics.officer').select(['id', 'other_system_id']).where('other_system_id', 'in', ids).orderBy('id').execute();
  const map = new Map<string, number>();
  for (const r of rows) if (r.other_system_id && !map.has(r.other_system_id)) map.set(r.other_system_id, r.id);
  return map;
}

export async function readOfficerOtherSystemId(db: Kysely<DB>, officerId: number): Promise<number | null> {
  const row = await db.selectFrom('pics.officer').select('other_system_id').where('id', '=', officerId).executeTakeFirst();
  return oneFileIdOf(row?.other_system_id ?? null);
}

export async function readOrganisationAdditionalId(db: Kysely<DB>, organisationId: number): Promise<number | null> {
  const row = await db.selectFrom('pics.organisation').select('additional_id').where('id', '=', organisationId).executeTakeFirst();
  return oneFileIdOf(row?.additional_id ?? null);
}

/** The learner's reviews PICS has linked to OneFile: PICS review id → OneFile review id. */
export async function readLearnerReviewLinks(db: Kysely<DB>, learnerId: number): Promise<Map<number, number>> {
  const rows = await db.selectFrom('pics.review').select(['id', 'onefile_system_id']).where('learner_id', '=', learnerId).where('onefile_system_id', 'is not', null).execute();
  return new Map(rows.map((r) => [r.id, r.onefile_system_id!]));
}

/**
 * Holds the learner's PICS row lock for the rest of the caller's transaction: two jobs of one learner that
 * both reach their PICS writes take turns, and the second re-reads what the first committed (PICS has no
 * unique constraint on review.onefile_system_id, and it is not ours to add one).
 */
export async function lockLearnerRow(db: Kysely<DB>, learnerId: number): Promise<void> {
  await db.selectFrom('pics.learner').select('id').where('id', '=', learnerId).forUpdate().execute();
}
