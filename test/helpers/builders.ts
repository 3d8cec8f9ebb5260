import type { LearnerGraph, LearnerQualificationWithDetails, OfficerRow, PlacementWithOrganisation, ReviewRow } from '../../src/pics/types.js';
import type { OneFileSettings } from '../../src/domain/settings.js';

// Plain-object builders for the pure rules' tests: a valid learner by default, changed per test.

export function officer(id: number, overrides: Partial<OfficerRow> = {}): OfficerRow {
  return {
    id, ident: `O${String(id).padStart(4, '0')}`, forenames: `Fore${id}`, surname: `Sur${id}`, email: `o${id}@provider.example`,
    telephone: null, mobile: null, other_system_id: null, status: 'Live', ...overrides,
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

export function placement(id: number, overrides: Partial<PlacementWithOrganisation> = {}): PlacementWithOrganisation {
  return {
    id, learner_id: 1, organisation_id: 100 + id, placement_type: 'P', start_date: '2026-01-01', end_date: null,
    organisation: {
      id: 100 + id, ident: `E${id}`, name: `Employer ${id}`, email: null, telephone: null, website: null, address1: null,
      address2: null, address3: null, address4: null, address5: null, postcode: null, edrs_number: null, additional_id: null,
    },
    ...overrides,
  };
}

export function review(id: number, overrides: Partial<ReviewRow> = {}): ReviewRow {
  return {
    id, learner_id: 1, review_type: 'N', planned_date: '2026-12-10', planned_time: '10:00:00', attended: 'U',
    actual_date: null, officer_id: null, trainee_signed_date: null, onefile_system_id: null, ...overrides,
  };
}

export function learnerQualification(id: number, qualificationId: number, overrides: Partial<LearnerQualificationWithDetails> = {}): LearnerQualificationWithDetails {
  return {
    id, learner_id: 1, qualification_id: qualificationId, assessor_officer_id: null, start_date: '2026-01-05',
    planned_end_date: '2027-01-05', achieved_date: null, claimed_date: null, registration_number: null, registration_date: null,
    certificate_applied_date: null, certificate_received_date: null, total_elements: null, elements_done: null,
    onefile_learning_aim_id: null, unitCount: 0,
    qualification: { id: qualificationId, title: `Qualification ${qualificationId}`, vq_reference: `ST${qualificationId}`, level: '3', awarding_body: 'ESFA' },
    ...overrides,
  };
}

export function graph(overrides: Partial<Omit<LearnerGraph, 'learner'>> & { learner?: Partial<LearnerGraph['learner']> } = {}): LearnerGraph {
  const { learner, ...rest } = overrides;
  return {
    learner: {
      id: 1, ident: 'L0042', first_name: 'Ada', surname: 'Lovelace', email: 'ada@learners.example', telephone: '0161 496 0000',
      mobile: '07700 900000', birth_date: '2001-04-02', uln: '1234567890', ni_number: 'AB123456C', sex: 'F', ethnicity: 31,
      lldd_health_problem: 2, disability: 98, start_date: '2026-01-05', expected_end_date: '2027-01-05', actual_end_date: null,
      status: 'Live', main_officer_id: 1, main_tag_id: null, onefile_id: null, smartassessor_id: null, address1: null,
      address2: null, address3: null, address4: null, postcode: null, updated_at: null, ...learner,
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
