/*
 * What the worker sends, in OneFile's own PascalCase (SPEC "The OneFile wire contract"). Dates are UTC
 * instants ('YYYY-MM-DDT00:00:00.000Z' for calendar dates: domain/dates.ts toOneFileDate). null clears a
 * field in a partial update; an absent key leaves it alone.
 */

/** An ISO instant ending in Z. */
export type WireDateTime = string;

export interface UserSearchFilter {
  OrganisationID?: number;
  Role?: number;
  MISID?: string;
  Email?: string;
  FirstName?: string;
  LastName?: string;
  /** Users changed since this instant. */
  LastModified?: WireDateTime;
}

export interface UserFields {
  FirstName: string;
  LastName: string;
  Email?: string | null;
  MISID?: string | null;
  Telephone?: string | null;
  MobileNumber?: string | null;
  HomeAddress?: string | null;
  DOB?: WireDateTime | null;
  ULN?: string | null;
  NINO?: string | null;
  /** ILR codes, as strings (onefile-api.md §6.2). */
  L12?: string | null;
  L13?: string | null;
  L14?: string | null;
  L15?: string | null;
  StartOn?: WireDateTime | null;
  PlannedEndDate?: WireDateTime | null;
  DefaultAssessorID?: number | null;
  DefaultEmployerID?: number | null;
  ClassroomID?: number | null;
  PlacementID?: number | null;
}

export interface CreateUserBody extends UserFields {
  OrganisationID: number;
  /** ONEFILE_ROLE: 1 learner, 4 trainee assessor, 5 assessor, 40 employer. */
  Role: number;
}

export type UpdateUserPatch = Partial<UserFields>;

export interface AssignUserBody {
  LearnerID: number;
  /** 1 additional user, 2 unit, 3 learning aim (needs StandardID). */
  Level: 1 | 2 | 3;
  StandardID?: number;
}

export interface CreateClassroomBody {
  OrganisationID: number;
  Name: string;
  MISID?: string | null;
}

export interface PlacementFields {
  Name: string;
  MISID?: string | null;
  Address?: string | null;
  Contact?: string | null;
  Email?: string | null;
  Telephone?: string | null;
  Web?: string | null;
}

export interface CreatePlacementBody extends PlacementFields {
  OrganisationID: number;
}

export type UpdatePlacementPatch = Partial<PlacementFields>;

/** Optional dates sent along when a standard is assigned. */
export interface AssignStandardBody {
  StartDate?: WireDateTime | null;
  PlannedEnd?: WireDateTime | null;
}

export interface UpdateLearningAimPatch {
  Status?: number | null;
  StartDate?: WireDateTime | null;
  PlannedEnd?: WireDateTime | null;
  AchievedDate?: WireDateTime | null;
  RegistrationNumber?: string | null;
  RegistrationDate?: WireDateTime | null;
  CertificateAppliedDate?: WireDateTime | null;
  CertificateReceivedDate?: WireDateTime | null;
}

export interface CreateReviewBody {
  LearnerID: number;
  AssessorID: number;
  ScheduledFor: WireDateTime;
  EndTime: WireDateTime;
  VisitID?: number;
}

export interface CreateVisitBody {
  LearnerID: number;
  OrganisationID: number;
  AssessorID: number;
  DateFrom: WireDateTime;
  DateTo: WireDateTime;
  /** VISIT_TYPE_ID: 0 not specified, 1 face to face, 2 remote (an assumption). */
  VisitTypeID: number;
}

const DATE_KEYS = new Set([
  'DOB', 'StartOn', 'PlannedEndDate', 'LastModified', 'StartDate', 'PlannedEnd', 'AchievedDate', 'RegistrationDate',
  'CertificateAppliedDate', 'CertificateReceivedDate', 'ScheduledFor', 'EndTime', 'DateFrom', 'DateTo',
]);
const WIRE_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/**
 * Strict in what we send: a date in any other form than an ISO instant with Z (say a bare 'YYYY-MM-DD'
 * a caller forgot to convert) is a bug of ours, refused before it costs a call. Names the key, not the value.
 */
export function checkOutgoing(endpoint: string, body: object): void {
  for (const [key, value] of Object.entries(body)) {
    if (DATE_KEYS.has(key) && value !== null && value !== undefined) {
      if (typeof value !== 'string' || !WIRE_INSTANT.test(value) || Number.isNaN(Date.parse(value))) {
        throw new TypeError(`${endpoint}: ${key} must be an ISO instant ending in Z (domain/dates.ts toOneFileDate)`);
      }
    }
  }
}
