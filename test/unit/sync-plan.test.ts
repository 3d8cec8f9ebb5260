import { describe, expect, it } from '@jest/globals';
import type { OneFileLearningAim, OneFileReview, OneFileUser } from '../../src/onefile/types.js';
import {
  isEmptyPlan, planDefaultLinks, planSync, reconcileLearnerDemographics, reconcileOfficerDemographics, reconcileOrganisationDemographics, type SyncInput,
} from '../../src/rules/sync-plan.js';
import { graph, learnerQualification, officer, review, settings } from '../helpers/builders.js';

const TODAY = '2026-11-23';

function aim(id: number, overrides: Partial<OneFileLearningAim> = {}): OneFileLearningAim {
  return {
    id, userId: 900, standardId: 500, status: 0, startDate: '2026-01-05', plannedEnd: '2027-01-05', achievedDate: null,
    registrationNumber: null, registrationDate: null, certificateAppliedDate: null, certificateReceivedDate: null,
    totalCriteria: null, completedCriteria: null, progress: null, ...overrides,
  };
}

function oneFileReview(id: number, overrides: Partial<OneFileReview> = {}): OneFileReview {
  return {
    id, learnerId: 900, assessorId: null, status: 0, scheduledFor: '2026-12-10T10:00:00.000Z', endTime: '2026-12-10T11:00:00.000Z',
    startedOn: null, assessorSignedOn: null, learnerSignedOn: null, visitId: null, ...overrides,
  };
}

function oneFileUser(overrides: Partial<OneFileUser> = {}): OneFileUser {
  return {
    id: 900, role: 1, organisationId: 5740, firstName: 'Ada', lastName: 'Lovelace', email: 'ada@learners.example', misId: 'L0042',
    telephone: '0161 496 0000', mobile: '07700 900000', dob: '2001-04-02', uln: '1234567890', nino: 'AB123456C', l12: '31',
    l13: 'F', l14: '2', l15: '98', startOn: '2026-01-05', plannedEndDate: '2027-01-05', defaultAssessorId: 122762,
    placementId: 18928, classroomId: 1, archived: false, lastModified: null, ...overrides,
  };
}

function input(overrides: Partial<SyncInput> = {}): SyncInput {
  return {
    graph: graph({ learner: { onefile_id: 900 } }), settings: settings(), firstSync: false, today: TODAY, aims: new Map(),
    reviews: [], oneFileLearner: null, officerByOneFileId: new Map(),
    ...overrides,
  };
}

const withQualification = (lq: ReturnType<typeof learnerQualification>, a: OneFileLearningAim) =>
  input({ graph: graph({ learner: { onefile_id: 900 }, qualifications: [lq] }), aims: new Map([[a.id, a]]) });

describe('D1 element counts', () => {
  it('come from OneFile', () => {
    const plan = planSync(withQualification(learnerQualification(1, 10, { onefile_learning_aim_id: 7, total_elements: 5 }), aim(7, { totalCriteria: 120, completedCriteria: 50 })));
    expect(plan.picsChanges).toEqual([
      { table: 'learner_qualification', rowId: 1, field: 'total_elements', oldValue: 5, newValue: 120, direction: 'to_pics', rule: 'D1' },
      { table: 'learner_qualification', rowId: 1, field: 'elements_done', oldValue: null, newValue: 50, direction: 'to_pics', rule: 'D1' },
    ]);
  });

  it('a qualification with units attached is skipped', () => {
    const plan = planSync(withQualification(learnerQualification(1, 10, { onefile_learning_aim_id: 7, unitCount: 2 }), aim(7, { totalCriteria: 120, completedCriteria: 50 })));
    expect(plan.picsChanges).toEqual([]);
  });

  it('unknown counts in OneFile leave PICS alone', () => {
    const plan = planSync(withQualification(learnerQualification(1, 10, { onefile_learning_aim_id: 7, total_elements: 5 }), aim(7)));
    expect(plan.picsChanges).toEqual([]);
  });
});

