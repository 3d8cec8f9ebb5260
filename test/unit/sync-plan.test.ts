import { describe, expect, it } from '@jest/globals';
import type { OneFileLearningAim, OneFileReview, OneFileUser } from '../../src/onefile/types.js';
import { reconcileLearnerDemographics, reconcileOfficerDemographics, reconcileOrganisationDemographics } from '../../src/rules/demographics.js';
import {
  isEmptyPlan, planDefaultLinks, planSync, type SyncInput, type SyncPlan,
} from '../../src/rules/sync-plan.js';
import { takeReviewAt } from '../../src/rules/review-match.js';
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
    graph: graph({ learner: { oneFileId: 900 } }), settings: settings(), firstSync: false, today: TODAY, aims: new Map(),
    reviews: [], oneFileLearner: null, officerByOneFileId: new Map(),
    ...overrides,
  };
}

const withQualification = (lq: ReturnType<typeof learnerQualification>, a: OneFileLearningAim) =>
  input({ graph: graph({ learner: { oneFileId: 900 }, qualifications: [lq] }), aims: new Map([[a.id, a]]) });

describe('D1 element counts', () => {
  it('come from OneFile', () => {
    const plan = planSync(withQualification(learnerQualification(1, 10, { learningAimId: 7, totalElements: 5 }), aim(7, { totalCriteria: 120, completedCriteria: 50 })));
    expect(plan.picsChanges).toEqual([
      { table: 'learner_qualification', rowId: 1, field: 'totalElements', oldValue: 5, newValue: 120, direction: 'to_pics', rule: 'D1' },
      { table: 'learner_qualification', rowId: 1, field: 'elementsDone', oldValue: null, newValue: 50, direction: 'to_pics', rule: 'D1' },
    ]);
  });

  it('a qualification with units attached is skipped', () => {
    const plan = planSync(withQualification(learnerQualification(1, 10, { learningAimId: 7, unitCount: 2 }), aim(7, { totalCriteria: 120, completedCriteria: 50 })));
    expect(plan.picsChanges).toEqual([]);
  });

  it('unknown counts in OneFile leave PICS alone', () => {
    const plan = planSync(withQualification(learnerQualification(1, 10, { learningAimId: 7, totalElements: 5 }), aim(7)));
    expect(plan.picsChanges).toEqual([]);
  });
});

describe('D2–D4 registration and certificate fields', () => {
  it('both blank: nothing', () => {
    const plan = planSync(withQualification(learnerQualification(1, 10, { learningAimId: 7 }), aim(7)));
    expect(isEmptyPlan(plan)).toBe(true);
  });

  it('OneFile set, PICS blank: fills PICS', () => {
    const plan = planSync(withQualification(learnerQualification(1, 10, { learningAimId: 7 }), aim(7, { registrationNumber: 'R9', registrationDate: '2026-03-01' })));
    expect(plan.picsChanges.map((c) => [c.field, c.newValue, c.rule])).toEqual([['registrationNumber', 'R9', 'D2'], ['registrationDate', '2026-03-01', 'D2']]);
    expect(plan.aimPushes).toEqual([]);
  });

  it('PICS set, OneFile blank: pushed to OneFile as dates OneFile reads', () => {
    const plan = planSync(withQualification(
      learnerQualification(1, 10, { learningAimId: 7, certificateAppliedDate: '2026-10-01', certificateReceivedDate: '2026-11-01' }), aim(7),
    ));
    expect(plan.aimPushes).toEqual([{ aimId: 7, learnerQualificationId: 1, patch: { CertificateAppliedDate: '2026-10-01T00:00:00.000Z', CertificateReceivedDate: '2026-11-01T00:00:00.000Z' } }]);
    expect(plan.oneFileChanges.map((c) => c.rule)).toEqual(['D3', 'D4']);
    expect(plan.picsChanges).toEqual([]);
  });

  it('both set and different: OneFile wins', () => {
    const plan = planSync(withQualification(
      learnerQualification(1, 10, { learningAimId: 7, registrationNumber: 'OLD', certificateReceivedDate: '2026-01-01' }),
      aim(7, { registrationNumber: 'NEW', certificateReceivedDate: '2026-02-02' }),
    ));
    expect(plan.picsChanges.map((c) => [c.field, c.oldValue, c.newValue])).toEqual([
      ['registrationNumber', 'OLD', 'NEW'], ['certificateReceivedDate', '2026-01-01', '2026-02-02'],
    ]);
    expect(plan.aimPushes).toEqual([]);
  });

  it('both set and equal: nothing', () => {
    const plan = planSync(withQualification(learnerQualification(1, 10, { learningAimId: 7, registrationNumber: 'R1' }), aim(7, { registrationNumber: 'R1' })));
    expect(isEmptyPlan(plan)).toBe(true);
  });
});

describe('D9 nothing else goes to OneFile', () => {
  it('a PICS qualification without a learning aim is not uploaded by the sync', () => {
    const plan = planSync(input({ graph: graph({ learner: { oneFileId: 900 }, qualifications: [learnerQualification(1, 10)] }) }));
    expect(isEmptyPlan(plan)).toBe(true);
  });
});

