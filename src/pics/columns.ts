import type { Selectable } from 'kysely';
import type {
  PicsLearner, PicsLearnerQualification, PicsOfficer, PicsOrganisation, PicsPlacement, PicsQualification, PicsReview,
} from '../db/types.js';
import type {
  Learner, LearnerQualification, Officer, Organisation, PicsRecordKind, Placement, Qualification, Review,
} from '../domain/learner.js';

/*
 * Which PICS column holds each field of the domain records (domain/learner.ts): one table per PICS table, read
 * both ways — a row becomes a record, a patch of fields becomes a patch of columns. A site whose PICS names a
 * column differently changes its name here. The type checks below make a column whose type differs from its
 * field's a compile error.
 */

type Row<T> = Selectable<T>;
type ColumnsOf<D, T> = { readonly [K in keyof D]-?: keyof Row<T> & string };
/** The record a column table reads out of a row, field by field. */
type Read<M, T> = { -readonly [K in keyof M]: Row<T>[M[K] & keyof Row<T>] };

const LEARNER = {
  id: 'id', ident: 'ident', firstName: 'first_name', surname: 'surname', email: 'email', telephone: 'telephone', mobile: 'mobile',
  birthDate: 'birth_date', uln: 'uln', niNumber: 'ni_number', sex: 'sex', ethnicity: 'ethnicity', llddHealthProblem: 'lldd_health_problem',
  disability: 'disability', address1: 'address1', address2: 'address2', address3: 'address3', address4: 'address4', postcode: 'postcode',
  startDate: 'start_date', expectedEndDate: 'expected_end_date', actualEndDate: 'actual_end_date', status: 'status',
  mainOfficerId: 'main_officer_id', oneFileId: 'onefile_id', smartAssessorId: 'smartassessor_id',
} as const satisfies ColumnsOf<Learner, PicsLearner>;

const OFFICER = {
  id: 'id', ident: 'ident', forenames: 'forenames', surname: 'surname', email: 'email', telephone: 'telephone', mobile: 'mobile',
  status: 'status', ePortfolioId: 'other_system_id',
} as const satisfies ColumnsOf<Officer, PicsOfficer>;

const ORGANISATION = {
  id: 'id', ident: 'ident', name: 'name', email: 'email', telephone: 'telephone', website: 'website', address1: 'address1',
  address2: 'address2', address3: 'address3', address4: 'address4', address5: 'address5', postcode: 'postcode',
  edrsNumber: 'edrs_number', ePortfolioId: 'additional_id',
} as const satisfies ColumnsOf<Organisation, PicsOrganisation>;

const PLACEMENT = {
  id: 'id', learnerId: 'learner_id', organisationId: 'organisation_id', type: 'placement_type', startDate: 'start_date', endDate: 'end_date',
} as const satisfies ColumnsOf<Omit<Placement, 'organisation'>, PicsPlacement>;

const QUALIFICATION = {
  id: 'id', title: 'title', vqReference: 'vq_reference', level: 'level', awardingBody: 'awarding_body',
} as const satisfies ColumnsOf<Qualification, PicsQualification>;

const LEARNER_QUALIFICATION = {
  id: 'id', learnerId: 'learner_id', qualificationId: 'qualification_id', assessorOfficerId: 'assessor_officer_id', startDate: 'start_date',
  plannedEndDate: 'planned_end_date', achievedDate: 'achieved_date', claimedDate: 'claimed_date', registrationNumber: 'registration_number',
  registrationDate: 'registration_date', certificateAppliedDate: 'certificate_applied_date', certificateReceivedDate: 'certificate_received_date',
  totalElements: 'total_elements', elementsDone: 'elements_done', learningAimId: 'onefile_learning_aim_id',
} as const satisfies ColumnsOf<Omit<LearnerQualification, 'qualification' | 'unitCount'>, PicsLearnerQualification>;

const REVIEW = {
  id: 'id', learnerId: 'learner_id', type: 'review_type', plannedDate: 'planned_date', plannedTime: 'planned_time', attended: 'attended',
  actualDate: 'actual_date', officerId: 'officer_id', traineeSignedDate: 'trainee_signed_date', oneFileId: 'onefile_system_id',
} as const satisfies ColumnsOf<Review, PicsReview>;

// Compile-time: what each table reads out of a row is the domain record (a column of another type fails here).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const typesMatch: [
  Same<Read<typeof LEARNER, PicsLearner>, Learner>,
  Same<Read<typeof OFFICER, PicsOfficer>, Officer>,
  Same<Read<typeof ORGANISATION, PicsOrganisation>, Organisation>,
  Same<Read<typeof PLACEMENT, PicsPlacement>, Omit<Placement, 'organisation'>>,
  Same<Read<typeof QUALIFICATION, PicsQualification>, Qualification>,
  Same<Read<typeof LEARNER_QUALIFICATION, PicsLearnerQualification>, Omit<LearnerQualification, 'qualification' | 'unitCount'>>,
  Same<Read<typeof REVIEW, PicsReview>, Review>,
] = [true, true, true, true, true, true, true];
void typesMatch;

function read<M extends Record<string, string>, T>(columns: M, row: Row<T>): Read<M, T> {
  const record: Record<string, unknown> = {};
  for (const [field, column] of Object.entries(columns)) record[field] = (row as Record<string, unknown>)[column];
  return record as Read<M, T>;
}

export const learnerFromRow = (row: Row<PicsLearner>): Learner => read(LEARNER, row);
export const officerFromRow = (row: Row<PicsOfficer>): Officer => read(OFFICER, row);
export const organisationFromRow = (row: Row<PicsOrganisation>): Organisation => read(ORGANISATION, row);
export const qualificationFromRow = (row: Row<PicsQualification>): Qualification => read(QUALIFICATION, row);
export const reviewFromRow = (row: Row<PicsReview>): Review => read(REVIEW, row);

export function placementFromRow(row: Row<PicsPlacement>, organisation: Row<PicsOrganisation> | null): Placement {
  return { ...read(PLACEMENT, row), organisation: organisation && organisationFromRow(organisation) };
}

export function learnerQualificationFromRow(
  row: Row<PicsLearnerQualification>, qualification: Row<PicsQualification> | null, unitCount: number,
): LearnerQualification {
  return { ...read(LEARNER_QUALIFICATION, row), qualification: qualification && qualificationFromRow(qualification), unitCount };
}

const COLUMNS: Record<PicsRecordKind, Record<string, string>> = {
  learner: LEARNER, officer: OFFICER, organisation: ORGANISATION, learner_qualification: LEARNER_QUALIFICATION, review: REVIEW,
};

/**
 * A patch of domain fields as the columns to set. A field with no column is a bug of the caller, not data:
 * it throws rather than let Kysely write a column PICS does not have.
 */
export function toColumns(kind: PicsRecordKind, patch: object): Record<string, unknown> {
  const columns = COLUMNS[kind];
  const set: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(patch)) {
    const column = Object.hasOwn(columns, field) ? columns[field] : undefined;
    if (column === undefined) throw new Error(`PICS ${kind} has no column for the field "${field}"`);
    set[column] = value;
  }
  return set;
}

/**
 * The name an audit line gives a changed field: the PICS column for a PICS field, else the name as given (a
 * OneFile field, such as FirstName, or a name of the worker's own, such as stand_in_assessor).
 */
export function auditFieldName(kind: PicsRecordKind, field: string): string {
  return Object.hasOwn(COLUMNS[kind], field) ? COLUMNS[kind][field]! : field;
}
