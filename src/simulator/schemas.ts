import type { Fields, Schema } from './fields.js';

// The OneFile records the simulator keeps, field by field (SPEC "The OneFile wire contract"; onefile-api.md §7,
// §10). Every record also has an integer `ID`.

export const ORGANISATION = {
  CustomerID: 'int', Name: 'string', KeychainCreationForNewUserActive: 'bool', KeychainEmailSuppression: 'bool',
} as const satisfies Schema;

export const USER = {
  OrganisationID: 'int', Role: 'int', Username: 'string', FirstName: 'string', LastName: 'string', Email: 'string',
  MISID: 'string', MobileNumber: 'string', Telephone: 'string', Website: 'string', CompanyName: 'string',
  HomeAddress: 'string', WorkAddress: 'string', DOB: 'date', ULN: 'string', NINO: 'string',
  L12: 'string', L13: 'string', L14: 'string', L15: 'string', L16: 'string',
  DefaultAssessorID: 'int', DefaultEmployerID: 'int', ClassroomID: 'int', PlacementID: 'int', ProviderID: 'int',
  LearnerStatusID: 'int', EpisodeName: 'string', CentreRegister: 'date', StartOn: 'date', PlannedEndDate: 'date',
  SupportFunding: 'bool', CreatedOn: 'datetime', LastModified: 'datetime', Archived: 'bool',
} as const satisfies Schema;

export const CLASSROOM = {
  OrganisationID: 'int', Name: 'string', MISID: 'string', StartOn: 'date', Archive: 'bool',
} as const satisfies Schema;

export const PLACEMENT = {
  OrganisationID: 'int', Name: 'string', MISID: 'string', Address: 'string', Active: 'bool', Contact: 'string',
  Email: 'string', Telephone: 'string', Fax: 'string', Web: 'string',
} as const satisfies Schema;

/** `TotalCriteria` is the simulator's own: the criteria count a new learning aim of this standard gets. */
export const STANDARD = {
  OrganisationID: 'int', Title: 'string', Code: 'string', TotalCriteria: 'int',
} as const satisfies Schema;

/** `Progress` is not stored: it is CompletedCriteria ÷ TotalCriteria × 100, worked out when answering. */
export const LEARNING_AIM = {
  UserID: 'int', StandardID: 'int', Title: 'string', Status: 'int', StartDate: 'date', PlannedEnd: 'date',
  AchievedDate: 'date', RegistrationNumber: 'string', RegistrationDate: 'date', CertificateAppliedDate: 'date',
  CertificateReceivedDate: 'date', TotalCriteria: 'int', CompletedCriteria: 'int',
} as const satisfies Schema;

export const REVIEW = {
  LearnerID: 'int', AssessorID: 'int', EmployerID: 'int', Status: 'int', CreatedOn: 'datetime',
  ScheduledFor: 'datetime', EndTime: 'datetime', StartedOn: 'datetime', AssessorSignedOn: 'datetime',
  LearnerSignedOn: 'datetime', EmployerSignedOn: 'datetime', VisitID: 'int', Progress: 'decimal',
} as const satisfies Schema;

export const VISIT = {
  LearnerID: 'int', OrganisationID: 'int', AssessorID: 'int', DateFrom: 'datetime', DateTo: 'datetime',
  VisitTypeID: 'int', SMSReminder: 'bool',
} as const satisfies Schema;

export const ASSIGNMENT = {
  UserID: 'int', LearnerID: 'int', Level: 'int', StandardID: 'int', UnitID: 'string',
} as const satisfies Schema;

export type Row<S extends Schema> = { ID: number } & Fields<S>;
export type Organisation = Row<typeof ORGANISATION>;
export type User = Row<typeof USER>;
export type Classroom = Row<typeof CLASSROOM>;
export type Placement = Row<typeof PLACEMENT>;
export type Standard = Row<typeof STANDARD>;
export type LearningAim = Row<typeof LEARNING_AIM>;
export type Review = Row<typeof REVIEW>;
export type Visit = Row<typeof VISIT>;
export type Assignment = Row<typeof ASSIGNMENT>;

export type Environment = 'live' | 'beta' | 'practice';
export const ENVIRONMENTS: readonly Environment[] = ['live', 'beta', 'practice'];

/** A OneFile customer: API tokens are issued per environment (onefile-api.md §1). */
export interface Customer { ID: number; Name: string; Tokens: Partial<Record<Environment, string>> }

export const ROLE = { learner: 1, archivedLearner: 2, traineeAssessor: 4, assessor: 5, iqa: 10, leadIqa: 11,
  employer: 40, observer: 45 } as const;
