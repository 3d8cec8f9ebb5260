// The integration settings a provider keeps in PICS (S1–S11), as the worker uses them once read and
// validated (pics/settings.ts maps the rows). Every layer speaks these; none needs to know the columns.

export type DemographicsMode = 'none' | 'push' | 'pull';
export type OneFileEnvironment = 'live' | 'beta' | 'practice';
export type VisitType = 'not_specified' | 'remote' | 'face_to_face';

/** The OneFile settings, validated (S1–S11). */
export interface OneFileSettings {
  integrationEnabled: boolean;
  /** S2: a secret. Never log it, never put it in job data. */
  customerToken: string | null;
  environment: OneFileEnvironment;
  organisationId: number | null;
  multiCentre: boolean;
  classroomFromMainTag: boolean;
  defaultClassroomName: string | null;
  learnerDemographicsMode: DemographicsMode;
  officerDemographicsMode: DemographicsMode;
  organisationDemographicsMode: DemographicsMode;
  uploadReviews: boolean;
  visitType: VisitType;
  pushMainOfficerChanges: boolean;
  pushEmployerChanges: boolean;
  downloadReviews: boolean;
  additionalAssessorRoles: string[];
  lastSynchronisedAt: Date | null;
  connectionOk: boolean | null;
  connectionVersion: string | null;
  connectionCheckedAt: Date | null;
}

export interface SmartAssessorSettings {
  integrationEnabled: boolean;
  baseUrl: string | null;
  username: string | null;
  /** Secrets. */
  password: string | null;
  clientKey: string | null;
  sendLearnerWelcomeEmail: boolean;
  setStudentIdToLrn: boolean;
}
