import type { Selectable } from 'kysely';
import type {
  PicsLearner, PicsLearnerQualification, PicsOfficer, PicsOrganisation, PicsPlacement, PicsQualification, PicsReview,
} from '../db/types.js';

export type LearnerRow = Selectable<PicsLearner>;
export type OfficerRow = Selectable<PicsOfficer>;
export type OrganisationRow = Selectable<PicsOrganisation>;
export type ReviewRow = Selectable<PicsReview>;
export type QualificationRow = Selectable<PicsQualification>;

export interface PlacementWithOrganisation extends Selectable<PicsPlacement> {
  organisation: OrganisationRow | null;
}

export interface LearnerQualificationWithDetails extends Selectable<PicsLearnerQualification> {
  qualification: QualificationRow | null;
  /** Units attached: such qualifications are skipped for element counts (D1). */
  unitCount: number;
}

export interface LearnerOfficerRole {
  officerId: number;
  role: string;
}

/** Everything the jobs need about one learner, read in a fixed number of queries. */
export interface LearnerGraph {
  learner: LearnerRow;
  mainTagName: string | null;
  /** Every officer the learner refers to (main, roles, qualification assessors, review officers), by id. */
  officers: Map<number, OfficerRow>;
  roles: LearnerOfficerRole[];
  placements: PlacementWithOrganisation[];
  qualifications: LearnerQualificationWithDetails[];
  reviews: ReviewRow[];
}

export type DemographicsMode = 'none' | 'push' | 'pull';
export type OneFileEnvironment = 'live' | 'beta' | 'practice';
export type VisitType = 'not_specified' | 'remote' | 'face_to_face';

/** pics.onefile_settings, validated (S1–S11). */
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