describe('D5 new PICS reviews are uploaded by the rules of E3', () => {
  it('uploads a future review with attendance Unknown', () => {
    const plan = planSync(input({ graph: graph({ learner: { oneFileId: 900 }, reviews: [review(3), review(4, { plannedDate: '2026-01-01' })] }) }));
    expect(plan.reviewUploads.map((r) => r.reviewId)).toEqual([3]);
  });

  it('not with S6 off', () => {
    const plan = planSync(input({ settings: settings({ uploadReviews: false }), graph: graph({ learner: { oneFileId: 900 }, reviews: [review(3)] }) }));
    expect(plan.reviewUploads).toEqual([]);
  });
});

describe('D6 reviews pulled from OneFile (S10)', () => {
  const officers = new Map([[122762, 2]]);

  it('matched by OneFile id; started → attended Y with the actual date; trainee signed; assessor matched to an officer', () => {
    const plan = planSync(input({
      graph: graph({ learner: { oneFileId: 900 }, reviews: [review(3, { oneFileId: 44, officerId: 1 })] }),
      reviews: [oneFileReview(44, { startedOn: '2026-11-20T10:05:00.000Z', learnerSignedOn: '2026-11-21T09:00:00.000Z', assessorId: 122762 })],
      officerByOneFileId: officers,
    }));
    expect(plan.picsChanges.map((c) => [c.field, c.oldValue, c.newValue, c.rule])).toEqual([
      ['attended', 'U', 'Y', 'D6'], ['actualDate', null, '2026-11-20', 'D6'], ['officerId', 1, 2, 'D6'], ['traineeSignedDate', null, '2026-11-21', 'D6'],
    ]);
  });

  it('not started → Unknown with a blank date', () => {
    const plan = planSync(input({
      graph: graph({ learner: { oneFileId: 900 }, reviews: [review(3, { oneFileId: 44, attended: 'Y', actualDate: '2026-11-01' })] }),
      reviews: [oneFileReview(44)],
    }));
    expect(plan.picsChanges.map((c) => [c.field, c.newValue])).toEqual([['attended', 'U'], ['actualDate', null]]);
  });

  it('an assessor no PICS officer matches leaves the review officer alone', () => {
    const plan = planSync(input({
      graph: graph({ learner: { oneFileId: 900 }, reviews: [review(3, { oneFileId: 44, officerId: 1 })] }),
      reviews: [oneFileReview(44, { assessorId: 555 })],
    }));
    expect(plan.picsChanges).toEqual([]);
  });

  it('a new OneFile review creates a PICS review (UK local date and time)', () => {
    const plan = planSync(input({ reviews: [oneFileReview(45, { scheduledFor: '2026-07-01T09:00:00.000Z', startedOn: '2026-07-01T09:10:00.000Z', assessorId: 122762 })], officerByOneFileId: officers }));
    expect(plan.newPicsReviews).toEqual([{
      oneFileReviewId: 45, plannedDate: '2026-07-01', plannedTime: '10:00:00', attended: 'Y', actualDate: '2026-07-01', officerId: 2, traineeSignedDate: null,
    }]);
  });

  it('nothing is pulled with S10 off', () => {
    const plan = planSync(input({ settings: settings({ downloadReviews: false }), reviews: [oneFileReview(45)] }));
    expect(isEmptyPlan(plan)).toBe(true);
  });
});

describe('D7 demographics', () => {
  const learner = graph({ learner: { oneFileId: 900 } }).learner;

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
    expect(changes.map((c) => [c.field, c.newValue])).toEqual([['firstName', 'Adah'], ['disability', 4]]);
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
    const reviews = [review(3, { attended: null, plannedDate: '2025-05-01' }), review(4, { attended: 'N', plannedDate: '2025-05-01' }), review(5)];
    const first = planSync(input({ firstSync: true, graph: graph({ learner: { oneFileId: 900 }, reviews }) }));
    expect(first.reviewUploads.map((r) => r.reviewId)).toEqual([3, 5]);
    const later = planSync(input({ firstSync: false, graph: graph({ learner: { oneFileId: 900 }, reviews }) }));
    expect(later.reviewUploads.map((r) => r.reviewId)).toEqual([5]);
  });

  it('reconciles registration and certificate fields by D2–D4', () => {
    const plan = planSync({ ...withQualification(learnerQualification(1, 10, { learningAimId: 7, registrationNumber: 'P' }), aim(7, { registrationDate: '2026-01-01' })), firstSync: true });
    expect(plan.picsChanges.map((c) => c.field)).toEqual(['registrationDate']);
    expect(plan.aimPushes[0]?.patch).toEqual({ RegistrationNumber: 'P' });
  });
});

