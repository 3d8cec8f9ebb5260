import type { LearnerGraph, LearnerQualification, Officer, Placement, Review } from '../../src/domain/learner.js';
import type { OneFileSettings } from '../../src/domain/settings.js';

// Plain-object builders for the pure rules' tests: a valid learner by default, changed per test.

export function officer(id: number, overrides: Partial<Officer> = {}): Officer {
  return {
    id, ident: `O${String(id).padStart(4, '0')}`, forenames: `Fore${id}`, surname: `Sur${id}`, email: `o${id}@provider.example`,
    telephone: null, mobile: null, ePortfolioId: null, status: 'Live', ...overrides,
  };
}

export function settings(overrides: Partial<OneFileSettings> = {}): OneFileSettings {
  return {
    integrationEnabled: true, customerToken: 'token', environment: 'practice', organisationId: 5740, multiCentre: false,
    classroomFromMainTag: true, defaultClassroomName: 'All Learners', learnerDemographicsMode: 'none',
    officerDemographicsMode: 'none', organisationDemographicsMode: 'none', uploadReviews: true, visitType: 'remote',
    pushMainOfficerChanges: true, pushEmployerChanges: true, downloadReviews: true, additionalAssessorRoles: [],
    lastSynchronisedAt: null, connectionOk: null, connectionVersion: null, connectionCheckedAt: null, ...overrides,
  };
}

export function placement(id: number, overrides: Partial<Placement> = {}): Placement {
  return {
    id, learnerId: 1, organisationId: 100 + id, type: 'P', startDate: '2026-01-01', endDate: null,
    organisation: {
      id: 100 + id, ident: `E${id}`, name: `Employer ${id}`, email: null, telephone: null, website: null, address1: null,
      address2: null, address3: null, address4: null, address5: null, postcode: null, edrsNumber: null, ePortfolioId: null,
    },
    ...overrides,
  };
}

export function review(id: number, overrides: Partial<Review> = {}): Review {
  return {
    id, learnerId: 1, type: 'N', plannedDate: '2026-12-10', plannedTime: '10:00:00', attended: 'U',
    actualDate: null, officerId: null, traineeSignedDate: null, oneFileId: null, ...overrides,
  };
}

export function learnerQualification(id: number, qualificationId: number, overrides: Partial<LearnerQualification> = {}): LearnerQualification {
  return {
    id, learnerId: 1, qualificationId, assessorOfficerId: null, startDate: '2026-01-05',
    plannedEndDate: '2027-01-05', achievedDate: null, claimedDate: null, registrationNumber: null, registrationDate: null,
    certificateAppliedDate: null, certificateReceivedDate: null, totalElements: null, elementsDone: null,
    learningAimId: null, unitCount: 0,
    qualification: { id: qualificationId, title: `Qualification ${qualificationId}`, vqReference: `ST${qualificationId}`, level: '3', awardingBody: 'ESFA' },
    ...overrides,
  };
}

export function graph(overrides: Partial<Omit<LearnerGraph, 'learner'>> & { learner?: Partial<LearnerGraph['learner']> } = {}): LearnerGraph {
  const { learner, ...rest } = overrides;
  return {
    learner: {
      id: 1, ident: 'L0042', firstName: 'Ada', surname: 'Lovelace', email: 'ada@learners.example', telephone: '0161 496 0000',
      mobile: '07700 900000', birthDate: '2001-04-02', uln: '1234567890', niNumber: 'AB123456C', sex: 'F', ethnicity: 31,
      llddHealthProblem: 2, disability: 98, startDate: '2026-01-05', expectedEndDate: '2027-01-05', actualEndDate: null,
      status: 'Live', mainOfficerId: 1, oneFileId: null, smartAssessorId: null, address1: null,
      address2: null, address3: null, address4: null, postcode: null, ...learner,
    },
    mainTagName: null,
    officers: new Map([[1, officer(1)], [2, officer(2)], [3, officer(3)]]),
    roles: [{ officerId: 1, role: 'Training Adviser' }],
    placements: [placement(1)],
    qualifications: [],
    reviews: [],
    ...rest,
  };
}
