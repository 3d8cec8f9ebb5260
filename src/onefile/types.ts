/**
 * OneFile records as the client returns them after validation: camelCase, calendar dates as 'YYYY-MM-DD'
 * (read in Europe/London), instants as ISO strings, absent fields as null. The wire format (PascalCase,
 * lenient variants) stays inside the client.
 */

export const ONEFILE_ROLE = { learner: 1, traineeAssessor: 4, assessor: 5, employer: 40 } as const;

/** S7 → VisitTypeID (an assumption of the wire contract: 0 not specified, 1 face to face, 2 remote). */
export const VISIT_TYPE_ID = { not_specified: 0, face_to_face: 1, remote: 2 } as const;

export interface OneFileUser {
  id: number;
  role: number | null;
  organisationId: number | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  misId: string | null;
  telephone: string | null;
  mobile: string | null;
  dob: string | null;
  uln: string | null;
  nino: string | null;
  /** ILR codes as OneFile keeps them: strings. */
  l12: string | null;
  l13: string | null;
  l14: string | null;
  l15: string | null;
  startOn: string | null;
  plannedEndDate: string | null;
  defaultAssessorId: number | null;
  placementId: number | null;
  classroomId: number | null;
  archived: boolean;
  lastModified: string | null;
}

/** A row of POST /User/Search: fewer fields than GET /User/{id}. */
export interface OneFileUserSummary {
  id: number;
  firstName: string | null;
  lastName: string | null;
  misId: string | null;
  email: string | null;
  role: number | null;
  archived: boolean;
}

export interface OneFileLearningAim {
  id: number;
  userId: number | null;
  standardId: number | null;
  status: number | null;
  startDate: string | null;
  plannedEnd: string | null;
  achievedDate: string | null;
  registrationNumber: string | null;
  registrationDate: string | null;
  certificateAppliedDate: string | null;
  certificateReceivedDate: string | null;
  totalCriteria: number | null;
  completedCriteria: number | null;
  progress: number | null;
}

/** A learning-aim search row: OneFile may send every field or only these. */
export interface OneFileLearningAimSummary {
  id: number;
  standardId: number | null;
  userId: number | null;
  status: number | null;
  /** Present when the row carried every field of OneFileLearningAim (then no GET is needed). */
  full: OneFileLearningAim | null;
}

export interface OneFileReview {
  id: number;
  learnerId: number | null;
  assessorId: number | null;
  status: number | null;
  scheduledFor: string | null;
  endTime: string | null;
  /** "Review Started": the review actually took place (D6). */
  startedOn: string | null;
  assessorSignedOn: string | null;
  learnerSignedOn: string | null;
  visitId: number | null;
}

/**
 * A review search row. OneFile promises only ID and ScheduledFor (onefile-api.md §7.10); a row may carry more.
 * `status` is undefined when the row has no Status; `full` is set only when the row carries every field D6
 * reads (AssessorID, StartedOn, LearnerSignedOn), so it can stand in for a GET.
 */
export interface OneFileReviewSummary {
  id: number;
  learnerId: number | null;
  scheduledFor: string | null;
  status?: number | null;
  full: OneFileReview | null;
}

export interface OneFilePlacement {
  id: number;
  name: string;
  misId: string | null;
  /** Detail fields (GET /Placement/{id}; search rows may lack them). Address is multi-line. */
  address?: string | null;
  email?: string | null;
  telephone?: string | null;
  web?: string | null;
}

export interface OneFileClassroom {
  id: number;
  name: string;
  misId: string | null;
}

export interface OneFileStandard {
  id: number;
  title: string;
  code: string | null;
}

/** A OneFile organisation — a "centre" — of the customer (onefile-api.md §7.2). */
export interface OneFileOrganisation {
  id: number;
  name: string;
}

export interface OneFileCustomer {
  id: number;
  name: string;
}
