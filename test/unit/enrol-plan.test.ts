import { describe, expect, it } from '@jest/globals';
import { chooseClassroomName, planEnrol, type EnrolDecision, type EnrolInput, type EnrolPlan } from '../../src/rules/enrol-plan.js';
import { choosePlacement } from '../../src/rules/placement.js';
import { selectReviewsForFirstSync, selectReviewsForUpload } from '../../src/rules/review-selection.js';
import { graph, learnerQualification, officer, placement, review, settings } from '../helpers/builders.js';

const TODAY = '2026-11-23';

function input(overrides: Partial<EnrolInput> = {}): EnrolInput {
  return { graph: graph(), settings: settings(), links: new Map(), today: TODAY, ...overrides };
}

function planOf(decision: EnrolDecision): EnrolPlan {
  if (decision.kind !== 'plan') throw new Error(`expected a plan, got ${JSON.stringify(decision)}`);
  return decision.plan;
}

function problemsOf(decision: EnrolDecision): string[] {
  if (decision.kind !== 'invalid') throw new Error(`expected problems, got ${decision.kind}`);
  return decision.problems.map((p) => p.message);
}

describe('E1 learner fields', () => {
  it('maps every field with OneFile date formats, MISID = ident, ILR codes as strings', () => {
    expect(planOf(planEnrol(input())).learner).toEqual({
      OrganisationID: 5740, Role: 1, FirstName: 'Ada', LastName: 'Lovelace', Email: 'ada@learners.example',
      Telephone: '0161 496 0000', MobileNumber: '07700 900000', DOB: '2001-04-02T00:00:00.000Z', ULN: '1234567890',
      NINO: 'AB123456C', StartOn: '2026-01-05T00:00:00.000Z', PlannedEndDate: '2027-01-05T00:00:00.000Z',
      L12: '31', L13: 'F', L15: '98', MISID: 'L0042',
    });
  });

  it('blank optional fields go as null, never as empty strings', () => {
    const plan = planOf(planEnrol(input({ graph: graph({ learner: { telephone: '  ', uln: null, ethnicity: null, birth_date: null } }) })));
    expect(plan.learner).toMatchObject({ Telephone: null, ULN: null, L12: null, DOB: null });
  });

  it('uses the organisation the user chose over the settings', () => {
    expect(planOf(planEnrol(input({ choices: { organisationId: 6000 } }))).organisationId).toBe(6000);
  });
});

describe('E7 a learner already in OneFile is refused', () => {
  it('refuses with a clear reason', () => {
    const decision = planEnrol(input({ graph: graph({ learner: { onefile_id: 777 } }) }));
    expect(decision).toEqual({ kind: 'refused', reason: expect.stringContaining('learner L0042 already has OneFile id 777') });
  });
});

describe('E8 bad input gets a clear answer', () => {
  it.each([
    [{ email: null }, 'learner L0042 has no email'],
    [{ email: 'not-an-email' }, "learner L0042 has an email address that is not valid: it has no '@'"],
    [{ main_officer_id: null }, 'learner L0042 has no main officer'],
    [{ main_officer_id: 99 }, "learner L0042's main officer #99 does not exist"],
    [{ uln: '12345' }, 'learner L0042 has a ULN that is not 10 digits'],
    [{ ni_number: 'XX12' }, 'learner L0042 has an NI number that is not valid: it must be 9 characters without spaces: two prefix letters, six digits and a suffix letter A–D'],
    // Two letters, six digits, A–D, which the old message named: the rule it breaks is HMRC's never-issued prefixes.
    [{ ni_number: 'GB123456A' }, "learner L0042 has an NI number that is not valid: prefix 'GB' is never issued by HMRC"],
    [{ ni_number: 'TN010190A' }, "learner L0042 has an NI number that is not valid: prefix 'TN' marks a temporary number, which is not accepted: record the learner's permanent NI number"],
    [{ ni_number: 'AO123456A' }, "learner L0042 has an NI number that is not valid: its second letter 'O' is never used by HMRC (the second letter is never D, F, I, O, Q, U or V)"],
    [{ sex: 'Q' }, 'learner L0042 has a sex code OneFile does not accept: it takes M, F or 9'],
    [{ birth_date: '2099-01-01' }, 'learner L0042 has a birth date of today or later: it must be in the past'],
    [{ birth_date: '1850-06-01' }, 'learner L0042 has a birth date before 1900: it must be 1900 or later'],
    [{ start_date: '10000-01-01', expected_end_date: null }, 'learner L0042 has a start date 10000-01-01 that is not a calendar date in YYYY-MM-DD form'],
    [{ start_date: '2026-05-01', expected_end_date: '2026-01-01' }, 'learner L0042 has a planned end date 2026-01-01 before the start date 2026-05-01'],
    [{ first_name: '  ' }, 'learner L0042 has no first name'],
  ])('%j → %s', (learner, message) => {
    expect(problemsOf(planEnrol(input({ graph: graph({ learner }) })))).toContain(message);
  });

  it('no placement', () => {
    expect(problemsOf(planEnrol(input({ graph: graph({ placements: [] }) })))).toContain('learner L0042 has no placement');
  });

  it('no classroom and no default', () => {
    const messages = problemsOf(planEnrol(input({ settings: settings({ defaultClassroomName: null }) })));
    expect(messages[0]).toMatch(/learner L0042 has no classroom/);
  });

  it('no OneFile organisation', () => {
    expect(problemsOf(planEnrol(input({ settings: settings({ organisationId: null }) })))).toContain(
      'no OneFile organisation: choose one, or set it in the OneFile settings',
    );
  });

  it('an unlinked officer without email cannot be created', () => {
    const officers = new Map([[1, officer(1, { email: null })]]);
    expect(problemsOf(planEnrol(input({ graph: graph({ officers }) })))).toContain(
      'officer O0001 is not linked to OneFile and has no email, which OneFile needs to create the assessor',
    );
  });

  it('an Other System ID that is not a OneFile id', () => {
    const officers = new Map([[1, officer(1, { other_system_id: 'abc-def' })]]);
    expect(problemsOf(planEnrol(input({ graph: graph({ officers }) })))[0]).toBe('officer O0001 has Other System ID "abc-def", which is not a OneFile id (a positive whole number)');
  });

  it('no message repeats a personal value (NI number, email, date of birth, sex)', () => {
    const learner = { ni_number: 'GB123456A', email: 'jo.bloggs(at)example.com', birth_date: '2099-01-01', sex: 'Q' };
    const text = problemsOf(planEnrol(input({ graph: graph({ learner }) }))).join('\n');
    for (const value of ['123456', 'jo.bloggs', '2099', '"Q"']) expect(text).not.toContain(value);
  });

  it('reports every problem at once', () => {
    expect(problemsOf(planEnrol(input({ graph: graph({ learner: { email: null, main_officer_id: null }, placements: [] }) }))).length).toBe(3);
  });
});