describe('D2–D4 registration and certificate fields', () => {
  it('both blank: nothing', () => {
    const plan = planSync(withQualification(learnerQualification(1, 10, { onefile_learning_aim_id: 7 }), aim(7)));
    expect(isEmptyPlan(plan)).toBe(true);
  });

  it('OneFile set, PICS blank: fills PICS', () => {
    const plan = planSync(withQualification(learnerQualification(1, 10, { onefile_learning_aim_id: 7 }), aim(7, { registrationNumber: 'R9', registrationDate: '2026-03-01' })));
    expect(plan.picsChanges.map((c) => [c.field, c.newValue, c.rule])).toEqual([['registration_number', 'R9', 'D2'], ['registration_date', '2026-03-01', 'D2']]);
    expect(plan.aimPushes).toEqual([]);
  });

  it('PICS set, OneFile blank: pushed to OneFile as dates OneFile reads', () => {
    const plan = planSync(withQualification(
      learnerQualification(1, 10, { onefile_learning_aim_id: 7, certificate_applied_date: '2026-10-01', certificate_received_date: '2026-11-01' }), aim(7),
    ));
    expect(plan.aimPushes).toEqual([{ aimId: 7, learnerQualificationId: 1, patch: { CertificateAppliedDate: '2026-10-01T00:00:00.000Z', CertificateReceivedDate: '2026-11-01T00:00:00.000Z' } }]);
    expect(plan.oneFileChanges.map((c) => c.rule)).toEqual(['D3', 'D4']);
    expect(plan.picsChanges).toEqual([]);
  });

  it('both set and different: OneFile wins', () => {
    const plan = planSync(withQualification(
      learnerQualification(1, 10, { onefile_learning_aim_id: 7, registration_number: 'OLD', certificate_received_date: '2026-01-01' }),
      aim(7, { registrationNumber: 'NEW', certificateReceivedDate: '2026-02-02' }),
    ));
    expect(plan.picsChanges.map((c) => [c.field, c.oldValue, c.newValue])).toEqual([
      ['registration_number', 'OLD', 'NEW'], ['certificate_received_date', '2026-01-01', '2026-02-02'],
    ]);
    expect(plan.aimPushes).toEqual([]);
  });

  it('both set and equal: nothing', () => {
    const plan = planSync(withQualification(learnerQualification(1, 10, { onefile_learning_aim_id: 7, registration_number: 'R1' }), aim(7, { registrationNumber: 'R1' })));
    expect(isEmptyPlan(plan)).toBe(true);
  });
});

describe('D9 nothing else goes to OneFile', () => {
  it('a PICS qualification without a learning aim is not uploaded by the sync', () => {
    const plan = planSync(input({ graph: graph({ learner: { onefile_id: 900 }, qualifications: [learnerQualification(1, 10)] }) }));
    expect(isEmptyPlan(plan)).toBe(true);
  });
});

describe('D5 new PICS reviews are uploaded by the rules of E3', () => {
  it('uploads a future review with attendance Unknown', () => {
    const plan = planSync(input({ graph: graph({ learner: { onefile_id: 900 }, reviews: [review(3), review(4, { planned_date: '2026-01-01' })] }) }));
    expect(plan.reviewUploads.map((r) => r.reviewId)).toEqual([3]);
  });

  it('not with S6 off', () => {
    const plan = planSync(input({ settings: settings({ uploadReviews: false }), graph: graph({ learner: { onefile_id: 900 }, reviews: [review(3)] }) }));
    expect(plan.reviewUploads).toEqual([]);
  });
});

describe('D6 reviews pulled from OneFile (S10)', () => {
  const officers = new Map([[122762, 2]]);

  it('matched by OneFile id; started → attended Y with the actual date; trainee signed; assessor matched to an officer', () => {
    const plan = planSync(input({
      graph: graph({ learner: { onefile_id: 900 }, reviews: [review(3, { onefile_system_id: 44, officer_id: 1 })] }),
      reviews: [oneFileReview(44, { startedOn: '2026-11-20T10:05:00.000Z', learnerSignedOn: '2026-11-21T09:00:00.000Z', assessorId: 122762 })],
      officerByOneFileId: officers,
    }));
    expect(plan.picsChanges.map((c) => [c.field, c.oldValue, c.newValue, c.rule])).toEqual([
      ['attended', 'U', 'Y', 'D6'], ['actual_date', null, '2026-11-20', 'D6'], ['officer_id', 1, 2, 'D6'], ['trainee_signed_date', null, '2026-11-21', 'D6'],
    ]);
  });

  it('not started → Unknown with a blank date', () => {
    const plan = planSync(input({
      graph: graph({ learner: { onefile_id: 900 }, reviews: [review(3, { onefile_system_id: 44, attended: 'Y', actual_date: '2026-11-01' })] }),
      reviews: [oneFileReview(44)],
    }));
    expect(plan.picsChanges.map((c) => [c.field, c.newValue])).toEqual([['attended', 'U'], ['actual_date', null]]);
  });

  it('an assessor no PICS officer matches leaves the review officer alone', () => {
    const plan = planSync(input({
      graph: graph({ learner: { onefile_id: 900 }, reviews: [review(3, { onefile_system_id: 44, officer_id: 1 })] }),
      reviews: [oneFileReview(44, { assessorId: 555 })],
    }));
    expect(plan.picsChanges).toEqual([]);
  });

  it('a new OneFile review creates a PICS review (UK local date and time)', () => {
    const plan = planSync(input({ reviews: [oneFileReview(45, { scheduledFor: '2026-07-01T09:00:00.000Z', startedOn: '2026-07-01T09:10:00.000Z', assessorId: 122762 })], officerByOneFileId: officers }));
    expect(plan.newPicsReviews).toEqual([{
      oneFileReviewId: 45, planned_date: '2026-07-01', planned_time: '10:00:00', attended: 'Y', actual_date: '2026-07-01', officer_id: 2, trainee_signed_date: null,
    }]);
  });

  it('nothing is pulled with S10 off', () => {
    const plan = planSync(input({ settings: settings({ downloadReviews: false }), reviews: [oneFileReview(45)] }));
    expect(isEmptyPlan(plan)).toBe(true);
  });
});