describe('D7 organisation demographics', () => {
  const org = {
    id: 7, ident: 'E0007', name: 'Acme Ltd', email: 'hr@acme.example', telephone: '0161 000', website: null, address1: '1 Road',
    address2: 'Town', address3: null, address4: null, address5: null, postcode: 'M1 1AA', edrsNumber: null, ePortfolioId: '18928',
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
    const reviews = [review(3, { attended: null, plannedDate: '2025-05-01' }), review(5)];
    const plan = planSync(input({ firstSync: true, settings: settings({ uploadReviews: false }), graph: graph({ learner: { oneFileId: 900 }, reviews }) }));
    expect(plan.reviewUploads).toEqual([]);
  });

  it('E7/D5: a review an earlier attempt uploaded is adopted by its time, not uploaded again nor copied back as new (D6)', () => {
    const reviews = [review(5)];
    const first = planSync(input({ graph: graph({ learner: { oneFileId: 900 }, reviews }) }));
    const at = first.reviewUploads[0]!.scheduledFor;
    const left = oneFileReview(77, { scheduledFor: at });
    const plan = planSync(input({
      graph: graph({ learner: { oneFileId: 900 }, reviews }), reviewRows: [{ id: 77, learnerId: 900, scheduledFor: at, full: null }], reviews: [left],
    }));
    expect(plan.adoptions).toEqual([{ reviewId: 5, oneFileReviewId: 77 }]);
    expect(plan.reviewUploads).toEqual([]);
    expect(plan.newPicsReviews).toEqual([]);
    expect(plan.reviewsSeen.map((s) => s.review.id)).toEqual([77]);
  });

  it('D5: a review uploaded under a stand-in assessor never makes the stand-in its PICS officer', () => {
    const reviews = [review(6, { oneFileId: 88, officerId: 3 })];
    const officers = new Map([[122762, 1]]);
    const held = oneFileReview(88, { assessorId: 122762, startedOn: '2026-11-30T10:00:00.000Z' });
    const standIn = planSync(input({ graph: graph({ learner: { oneFileId: 900 }, reviews }), reviews: [held], officerByOneFileId: officers, standInAssessors: new Map([[88, 122762]]) }));
    expect(standIn.picsChanges.map((c) => c.field)).toEqual(['attended', 'actualDate']);
    const real = planSync(input({ graph: graph({ learner: { oneFileId: 900 }, reviews }), reviews: [held], officerByOneFileId: officers }));
    expect(real.picsChanges.map((c) => c.field)).toEqual(['attended', 'actualDate', 'officerId']);
  });
});

// Issue 23: the tests below kill the mutants that survived the ones above (test/MUTATION.md). Each compares
// whole values, so a dropped field, a wrong table, direction or rule id shows.

describe('isEmptyPlan: an unchanged learner only', () => {
  const empty = (): ReturnType<typeof planSync> => planSync(input());
  const change = { table: 'review' as const, rowId: 3, field: 'attended', oldValue: 'U', newValue: 'Y', direction: 'to_pics' as const, rule: 'D6' };

  it('a plan with nothing in it is empty, and officer or employer updates without changes keep it so', () => {
    expect(isEmptyPlan(empty())).toBe(true);
    expect(isEmptyPlan({ ...empty(), officerUpdates: [{ officerId: 2, oneFileId: 5, push: {}, changes: [] }], organisationUpdate: { organisationId: 7, placementId: 8, push: {}, changes: [] } })).toBe(true);
  });

  it.each([
    ['D1–D4/D6 a PICS change', { picsChanges: [change] }],
    ['D6 a new PICS review', { newPicsReviews: [{ oneFileReviewId: 4, plannedDate: null, plannedTime: null, attended: 'U' as const, actualDate: null, officerId: null, traineeSignedDate: null }] }],
    ['D5 an adoption', { adoptions: [{ reviewId: 3, oneFileReviewId: 4 }] }],
    ['D2–D4 an aim push', { aimPushes: [{ aimId: 7, learnerQualificationId: 1, patch: { RegistrationNumber: 'R1' } }] }],
    ['D5 a review upload', { reviewUploads: [{ reviewId: 3, assessorOfficerId: 1, scheduledFor: '2026-12-10T10:00:00.000Z', endTime: '2026-12-10T11:00:00.000Z', visitTypeId: 2 }] }],
    ['D7 a learner push', { learnerPush: { FirstName: 'Ada' } }],
    ['D7 an officer change', { officerUpdates: [{ officerId: 2, oneFileId: 5, push: {}, changes: [] }, { officerId: 3, oneFileId: 6, push: { FirstName: 'Tom' }, changes: [change] }] }],
    ['D7 an employer change', { organisationUpdate: { organisationId: 7, placementId: 8, push: { Name: 'Acme' }, changes: [change] } }],
  ] as [string, Partial<SyncPlan>][])('is not empty with %s', (_, part) => {
    expect(isEmptyPlan({ ...empty(), ...part })).toBe(false);
  });
});

