/*
 * A learner and the PICS records around it, in the worker's own words. The rules and the ePortfolio code read
 * these; pics/ maps PICS's rows to them and back (pics/columns.ts), so a site whose PICS names its columns
 * differently changes pics/ alone. Dates are UK calendar dates 'YYYY-MM-DD', times 'HH:MM:SS', as PICS keeps them.
 */

export interface Learner {
  id: number;
  /** PICS's own reference of the learner (the MIS id sent to the ePortfolio). */
  ident: string;
  firstName: string;
  surname: string;
  email: string | null;
  telephone: string | null;
  mobile: string | null;
  birthDate: string | null;
  uln: string | null;
  niNumber: string | null;
  /** M, F or 9 (ILR code). */
  sex: string | null;
  ethnicity: number | null;
  llddHealthProblem: number | null;
  disability: number | null;
  address1: string | null;
  address2: string | null;
  address3: string | null;
  address4: string | null;
  postcode: string | null;
  startDate: string | null;
  expectedEndDate: string | null;
  actualEndDate: string | null;
  /** The record's Live/Dormant flag. */
  status: string | null;
  mainOfficerId: number | null;
  oneFileId: number | null;
  smartAssessorId: string | null;
}

export interface Officer {
  id: number;
  ident: string | null;
  forenames: string;
  surname: string;
  email: string | null;
  telephone: string | null;
  mobile: string | null;
  status: string | null;
  /** The ePortfolio account the officer is linked to (PICS's Other System ID): a OneFile or Smart Assessor id, as text. */
  ePortfolioId: string | null;
}

export interface Organisation {
  id: number;
  ident: string | null;
  name: string;
  email: string | null;
  telephone: string | null;
  website: string | null;
  address1: string | null;
  address2: string | null;
  address3: string | null;
  address4: string | null;
  address5: string | null;
  postcode: string | null;
  edrsNumber: string | null;
  /** The ePortfolio record the organisation is linked to (PICS's Additional ID): a OneFile placement or Smart Assessor employer id. */
  ePortfolioId: string | null;
}

export interface Placement {
  id: number;
  learnerId: number | null;
  organisationId: number | null;
  /** P (the placement proper), or another PICS placement type. */
  type: string | null;
  startDate: string;
  endDate: string | null;
  organisation: Organisation | null;
}

export interface Qualification {
  id: number;
  title: string;
  vqReference: string | null;
  level: string | null;
  awardingBody: string | null;
}

export interface LearnerQualification {
  id: number;
  learnerId: number | null;
  qualificationId: number | null;
  assessorOfficerId: number | null;
  startDate: string | null;
  plannedEndDate: string | null;
  achievedDate: string | null;
  claimedDate: string | null;
  registrationNumber: string | null;
  registrationDate: string | null;
  certificateAppliedDate: string | null;
  certificateReceivedDate: string | null;
  totalElements: number | null;
  elementsDone: number | null;
  /** The OneFile learning aim it was uploaded as. */
  learningAimId: number | null;
  qualification: Qualification | null;
  /** Units attached: such qualifications are skipped for element counts (D1). */
  unitCount: number;
}

export interface Review {
  id: number;
  learnerId: number | null;
  /** N (normal), or another PICS review type. */
  type: string | null;
  plannedDate: string | null;
  plannedTime: string | null;
  /** Y, N, U (unknown) or blank. */
  attended: string | null;
  actualDate: string | null;
  officerId: number | null;
  traineeSignedDate: string | null;
  /** The OneFile review it is linked to. */
  oneFileId: number | null;
}

export interface LearnerOfficerRole {
  officerId: number;
  role: string;
}

/** Everything the jobs need about one learner. */
export interface LearnerGraph {
  learner: Learner;
  mainTagName: string | null;
  /** Every officer the learner refers to (main, roles, qualification assessors, review officers), by id. */
  officers: Map<number, Officer>;
  roles: LearnerOfficerRole[];
  placements: Placement[];
  qualifications: LearnerQualification[];
  reviews: Review[];
}

/** The kinds of PICS record a sync changes, as its audit lines name them. */
export type PicsRecordKind = 'learner' | 'learner_qualification' | 'review' | 'officer' | 'organisation';
