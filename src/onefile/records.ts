import type { RecordReader } from './parse.js';
import type {
  OneFileClassroom,
  OneFileCustomer,
  OneFileLearningAim,
  OneFileLearningAimSummary,
  OneFileOrganisation,
  OneFilePlacement,
  OneFileReview,
  OneFileReviewSummary,
  OneFileStandard,
  OneFileUser,
  OneFileUserSummary,
} from './types.js';

/*
 * OneFile's PascalCase records → the validated types of types.ts. Only `ID` (and a placement's, classroom's
 * or standard's name) is required: OneFile documents little, so an absent field reads as null, while a
 * field that is present with the wrong type is an error (the worker would otherwise act on nonsense).
 */

export function readCustomer(r: RecordReader): OneFileCustomer {
  return { id: r.id(), name: r.requiredString('Name') };
}

export function readUser(r: RecordReader): OneFileUser {
  return {
    id: r.id(),
    role: r.int('Role'),
    organisationId: r.int('OrganisationID'),
    firstName: r.string('FirstName'),
    lastName: r.string('LastName'),
    email: r.string('Email'),
    misId: r.string('MISID'),
    telephone: r.string('Telephone'),
    mobile: r.string('MobileNumber'),
    dob: r.date('DOB'),
    uln: r.string('ULN'),
    nino: r.string('NINO'),
    l12: r.string('L12'),
    l13: r.string('L13'),
    l14: r.string('L14'),
    l15: r.string('L15'),
    startOn: r.date('StartOn'),
    plannedEndDate: r.date('PlannedEndDate'),
    defaultAssessorId: r.int('DefaultAssessorID'),
    placementId: r.int('PlacementID'),
    classroomId: r.int('ClassroomID'),
    archived: r.bool('Archived') ?? false,
    lastModified: r.instant('LastModified'),
  };
}

export function readUserSummary(r: RecordReader): OneFileUserSummary {
  return {
    id: r.id(),
    firstName: r.string('FirstName'),
    lastName: r.string('LastName'),
    misId: r.string('MISID'),
    email: r.string('Email'),
    role: r.int('Role'),
    archived: r.bool('Archived') ?? false,
  };
}

/** Fields of GET /LearningAim/{id} beyond the minimal search row (ID, StandardID, UserID, Status). */
const AIM_DETAIL_FIELDS = [
  'StartDate', 'PlannedEnd', 'AchievedDate', 'RegistrationNumber', 'RegistrationDate', 'CertificateAppliedDate',
  'CertificateReceivedDate', 'TotalCriteria', 'CompletedCriteria', 'Progress',
] as const;

export function readLearningAim(r: RecordReader): OneFileLearningAim {
  return {
    id: r.id(),
    userId: r.int('UserID'),
    standardId: r.int('StandardID'),
    status: r.int('Status'),
    startDate: r.date('StartDate'),
    plannedEnd: r.date('PlannedEnd'),
    achievedDate: r.date('AchievedDate'),
    registrationNumber: r.string('RegistrationNumber'),
    registrationDate: r.date('RegistrationDate'),
    certificateAppliedDate: r.date('CertificateAppliedDate'),
    certificateReceivedDate: r.date('CertificateReceivedDate'),
    totalCriteria: r.int('TotalCriteria'),
    completedCriteria: r.int('CompletedCriteria'),
    progress: r.number('Progress'),
  };
}

/** A search row; `full` is set only when the row carries every detail field, so the caller GETs only what it lacks. */
export function readLearningAimSummary(r: RecordReader): OneFileLearningAimSummary {
  const full = AIM_DETAIL_FIELDS.every((name) => r.has(name)) ? readLearningAim(r) : null;
  return { id: r.id(), standardId: r.int('StandardID'), userId: r.int('UserID'), status: r.int('Status'), full };
}

export function readReview(r: RecordReader): OneFileReview {
  return {
    id: r.id(),
    learnerId: r.int('LearnerID'),
    assessorId: r.int('AssessorID'),
    status: r.int('Status'),
    scheduledFor: r.instant('ScheduledFor'),
    endTime: r.instant('EndTime'),
    startedOn: r.instant('StartedOn'),
    assessorSignedOn: r.instant('AssessorSignedOn'),
    learnerSignedOn: r.instant('LearnerSignedOn'),
    visitId: r.int('VisitID'),
  };
}

/** The fields of GET /Review/{id} that D6 acts on: a search row carrying all of them needs no GET. */
const REVIEW_D6_FIELDS = ['AssessorID', 'StartedOn', 'LearnerSignedOn'] as const;

export function readReviewSummary(r: RecordReader): OneFileReviewSummary {
  const full = REVIEW_D6_FIELDS.every((name) => r.has(name)) ? readReview(r) : null;
  return {
    id: r.id(), learnerId: r.int('LearnerID'), scheduledFor: r.instant('ScheduledFor'),
    ...(r.has('Status') ? { status: r.int('Status') } : {}), full,
  };
}

export function readPlacement(r: RecordReader): OneFilePlacement {
  return {
    id: r.id(), name: r.requiredString('Name'), misId: r.string('MISID'),
    address: r.string('Address'), email: r.string('Email'), telephone: r.string('Telephone'), web: r.string('Web'),
  };
}

export function readOrganisation(r: RecordReader): OneFileOrganisation {
  return { id: r.id(), name: r.requiredString('Name') };
}

export function readClassroom(r: RecordReader): OneFileClassroom {
  return { id: r.id(), name: r.requiredString('Name'), misId: r.string('MISID') };
}

/** `code` as OneFile sends it; the bracketed code in the title is rules/qualification-codes.ts's business. */
export function readStandard(r: RecordReader): OneFileStandard {
  return { id: r.id(), title: r.requiredString('Title'), code: r.string('Code') };
}