describe('D1–D4 edge cases', () => {
  it('D1: a count PICS already holds is no change', () => {
    const plan = planSync(withQualification(learnerQualification(1, 10, { learningAimId: 7, totalElements: 120, elementsDone: 50 }), aim(7, { totalCriteria: 120, completedCriteria: 50 })));
    expect(plan.picsChanges).toEqual([]);
  });

  it('D2: blank means blank after trimming, on both sides, and values are compared trimmed', () => {
    const lq = learnerQualification(1, 10, { learningAimId: 7, registrationNumber: '  ', registrationDate: '2026-03-01 ' });
    const plan = planSync(withQualification(lq, aim(7, { registrationNumber: 'R9', registrationDate: '2026-03-01', certificateAppliedDate: ' ' })));
    expect(plan.picsChanges).toEqual([
      { table: 'learner_qualification', rowId: 1, field: 'registrationNumber', oldValue: null, newValue: 'R9', direction: 'to_pics', rule: 'D2' },
    ]);
    expect(plan.aimPushes).toEqual([]);
  });

  it('D2: a field the OneFile aim lacks (undefined) counts as blank and is filled from PICS', () => {
    const lq = learnerQualification(1, 10, { learningAimId: 7, registrationNumber: 'R1' });
    const plan = planSync(withQualification(lq, aim(7, { registrationNumber: undefined as unknown as null })));
    expect(plan.oneFileChanges).toEqual([
      { table: 'learner_qualification', rowId: 1, field: 'RegistrationNumber', oldValue: null, newValue: 'R1', direction: 'to_eportfolio', rule: 'D2' },
    ]);
    expect(plan.aimPushes).toEqual([{ aimId: 7, learnerQualificationId: 1, patch: { RegistrationNumber: 'R1' } }]);
  });

  it('D9: a qualification whose learning aim was not read this run is left alone (no crash, no change)', () => {
    const plan = planSync(withQualification(learnerQualification(1, 10, { learningAimId: 8, registrationNumber: 'R1' }), aim(7)));
    expect(isEmptyPlan(plan)).toBe(true);
  });
});

describe('D6 guards', () => {
  it('D6: never clears a signed date: an unsigned OneFile review leaves Trainee Signed alone', () => {
    const plan = planSync(input({
      graph: graph({ learner: { oneFileId: 900 }, reviews: [review(3, { oneFileId: 44, attended: 'Y', actualDate: '2026-11-20', traineeSignedDate: '2026-11-21' })] }),
      reviews: [oneFileReview(44, { startedOn: '2026-11-20T10:05:00.000Z', learnerSignedOn: null })],
    }));
    expect(plan.picsChanges).toEqual([]);
  });

  it('D6: a changed review is audited as a to_pics change of the review row', () => {
    const plan = planSync(input({
      graph: graph({ learner: { oneFileId: 900 }, reviews: [review(3, { oneFileId: 44 })] }),
      reviews: [oneFileReview(44, { startedOn: '2026-11-20T10:05:00.000Z' })],
    }));
    expect(plan.picsChanges).toEqual([
      { table: 'review', rowId: 3, field: 'attended', oldValue: 'U', newValue: 'Y', direction: 'to_pics', rule: 'D6' },
      { table: 'review', rowId: 3, field: 'actualDate', oldValue: null, newValue: '2026-11-20', direction: 'to_pics', rule: 'D6' },
    ]);
    expect(plan.reviewsSeen).toEqual([{ review: oneFileReview(44, { startedOn: '2026-11-20T10:05:00.000Z' }), complete: false }]);
  });

  it('D6: a new OneFile review without a scheduled time becomes a PICS review without a planned date', () => {
    const plan = planSync(input({ reviews: [oneFileReview(45, { scheduledFor: null, learnerSignedOn: '2026-07-02T09:00:00.000Z', startedOn: '2026-07-01T09:10:00.000Z' })] }));
    expect(plan.newPicsReviews).toEqual([{
      oneFileReviewId: 45, plannedDate: null, plannedTime: null, attended: 'Y', actualDate: '2026-07-01', officerId: null, traineeSignedDate: '2026-07-02',
    }]);
    expect(plan.reviewsSeen.map((s) => s.complete)).toEqual([true]);
  });
});