describe('D7 demographics', () => {
  const learner = graph({ learner: { onefile_id: 900 } }).learner;

  it('none: no change either way', () => {
    expect(reconcileLearnerDemographics(learner, oneFileUser({ firstName: 'Adah' }), 'none')).toEqual({ changes: [], push: {} });
  });

  it('push: PICS values go to OneFile where they differ', () => {
    const { push, changes } = reconcileLearnerDemographics(learner, oneFileUser({ firstName: 'Adah', dob: '2001-04-03', l12: null }), 'push');
    expect(push).toEqual({ FirstName: 'Ada', DOB: '2001-04-02T00:00:00.000Z', L12: '31' });
    expect(changes.every((c) => c.direction === 'to_eportfolio')).toBe(true);
  });

  it('pull: OneFile values come into PICS, never blanking a PICS value, codes as numbers', () => {
    const { push, changes } = reconcileLearnerDemographics(learner, oneFileUser({ firstName: 'Adah', telephone: null, l15: '4', l13: 'X' }), 'pull');
    expect(push).toEqual({});
    expect(changes.map((c) => [c.field, c.newValue])).toEqual([['first_name', 'Adah'], ['disability', 4]]);
  });

  it('officers: push and pull by their own mode', () => {
    const o = officer(2, { forenames: 'Tom', email: 'tom@x.example' });
    const fromOneFile = oneFileUser({ firstName: 'Thomas', lastName: 'Sur2', email: 'tom@x.example', telephone: null, mobile: null });
    expect(reconcileOfficerDemographics(o, fromOneFile, 'push').push).toEqual({ FirstName: 'Tom' });
    expect(reconcileOfficerDemographics(o, fromOneFile, 'pull').changes.map((c) => [c.field, c.newValue])).toEqual([['forenames', 'Thomas']]);
    expect(reconcileOfficerDemographics(o, fromOneFile, 'none').changes).toEqual([]);
  });

  it('the learner push is part of the plan when the OneFile learner was read', () => {
    const plan = planSync(input({ settings: settings({ learnerDemographicsMode: 'push' }), oneFileLearner: oneFileUser({ mobile: '07000 000000' }) }));
    expect(plan.learnerPush).toEqual({ MobileNumber: '07700 900000' });
  });
});

describe('D8 main officer and employer changes', () => {
  const lastPushed = { defaultAssessorId: 122762, placementId: 18928 };
  it('pushed when S8/S9 are on and they changed since the last push', () => {
    const { patch, changes } = planDefaultLinks(settings(), 42, { mainOfficerOneFileId: 122763, employerPlacementId: 18929, lastPushed });
    expect(patch).toEqual({ DefaultAssessorID: 122763, PlacementID: 18929 });
    expect(changes.map((c) => [c.field, c.oldValue, c.newValue, c.rule])).toEqual([['DefaultAssessorID', 122762, 122763, 'D8'], ['PlacementID', 18928, 18929, 'D8']]);
  });

  it('not pushed when unchanged', () => {
    expect(planDefaultLinks(settings(), 42, { mainOfficerOneFileId: 122762, employerPlacementId: 18928, lastPushed }).patch).toEqual({});
  });

  it('not pushed with S8/S9 off', () => {
    const off = settings({ pushMainOfficerChanges: false, pushEmployerChanges: false });
    expect(planDefaultLinks(off, 42, { mainOfficerOneFileId: 122763, employerPlacementId: 18929, lastPushed }).patch).toEqual({});
  });
});