describe('E5 placement choice', () => {
  it('takes the latest placement of type P', () => {
    const chosen = choosePlacement([
      placement(1, { start_date: '2025-01-01' }),
      placement(2, { start_date: '2026-03-01', placement_type: 'S' }),
      placement(3, { start_date: '2025-09-01' }),
    ]);
    expect(chosen?.id).toBe(3);
  });

  it('else the latest of any type', () => {
    const chosen = choosePlacement([
      placement(1, { start_date: '2025-01-01', placement_type: 'S' }),
      placement(2, { start_date: '2026-03-01', placement_type: 'W' }),
    ]);
    expect(chosen?.id).toBe(2);
  });

  it('breaks a tie on start date by the newer row', () => {
    expect(choosePlacement([placement(4), placement(9)])?.id).toBe(9);
  });

  it('matches the employer by the OneFile id in Additional ID', () => {
    const linked = placement(1);
    linked.organisation!.additional_id = '18928';
    expect(planOf(planEnrol(input({ graph: graph({ placements: [linked] }) }))).employer).toMatchObject({ oneFileId: 18928, name: 'Employer 1' });
  });
});

describe('E6 classroom', () => {
  it('from the main tag when S4 is on', () => {
    expect(chooseClassroomName(settings({ classroomFromMainTag: true }), 'Cohort Sept 2026')).toBe('Cohort Sept 2026');
  });
  it('the default when S4 is off', () => {
    expect(chooseClassroomName(settings({ classroomFromMainTag: false }), 'Cohort Sept 2026')).toBe('All Learners');
  });
  it('the default when the learner has no main tag', () => {
    expect(chooseClassroomName(settings({ classroomFromMainTag: true }), null)).toBe('All Learners');
  });
});

describe('E3 review selection', () => {
  it('uploads type N reviews planned after today with attendance Unknown', () => {
    const reviews = [
      review(1, { planned_date: TODAY }), // today is not the future
      review(2, { planned_date: '2026-11-24' }), // tomorrow
      review(3, { planned_date: '2026-11-24', attended: null }), // blank is not Unknown
      review(4, { planned_date: '2026-11-24', review_type: 'P' }), // not normal
      review(5, { planned_date: '2026-11-24', onefile_system_id: 9 }), // already uploaded
    ];
    expect(selectReviewsForUpload(reviews, TODAY).map((r) => r.id)).toEqual([2]);
  });

  it('end time = start + 1 h; UK local time to UTC; visit type from S7', () => {
    const plan = planOf(planEnrol(input({ graph: graph({ reviews: [review(2, { planned_date: '2026-12-01', planned_time: '14:30:00' })] }), settings: settings({ visitType: 'face_to_face' }) })));
    expect(plan.reviews).toEqual([{ reviewId: 2, assessorOfficerId: 1, scheduledFor: '2026-12-01T14:30:00.000Z', endTime: '2026-12-01T15:30:00.000Z', visitTypeId: 1 }]);
  });

  it('review assessor falls back to the main officer', () => {
    const plan = planOf(planEnrol(input({ graph: graph({ reviews: [review(2, { officer_id: 3 }), review(3, { officer_id: null })] }) })));
    expect(plan.reviews.map((r) => r.assessorOfficerId)).toEqual([3, 1]);
  });

  it('no reviews when S6 is off', () => {
    expect(planOf(planEnrol(input({ graph: graph({ reviews: [review(2)] }), settings: settings({ uploadReviews: false }) }))).reviews).toEqual([]);
  });

  it('D11 first sync: normal reviews with blank attendance and no actual date, whatever the date', () => {
    const reviews = [
      review(1, { attended: null, planned_date: '2025-01-01' }),
      review(2, { attended: '', planned_date: '2027-01-01' }),
      review(3, { attended: 'U' }),
      review(4, { attended: null, actual_date: '2025-01-01' }),
      review(5, { attended: null, review_type: 'P' }),
    ];
    expect(selectReviewsForFirstSync(reviews).map((r) => r.id)).toEqual([1, 2]);
  });
});