describe('D5/D11 uploads and adoptions', () => {
  const at = (r: ReturnType<typeof review>) => planSync(input({ graph: graph({ learner: { oneFileId: 900 }, reviews: [r] }) })).reviewUploads[0]!.scheduledFor;

  it('D5: no upload without a main officer to stand in as assessor', () => {
    const plan = planSync(input({ graph: graph({ learner: { oneFileId: 900, mainOfficerId: null }, reviews: [review(3, { officerId: 2 })] }) }));
    expect(plan.reviewUploads).toEqual([]);
  });

  it('D5: adopting one review leaves the other uploads in place, and the adoption is audited', () => {
    const reviews = [review(5), review(6, { plannedDate: '2026-12-11' })];
    const fiveAt = at(review(5));
    const plan = planSync(input({ graph: graph({ learner: { oneFileId: 900 }, reviews }), reviewRows: [{ id: 77, learnerId: 900, scheduledFor: fiveAt, full: null }] }));
    expect(plan.adoptions).toEqual([{ reviewId: 5, oneFileReviewId: 77 }]);
    expect(plan.reviewUploads.map((u) => u.reviewId)).toEqual([6]);
    expect(plan.oneFileChanges).toEqual([{ table: 'review', rowId: 5, field: 'oneFileId', oldValue: null, newValue: 77, direction: 'to_eportfolio', rule: 'D5' }]);
  });

  it('D11: an adoption on the first sync is audited under D11', () => {
    const plan = planSync(input({ firstSync: true, graph: graph({ learner: { oneFileId: 900 }, reviews: [review(5)] }), reviewRows: [{ id: 77, learnerId: 900, scheduledFor: at(review(5)), full: null }] }));
    expect(plan.oneFileChanges.map((c) => [c.rowId, c.newValue, c.rule])).toEqual([[5, 77, 'D11']]);
  });

  it('E7/D5: never re-uploads nor re-adopts a review already in OneFile: a OneFile review another PICS review claims is not taken', () => {
    const fiveAt = at(review(5));
    const reviews = [review(5), review(8, { oneFileId: 77, attended: 'Y', actualDate: '2026-11-01' })];
    const plan = planSync(input({ graph: graph({ learner: { oneFileId: 900 }, reviews }), reviewRows: [{ id: 77, learnerId: 900, scheduledFor: fiveAt, full: null }] }));
    expect(plan.adoptions).toEqual([]);
    expect(plan.reviewUploads.map((u) => u.reviewId)).toEqual([5]);
  });

  it('E7/D5: the adopted review is reconciled as the PICS row it was uploaded from (D6), not as another row', () => {
    const sixAt = at(review(6, { plannedDate: '2026-12-11' }));
    const reviews = [review(5), review(6, { plannedDate: '2026-12-11' })];
    const held = oneFileReview(77, { scheduledFor: sixAt, startedOn: '2026-12-11T10:00:00.000Z' });
    const plan = planSync(input({ graph: graph({ learner: { oneFileId: 900 }, reviews }), reviewRows: [{ id: 77, learnerId: 900, scheduledFor: sixAt, full: null }], reviews: [held] }));
    expect(plan.adoptions).toEqual([{ reviewId: 6, oneFileReviewId: 77 }]);
    expect(plan.newPicsReviews).toEqual([]);
    expect(plan.picsChanges.map((c) => [c.rowId, c.field, c.newValue])).toEqual([[6, 'attended', 'Y'], [6, 'actualDate', '2026-12-11']]);
  });
});