describe('D11 the first sync', () => {
  it('pushes every normal review with blank attendance and no actual date, whatever its date', () => {
    const reviews = [review(3, { attended: null, planned_date: '2025-05-01' }), review(4, { attended: 'N', planned_date: '2025-05-01' }), review(5)];
    const first = planSync(input({ firstSync: true, graph: graph({ learner: { onefile_id: 900 }, reviews }) }));
    expect(first.reviewUploads.map((r) => r.reviewId)).toEqual([3, 5]);
    const later = planSync(input({ firstSync: false, graph: graph({ learner: { onefile_id: 900 }, reviews }) }));
    expect(later.reviewUploads.map((r) => r.reviewId)).toEqual([5]);
  });

  it('reconciles registration and certificate fields by D2–D4', () => {
    const plan = planSync({ ...withQualification(learnerQualification(1, 10, { onefile_learning_aim_id: 7, registration_number: 'P' }), aim(7, { registrationDate: '2026-01-01' })), firstSync: true });
    expect(plan.picsChanges.map((c) => c.field)).toEqual(['registration_date']);
    expect(plan.aimPushes[0]?.patch).toEqual({ RegistrationNumber: 'P' });
  });
});

describe('D7 organisation demographics', () => {
  const org = {
    id: 7, ident: 'E0007', name: 'Acme Ltd', email: 'hr@acme.example', telephone: '0161 000', website: null, address1: '1 Road',
    address2: 'Town', address3: null, address4: null, address5: null, postcode: 'M1 1AA', edrs_number: null, additional_id: '18928',
  };
  const placement = { id: 18928, name: 'ACME Limited', misId: null, address: null, email: 'hr@acme.example', telephone: null, web: 'https://acme.example' };

  it('none: nothing', () => {
    expect(reconcileOrganisationDemographics(org, placement, 'none')).toEqual({ changes: [], push: {} });
  });

  it('push: PICS name, phone and address go to the OneFile placement', () => {
    expect(reconcileOrganisationDemographics(org, placement, 'push').push).toEqual({ Name: 'Acme Ltd', Telephone: '0161 000', Address: '1 Road\nTown\nM1 1AA' });
  });

  it('pull: OneFile values fill PICS, never blanking a PICS value', () => {
    const { changes } = reconcileOrganisationDemographics(org, placement, 'pull');
    expect(changes.map((c) => [c.field, c.newValue])).toEqual([['name', 'ACME Limited'], ['website', 'https://acme.example']]);
  });
});

describe('issue 15: uploads, adoption and stand-ins', () => {
  it('D11 respects S6: no review is pushed on the first sync with Upload Reviews off', () => {
    const reviews = [review(3, { attended: null, planned_date: '2025-05-01' }), review(5)];
    const plan = planSync(input({ firstSync: true, settings: settings({ uploadReviews: false }), graph: graph({ learner: { onefile_id: 900 }, reviews }) }));
    expect(plan.reviewUploads).toEqual([]);
  });

  it('E7/D5: a review an earlier attempt uploaded is adopted by its time, not uploaded again nor copied back as new (D6)', () => {
    const reviews = [review(5)];
    const first = planSync(input({ graph: graph({ learner: { onefile_id: 900 }, reviews }) }));
    const at = first.reviewUploads[0]!.scheduledFor;
    const left = oneFileReview(77, { scheduledFor: at });
    const plan = planSync(input({
      graph: graph({ learner: { onefile_id: 900 }, reviews }), reviewRows: [{ id: 77, learnerId: 900, scheduledFor: at, full: null }], reviews: [left],
    }));
    expect(plan.adoptions).toEqual([{ reviewId: 5, oneFileReviewId: 77 }]);
    expect(plan.reviewUploads).toEqual([]);
    expect(plan.newPicsReviews).toEqual([]);
    expect(plan.reviewsSeen.map((s) => s.review.id)).toEqual([77]);
  });

  it('D5: a review uploaded under a stand-in assessor never makes the stand-in its PICS officer', () => {
    const reviews = [review(6, { onefile_system_id: 88, officer_id: 3 })];
    const officers = new Map([[122762, 1]]);
    const held = oneFileReview(88, { assessorId: 122762, startedOn: '2026-11-30T10:00:00.000Z' });
    const standIn = planSync(input({ graph: graph({ learner: { onefile_id: 900 }, reviews }), reviews: [held], officerByOneFileId: officers, standInAssessors: new Map([[88, 122762]]) }));
    expect(standIn.picsChanges.map((c) => c.field)).toEqual(['attended', 'actual_date']);
    const real = planSync(input({ graph: graph({ learner: { onefile_id: 900 }, reviews }), reviews: [held], officerByOneFileId: officers }));
    expect(real.picsChanges.map((c) => c.field)).toEqual(['attended', 'actual_date', 'officer_id']);
  });
});