describe('E2 qualifications', () => {
  const links = new Map([
    [10, [{ standardId: 500, title: 'A [ST10]' }]],
    [11, [{ standardId: 501, title: 'B1 [ST11]' }, { standardId: 502, title: 'B2 [ST11]' }]],
  ]);

  it('uploads linked qualifications with every field and reports the rest as not linked', () => {
    const plan = planOf(planEnrol(input({
      links,
      graph: graph({ qualifications: [
        learnerQualification(1, 10, { registration_number: 'R1', registration_date: '2026-02-01', certificate_received_date: '2026-09-09', claimed_date: '2026-08-01', assessor_officer_id: 2 }),
        learnerQualification(2, 12),
      ] }),
    })));
    expect(plan.aims).toEqual([{
      learnerQualificationId: 1, qualificationTitle: 'Qualification 10', standardId: 500, leadAssessorOfficerId: 2,
      fields: {
        StartDate: '2026-01-05T00:00:00.000Z', PlannedEnd: '2027-01-05T00:00:00.000Z', RegistrationNumber: 'R1',
        RegistrationDate: '2026-02-01T00:00:00.000Z', AchievedDate: null, ClaimedDate: '2026-08-01T00:00:00.000Z',
        CertificateAppliedDate: null, CertificateReceivedDate: '2026-09-09T00:00:00.000Z',
      },
    }]);
    expect(plan.notLinked).toEqual([{ learnerQualificationId: 2, title: 'Qualification 12', reason: 'not available in OneFile' }]);
  });

  it('asks for a pathway choice when several standards match (Q2), and honours the choice', () => {
    const lq = learnerQualification(1, 11);
    expect(problemsOf(planEnrol(input({ links, graph: graph({ qualifications: [lq] }) })))[0]).toMatch(/has 2 OneFile pathways: choose one of 501/);
    expect(planOf(planEnrol(input({ links, graph: graph({ qualifications: [lq] }), choices: { pathways: { 11: 502 } } }))).aims[0]?.standardId).toBe(502);
    expect(problemsOf(planEnrol(input({ links, graph: graph({ qualifications: [lq] }), choices: { pathways: { 11: 999 } } })))[0]).toMatch(/999 is not a pathway/);
  });

  it('never plans two learning aims of one standard', () => {
    const plan = planOf(planEnrol(input({ links, graph: graph({ qualifications: [learnerQualification(1, 10), learnerQualification(2, 10)] }) })));
    expect(plan.aims.map((a) => a.learnerQualificationId)).toEqual([1]);
    expect(plan.notLinked[0]?.reason).toMatch(/already uploaded/);
  });
});

describe('E4 officers', () => {
  const links = new Map([[10, [{ standardId: 500, title: 'A' }]], [11, [{ standardId: 501, title: 'B' }]]]);

  it('sends the main officer, qualification assessors and review officers once each', () => {
    const plan = planOf(planEnrol(input({
      links,
      graph: graph({
        qualifications: [learnerQualification(1, 10, { assessor_officer_id: 1 }), learnerQualification(2, 11, { assessor_officer_id: 2 })],
        reviews: [review(5, { officer_id: 2 }), review(6, { officer_id: 3 }), review(7, { officer_id: 1 })],
      }),
    })));
    expect(plan.officers.map((o) => [o.officerId, o.reasons])).toEqual([
      [1, ['main']], [2, ['qualification-assessor', 'review-officer']], [3, ['review-officer']],
    ]);
  });

  it('adds the officers in the S11 roles and assigns them as additional users', () => {
    const plan = planOf(planEnrol(input({
      settings: settings({ additionalAssessorRoles: ['Mentor', 'Internal Verifier'] }),
      graph: graph({ roles: [{ officerId: 1, role: 'Training Adviser' }, { officerId: 2, role: 'Mentor' }, { officerId: 3, role: 'Careers Adviser' }, { officerId: 1, role: 'Mentor' }] }),
    })));
    expect(plan.additionalOfficerIds).toEqual([2]);
    expect(plan.officers.map((o) => o.officerId)).toEqual([1, 2]);
  });

  it('uses the OneFile id in Other System ID for linked officers', () => {
    const officers = new Map([[1, officer(1, { other_system_id: '122762', email: null })]]);
    expect(planOf(planEnrol(input({ graph: graph({ officers }) }))).officers[0]).toMatchObject({ officerId: 1, oneFileId: 122762 });
  });
});