describe('D7 demographics: every field, both ways', () => {
  const learner = graph({ learner: { oneFileId: 900 } }).learner;
  // Every field differs from the PICS learner (graph builder), each by a value PICS can store.
  const different = oneFileUser({
    firstName: 'Adah', lastName: 'King', email: 'ada@king.example', telephone: '0161 000 1111', mobile: '07700 111111', dob: '2001-04-03',
    uln: '2345678901', nino: 'CD654321A', l12: '32', l13: 'M', l14: '1', l15: '4',
  });
  const toOneFile = (field: string, oldValue: string | null, newValue: string) => ({ table: 'learner', rowId: 1, field, oldValue, newValue, direction: 'to_eportfolio', rule: 'D7' });
  const toPics = (field: string, oldValue: string | null, newValue: string | number) => ({ table: 'learner', rowId: 1, field, oldValue, newValue, direction: 'to_pics', rule: 'D7' });

  it('push sends every differing learner field under its OneFile name', () => {
    const { push, changes } = reconcileLearnerDemographics(learner, different, 'push');
    expect(push).toEqual({
      FirstName: 'Ada', LastName: 'Lovelace', Email: 'ada@learners.example', Telephone: '0161 496 0000', MobileNumber: '07700 900000',
      DOB: '2001-04-02T00:00:00.000Z', ULN: '1234567890', NINO: 'AB123456C', L12: '31', L13: 'F', L14: '2', L15: '98',
    });
    expect(changes).toEqual([
      toOneFile('FirstName', 'Adah', 'Ada'), toOneFile('LastName', 'King', 'Lovelace'), toOneFile('Email', 'ada@king.example', 'ada@learners.example'),
      toOneFile('Telephone', '0161 000 1111', '0161 496 0000'), toOneFile('MobileNumber', '07700 111111', '07700 900000'), toOneFile('DOB', '2001-04-03', '2001-04-02'),
      toOneFile('ULN', '2345678901', '1234567890'), toOneFile('NINO', 'CD654321A', 'AB123456C'), toOneFile('L12', '32', '31'), toOneFile('L13', 'M', 'F'),
      toOneFile('L14', '1', '2'), toOneFile('L15', '4', '98'),
    ]);
  });

  it('pull takes every differing learner field into its PICS column, codes as numbers', () => {
    const { push, changes } = reconcileLearnerDemographics(learner, different, 'pull');
    expect(push).toEqual({});
    expect(changes).toEqual([
      toPics('firstName', 'Ada', 'Adah'), toPics('surname', 'Lovelace', 'King'), toPics('email', 'ada@learners.example', 'ada@king.example'),
      toPics('telephone', '0161 496 0000', '0161 000 1111'), toPics('mobile', '07700 900000', '07700 111111'), toPics('birthDate', '2001-04-02', '2001-04-03'),
      toPics('uln', '1234567890', '2345678901'), toPics('niNumber', 'AB123456C', 'CD654321A'), toPics('ethnicity', '31', 32), toPics('sex', 'F', 'M'),
      toPics('llddHealthProblem', '2', 1), toPics('disability', '98', 4),
    ]);
  });

  it('push never blanks OneFile from an empty PICS field (null or spaces), and compares trimmed values', () => {
    const sparse = { ...learner, telephone: null, mobile: '   ', email: ' ada@learners.example ' };
    expect(reconcileLearnerDemographics(sparse, oneFileUser(), 'push')).toEqual({ changes: [], push: {} });
  });

  it('pull never blanks PICS from a field OneFile lacks (null, undefined or spaces)', () => {
    const sparse = oneFileUser({ telephone: null, mobile: undefined as unknown as null, email: '  ' });
    expect(reconcileLearnerDemographics(learner, sparse, 'pull')).toEqual({ changes: [], push: {} });
  });

  it.each([
    ['a code that is not a whole number', { l12: '3.5', l15: 'abc' }],
    ['a code PICS already holds, written differently', { l12: '031' }],
    ['a sex code PICS cannot store', { l13: 'X' }],
    ['a ULN that is not 10 digits', { uln: '12345' }],
    ['a ULN with more than 10 digits', { uln: '12345678901' }],
    ['a ULN with letters around 10 digits', { uln: 'A1234567890' }],
    ['an NI number longer than PICS keeps', { nino: 'AB123456CX' }],
  ])('pull never writes a value PICS cannot store: %s', (_, fields) => {
    expect(reconcileLearnerDemographics(learner, oneFileUser(fields), 'pull').changes).toEqual([]);
  });

  it.each([['M'], ['F'], ['9']])('pull takes the sex code %s', (code) => {
    const sparse = { ...learner, sex: null };
    expect(reconcileLearnerDemographics(sparse, oneFileUser({ l13: code }), 'pull').changes).toEqual([toPics('sex', null, code)]);
  });

  it('pull takes a 9-character NI number (the longest PICS keeps)', () => {
    expect(reconcileLearnerDemographics(learner, oneFileUser({ nino: 'CD654321A' }), 'pull').changes).toEqual([toPics('niNumber', 'AB123456C', 'CD654321A')]);
  });

  it('planSync in pull mode puts learner changes on the PICS side and pushes nothing', () => {
    const plan = planSync(input({ settings: settings({ learnerDemographicsMode: 'pull' }), oneFileLearner: oneFileUser({ firstName: 'Adah', l15: '4' }) }));
    expect(plan.picsChanges).toEqual([toPics('firstName', 'Ada', 'Adah'), toPics('disability', '98', 4)]);
    expect(plan.oneFileChanges).toEqual([]);
    expect(plan.learnerPush).toBeNull();
    expect(isEmptyPlan(plan)).toBe(false);
  });

  it('planSync in push mode puts learner changes on the OneFile side, and an unchanged learner pushes nothing', () => {
    const plan = planSync(input({ settings: settings({ learnerDemographicsMode: 'push' }), oneFileLearner: oneFileUser({ firstName: 'Adah' }) }));
    expect(plan.oneFileChanges).toEqual([toOneFile('FirstName', 'Adah', 'Ada')]);
    expect(plan.picsChanges).toEqual([]);
    expect(planSync(input({ settings: settings({ learnerDemographicsMode: 'push' }), oneFileLearner: oneFileUser() })).learnerPush).toBeNull();
  });

  it('planSync with the OneFile learner not read leaves demographics alone, whatever the mode', () => {
    expect(isEmptyPlan(planSync(input({ settings: settings({ learnerDemographicsMode: 'push' }), oneFileLearner: null })))).toBe(true);
  });
});

