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