describe('D7 officer demographics: every field, both ways', () => {
  const o = officer(2, { forenames: 'Tom', surname: 'Smith', email: 'tom@x.example', telephone: '0161 1', mobile: '07700 1' });
  const fromOneFile = oneFileUser({ firstName: 'Thomas', lastName: 'Smyth', email: 'thomas@x.example', telephone: '0161 2', mobile: '07700 2' });
  const row = (field: string, oldValue: string | null, newValue: string, direction: string) => ({ table: 'officer', rowId: 2, field, oldValue, newValue, direction, rule: 'D7' });

  it('push sends every differing field', () => {
    expect(reconcileOfficerDemographics(o, fromOneFile, 'push')).toEqual({
      push: { FirstName: 'Tom', LastName: 'Smith', Email: 'tom@x.example', Telephone: '0161 1', MobileNumber: '07700 1' },
      changes: [
        row('FirstName', 'Thomas', 'Tom', 'to_eportfolio'), row('LastName', 'Smyth', 'Smith', 'to_eportfolio'), row('Email', 'thomas@x.example', 'tom@x.example', 'to_eportfolio'),
        row('Telephone', '0161 2', '0161 1', 'to_eportfolio'), row('MobileNumber', '07700 2', '07700 1', 'to_eportfolio'),
      ],
    });
  });

  it('pull takes every differing field, cut to what PICS keeps (100 characters)', () => {
    const long = 'T'.repeat(150);
    expect(reconcileOfficerDemographics(o, { ...fromOneFile, firstName: long }, 'pull')).toEqual({
      push: {},
      changes: [
        row('forenames', 'Tom', 'T'.repeat(100), 'to_pics'), row('surname', 'Smith', 'Smyth', 'to_pics'), row('email', 'tom@x.example', 'thomas@x.example', 'to_pics'),
        row('telephone', '0161 1', '0161 2', 'to_pics'), row('mobile', '07700 1', '07700 2', 'to_pics'),
      ],
    });
  });

  it('push never blanks OneFile, pull never blanks PICS', () => {
    const blankOfficer = officer(2, { forenames: 'Tom', surname: 'Smith', email: null, telephone: null, mobile: null });
    const blankOneFile = oneFileUser({ firstName: 'Tom', lastName: 'Smith', email: null, telephone: null, mobile: null });
    expect(reconcileOfficerDemographics(blankOfficer, { ...blankOneFile, email: 'tom@x.example' }, 'push')).toEqual({ changes: [], push: {} });
    expect(reconcileOfficerDemographics({ ...blankOfficer, email: 'tom@x.example' }, blankOneFile, 'pull')).toEqual({ changes: [], push: {} });
  });

  it('nothing without the OneFile user, nor in mode none', () => {
    expect(reconcileOfficerDemographics(o, null, 'push')).toEqual({ changes: [], push: {} });
    expect(reconcileOfficerDemographics(o, null, 'pull')).toEqual({ changes: [], push: {} });
    expect(reconcileOfficerDemographics(o, fromOneFile, 'none')).toEqual({ changes: [], push: {} });
  });

  it('planSync carries each linked officer’s update', () => {
    const plan = planSync(input({ settings: settings({ officerDemographicsMode: 'push' }), officers: [{ officer: o, oneFileId: 122762, oneFile: { ...fromOneFile, lastName: 'Smith', email: 'tom@x.example', telephone: '0161 1', mobile: '07700 1' } }] }));
    expect(plan.officerUpdates).toEqual([{ officerId: 2, oneFileId: 122762, push: { FirstName: 'Tom' }, changes: [row('FirstName', 'Thomas', 'Tom', 'to_eportfolio')] }]);
  });
});

describe('D7 organisation demographics: every field, both ways', () => {
  const org = {
    id: 7, ident: 'E0007', name: 'Acme Ltd', email: 'hr@acme.example', telephone: '0161 000', website: 'https://acme.example', address1: '1 Road',
    address2: 'Town', address3: null, address4: null, address5: null, postcode: 'M1 1AA', edrsNumber: null, ePortfolioId: '18928',
  };
  const placement = { id: 18928, name: 'ACME Limited', misId: null, address: 'Old\r\nPlace', email: 'jobs@acme.example', telephone: '0161 999', web: 'https://acme.test' };
  const row = (field: string, oldValue: string | null, newValue: string, direction: string) => ({ table: 'organisation', rowId: 7, field, oldValue, newValue, direction, rule: 'D7' });

  it('push sends every differing field and the address', () => {
    expect(reconcileOrganisationDemographics(org, placement, 'push')).toEqual({
      push: { Name: 'Acme Ltd', Email: 'hr@acme.example', Telephone: '0161 000', Web: 'https://acme.example', Address: '1 Road\nTown\nM1 1AA' },
      changes: [
        row('Name', 'ACME Limited', 'Acme Ltd', 'to_eportfolio'), row('Email', 'jobs@acme.example', 'hr@acme.example', 'to_eportfolio'),
        row('Telephone', '0161 999', '0161 000', 'to_eportfolio'), row('Web', 'https://acme.test', 'https://acme.example', 'to_eportfolio'),
        row('Address', 'Old\r\nPlace', '1 Road\nTown\nM1 1AA', 'to_eportfolio'),
      ],
    });
  });

  it('pull takes every differing field, cut to what PICS keeps (200 characters), and leaves the address lines alone', () => {
    const long = 'N'.repeat(250);
    expect(reconcileOrganisationDemographics(org, { ...placement, name: long }, 'pull')).toEqual({
      push: {},
      changes: [
        row('name', 'Acme Ltd', 'N'.repeat(200), 'to_pics'), row('email', 'hr@acme.example', 'jobs@acme.example', 'to_pics'),
        row('telephone', '0161 000', '0161 999', 'to_pics'), row('website', 'https://acme.example', 'https://acme.test', 'to_pics'),
      ],
    });
  });

  it('push sends no address OneFile already holds (CRLF or LF), and none from a PICS organisation without one', () => {
    const same = { ...placement, name: 'Acme Ltd', email: 'hr@acme.example', telephone: '0161 000', web: 'https://acme.example' };
    expect(reconcileOrganisationDemographics(org, { ...same, address: '1 Road\r\nTown\r\nM1 1AA' }, 'push')).toEqual({ changes: [], push: {} });
    const noAddress = { ...org, address1: null, address2: ' ', postcode: null };
    expect(reconcileOrganisationDemographics(noAddress, same, 'push')).toEqual({ changes: [], push: {} });
  });

  it('push of an address to a placement read without one records no old value', () => {
    const same = { id: 18928, name: 'Acme Ltd', misId: null, email: 'hr@acme.example', telephone: '0161 000', web: 'https://acme.example' };
    expect(reconcileOrganisationDemographics(org, same, 'push').changes).toEqual([row('Address', null, '1 Road\nTown\nM1 1AA', 'to_eportfolio')]);
  });

  it('nothing without the OneFile placement, nor in mode none; a pull never blanks PICS', () => {
    expect(reconcileOrganisationDemographics(org, null, 'push')).toEqual({ changes: [], push: {} });
    expect(reconcileOrganisationDemographics(org, null, 'pull')).toEqual({ changes: [], push: {} });
    expect(reconcileOrganisationDemographics(org, placement, 'none')).toEqual({ changes: [], push: {} });
    expect(reconcileOrganisationDemographics(org, { id: 18928, name: 'Acme Ltd', misId: null }, 'pull')).toEqual({ changes: [], push: {} });
  });

  it('planSync carries the employer update', () => {
    const plan = planSync(input({ settings: settings({ organisationDemographicsMode: 'pull' }), organisation: { organisation: org, placementId: 18928, oneFile: { ...placement, email: 'hr@acme.example', telephone: '0161 000', web: 'https://acme.example' } } }));
    expect(plan.organisationUpdate).toEqual({ organisationId: 7, placementId: 18928, push: {}, changes: [row('name', 'Acme Ltd', 'ACME Limited', 'to_pics')] });
  });
});

describe('D8 edge cases', () => {
  it('no officer or employer id resolved: nothing pushed, whatever was pushed before', () => {
    const { patch, changes } = planDefaultLinks(settings(), 42, { mainOfficerOneFileId: null, employerPlacementId: null, lastPushed: { defaultAssessorId: 1, placementId: 2 } });
    expect({ patch, changes }).toEqual({ patch: {}, changes: [] });
  });

  it('the change is audited on the learner, to OneFile', () => {
    const { changes } = planDefaultLinks(settings(), 42, { mainOfficerOneFileId: 5, employerPlacementId: 6, lastPushed: { defaultAssessorId: null, placementId: null } });
    expect(changes).toEqual([
      { table: 'learner', rowId: 42, field: 'DefaultAssessorID', oldValue: null, newValue: 5, direction: 'to_eportfolio', rule: 'D8' },
      { table: 'learner', rowId: 42, field: 'PlacementID', oldValue: null, newValue: 6, direction: 'to_eportfolio', rule: 'D8' },
    ]);
  });
});

describe('E7/D5 finding an earlier attempt\'s upload', () => {
  it('takes the first unclaimed review at exactly that time, once', () => {
    const at = Date.parse('2026-12-10T10:00:00.000Z');
    const rows = [
      { id: 1, learnerId: 900, scheduledFor: '2026-12-10T11:00:00.000Z', full: null },
      { id: 2, learnerId: 900, scheduledFor: null, full: null },
      { id: 3, learnerId: 900, scheduledFor: '2026-12-10T10:00:00.000Z', full: null },
      { id: 4, learnerId: 900, scheduledFor: '2026-12-10T10:00:00Z', full: null },
    ];
    expect(takeReviewAt(rows, at, new Set([3]))).toBe(4);
    expect(takeReviewAt(rows, at, new Set([3]))).toBeNull();
    expect(rows.map((r) => r.id)).toEqual([1, 2, 3]);
  });
});

describe('D2 and D7 compare trimmed values on both sides', () => {
  it('D2: OneFile’s value with spaces around it is the value PICS holds', () => {
    const plan = planSync(withQualification(learnerQualification(1, 10, { learningAimId: 7, registrationNumber: 'R1' }), aim(7, { registrationNumber: ' R1 ' })));
    expect(isEmptyPlan(plan)).toBe(true);
  });

  it('D7: an organisation push never pulls a value PICS lacks into PICS', () => {
    const org = {
      id: 7, ident: 'E0007', name: 'Acme Ltd', email: null, telephone: null, website: null, address1: null,
      address2: null, address3: null, address4: null, address5: null, postcode: null, edrsNumber: null, ePortfolioId: '18928',
    };
    expect(reconcileOrganisationDemographics(org, { id: 18928, name: 'Acme Ltd', misId: null, email: 'hr@acme.example', web: 'https://acme.example' }, 'push')).toEqual({ changes: [], push: {} });
  });
});
