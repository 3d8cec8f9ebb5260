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
    const plan = planOf(planEnrol(input({ graph: graph({ learner: { telephone: '  ', uln: null, ethnicity: null, birthDate: null } }) })));
    expect(plan.learner).toMatchObject({ Telephone: null, ULN: null, L12: null, DOB: null });
  });

  it('uses the organisation the user chose over the settings', () => {
    expect(planOf(planEnrol(input({ choices: { organisationId: 6000 } }))).organisationId).toBe(6000);
  });
});

describe('E7 a learner already in OneFile is refused', () => {
  it('refuses with a clear reason', () => {
    const decision = planEnrol(input({ graph: graph({ learner: { oneFileId: 777 } }) }));
    expect(decision).toEqual({ kind: 'refused', reason: expect.stringContaining('learner L0042 already has OneFile id 777') });
  });
});

describe('E8 bad input gets a clear answer', () => {
  it.each([
    [{ email: null }, 'learner L0042 has no email'],
    [{ email: 'not-an-email' }, "learner L0042 has an email address that is not valid: it has no '@'"],
    [{ mainOfficerId: null }, 'learner L0042 has no main officer'],
    [{ mainOfficerId: 99 }, "learner L0042's main officer #99 does not exist"],
    [{ uln: '12345' }, 'learner L0042 has a ULN that is not 10 digits'],
    [{ niNumber: 'XX12' }, 'learner L0042 has an NI number that is not valid: it must be 9 characters without spaces: two prefix letters, six digits and a suffix letter A–D'],
    // Two letters, six digits, A–D, which the old message named: the rule it breaks is HMRC's never-issued prefixes.
    [{ niNumber: 'GB123456A' }, "learner L0042 has an NI number that is not valid: prefix 'GB' is never issued by HMRC"],
    [{ niNumber: 'TN010190A' }, "learner L0042 has an NI number that is not valid: prefix 'TN' marks a temporary number, which is not accepted: record the learner's permanent NI number"],
    [{ niNumber: 'AO123456A' }, "learner L0042 has an NI number that is not valid: its second letter 'O' is never used by HMRC (the second letter is never D, F, I, O, Q, U or V)"],
    [{ sex: 'Q' }, 'learner L0042 has a sex code OneFile does not accept: it takes M, F or 9'],
    [{ birthDate: '2099-01-01' }, 'learner L0042 has a birth date of today or later: it must be in the past'],
    [{ birthDate: '1850-06-01' }, 'learner L0042 has a birth date before 1900: it must be 1900 or later'],
    [{ startDate: '10000-01-01', expectedEndDate: null }, 'learner L0042 has a start date 10000-01-01 that is not a calendar date in YYYY-MM-DD form'],
    [{ startDate: '2026-05-01', expectedEndDate: '2026-01-01' }, 'learner L0042 has a planned end date 2026-01-01 before the start date 2026-05-01'],
    [{ firstName: '  ' }, 'learner L0042 has no first name'],
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
    const officers = new Map([[1, officer(1, { ePortfolioId: 'abc-def' })]]);
    expect(problemsOf(planEnrol(input({ graph: graph({ officers }) })))[0]).toBe('officer O0001 has Other System ID "abc-def", which is not a OneFile id (a positive whole number)');
  });

  it('no message repeats a personal value (NI number, email, date of birth, sex)', () => {
    const learner = { niNumber: 'GB123456A', email: 'jo.bloggs(at)example.com', birthDate: '2099-01-01', sex: 'Q' };
    const text = problemsOf(planEnrol(input({ graph: graph({ learner }) }))).join('\n');
    for (const value of ['123456', 'jo.bloggs', '2099', '"Q"']) expect(text).not.toContain(value);
  });

  it('reports every problem at once', () => {
    expect(problemsOf(planEnrol(input({ graph: graph({ learner: { email: null, mainOfficerId: null }, placements: [] }) }))).length).toBe(3);
  });
});

describe('E5 placement choice', () => {
  it('takes the latest placement of type P', () => {
    const chosen = choosePlacement([
      placement(1, { startDate: '2025-01-01' }),
      placement(2, { startDate: '2026-03-01', type: 'S' }),
      placement(3, { startDate: '2025-09-01' }),
    ]);
    expect(chosen?.id).toBe(3);
  });

  it('else the latest of any type', () => {
    const chosen = choosePlacement([
      placement(1, { startDate: '2025-01-01', type: 'S' }),
      placement(2, { startDate: '2026-03-01', type: 'W' }),
    ]);
    expect(chosen?.id).toBe(2);
  });

  it('breaks a tie on start date by the newer row', () => {
    expect(choosePlacement([placement(4), placement(9)])?.id).toBe(9);
  });

  it('matches the employer by the OneFile id in Additional ID', () => {
    const linked = placement(1);
    linked.organisation!.ePortfolioId = '18928';
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
      review(1, { plannedDate: TODAY }), // today is not the future
      review(2, { plannedDate: '2026-11-24' }), // tomorrow
      review(3, { plannedDate: '2026-11-24', attended: null }), // blank is not Unknown
      review(4, { plannedDate: '2026-11-24', type: 'P' }), // not normal
      review(5, { plannedDate: '2026-11-24', oneFileId: 9 }), // already uploaded
    ];
    expect(selectReviewsForUpload(reviews, TODAY).map((r) => r.id)).toEqual([2]);
  });

  it('end time = start + 1 h; UK local time to UTC; visit type from S7', () => {
    const plan = planOf(planEnrol(input({ graph: graph({ reviews: [review(2, { plannedDate: '2026-12-01', plannedTime: '14:30:00' })] }), settings: settings({ visitType: 'face_to_face' }) })));
    expect(plan.reviews).toEqual([{ reviewId: 2, assessorOfficerId: 1, scheduledFor: '2026-12-01T14:30:00.000Z', endTime: '2026-12-01T15:30:00.000Z', visitTypeId: 1 }]);
  });

  it('review assessor falls back to the main officer', () => {
    const plan = planOf(planEnrol(input({ graph: graph({ reviews: [review(2, { officerId: 3 }), review(3, { officerId: null })] }) })));
    expect(plan.reviews.map((r) => r.assessorOfficerId)).toEqual([3, 1]);
  });

  it('no reviews when S6 is off', () => {
    expect(planOf(planEnrol(input({ graph: graph({ reviews: [review(2)] }), settings: settings({ uploadReviews: false }) }))).reviews).toEqual([]);
  });

  it('D11 first sync: normal reviews with blank attendance and no actual date, whatever the date', () => {
    const reviews = [
      review(1, { attended: null, plannedDate: '2025-01-01' }),
      review(2, { attended: '', plannedDate: '2027-01-01' }),
      review(3, { attended: 'U' }),
      review(4, { attended: null, actualDate: '2025-01-01' }),
      review(5, { attended: null, type: 'P' }),
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
        learnerQualification(1, 10, { registrationNumber: 'R1', registrationDate: '2026-02-01', certificateReceivedDate: '2026-09-09', claimedDate: '2026-08-01', assessorOfficerId: 2 }),
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
        qualifications: [learnerQualification(1, 10, { assessorOfficerId: 1 }), learnerQualification(2, 11, { assessorOfficerId: 2 })],
        reviews: [review(5, { officerId: 2 }), review(6, { officerId: 3 }), review(7, { officerId: 1 })],
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
    const officers = new Map([[1, officer(1, { ePortfolioId: '122762', email: null })]]);
    expect(planOf(planEnrol(input({ graph: graph({ officers }) }))).officers[0]).toMatchObject({ officerId: 1, oneFileId: 122762 });
  });
});

// Issue 23: the tests below kill the mutants that survived the ones above (test/MUTATION.md). Problems are
// compared whole (field and message): PICSWeb shows the message against the field it names.

function problemList(decision: EnrolDecision): { field: string; message: string }[] {
  if (decision.kind !== 'invalid') throw new Error(`expected problems, got ${decision.kind}`);
  return decision.problems;
}

describe('E8 each problem names its field', () => {
  it.each([
    [{ firstName: ' ' }, { field: 'first_name', message: 'learner L0042 has no first name' }],
    [{ surname: '' }, { field: 'surname', message: 'learner L0042 has no surname' }],
    [{ email: '  ' }, { field: 'email', message: 'learner L0042 has no email' }],
    [{ email: 'not-an-email' }, { field: 'email', message: "learner L0042 has an email address that is not valid: it has no '@'" }],
    [{ uln: '12345' }, { field: 'uln', message: 'learner L0042 has a ULN that is not 10 digits' }],
    [{ uln: '12345678901' }, { field: 'uln', message: 'learner L0042 has a ULN that is not 10 digits' }],
    [{ uln: 'A1234567890' }, { field: 'uln', message: 'learner L0042 has a ULN that is not 10 digits' }],
    [{ niNumber: 'XX12' }, { field: 'ni_number', message: expect.stringMatching(/^learner L0042 has an NI number that is not valid: /) }],
    [{ sex: 'Q' }, { field: 'sex', message: 'learner L0042 has a sex code OneFile does not accept: it takes M, F or 9' }],
    [{ birthDate: '2099-01-01' }, { field: 'birth_date', message: 'learner L0042 has a birth date of today or later: it must be in the past' }],
    [{ startDate: '2026-05-01', expectedEndDate: '2026-01-01' }, { field: 'expected_end_date', message: 'learner L0042 has a planned end date 2026-01-01 before the start date 2026-05-01' }],
    [{ expectedEndDate: '2027-13-01' }, { field: 'expected_end_date', message: 'learner L0042 has a expected end date 2027-13-01 that is not a calendar date in YYYY-MM-DD form' }],
    [{ mainOfficerId: null }, { field: 'main_officer_id', message: 'learner L0042 has no main officer' }],
    [{ mainOfficerId: 99 }, { field: 'main_officer_id', message: "learner L0042's main officer #99 does not exist" }],
  ])('E8: %j', (learner, problem) => {
    expect(problemList(planEnrol(input({ graph: graph({ learner }) })))).toEqual([problem]);
  });

  it('E8: no organisation, no classroom, no placement: each under its own field', () => {
    expect(problemList(planEnrol(input({ settings: settings({ organisationId: null, defaultClassroomName: ' ' }), graph: graph({ placements: [] }) })))).toEqual([
      { field: 'organisation', message: 'no OneFile organisation: choose one, or set it in the OneFile settings' },
      { field: 'placement', message: 'learner L0042 has no placement' },
      { field: 'classroom', message: 'learner L0042 has no classroom: give the learner a main tag (with Classroom From Main Tag on) or set a default classroom name' },
    ]);
  });

  it('E8: accepts what OneFile accepts: sex codes M, F and 9 in any case and spacing, an end on the start day, a ULN with spaces around it, no dates', () => {
    for (const sex of ['M', ' f ', '9']) expect(planEnrol(input({ graph: graph({ learner: { sex } }) })).kind).toBe('plan');
    expect(planEnrol(input({ graph: graph({ learner: { startDate: '2026-05-01', expectedEndDate: '2026-05-01' } }) })).kind).toBe('plan');
    expect(planEnrol(input({ graph: graph({ learner: { uln: ' 1234567890 ' } }) })).kind).toBe('plan');
    expect(planOf(planEnrol(input({ graph: graph({ learner: { startDate: null, expectedEndDate: null } }) }))).learner).toMatchObject({ StartOn: null, PlannedEndDate: null });
  });

  it('E8: a main officer missing gives that one problem, not one per review assigned to no one', () => {
    const decision = planEnrol(input({ graph: graph({ learner: { mainOfficerId: null }, reviews: [review(2)] }) }));
    expect(problemList(decision)).toEqual([{ field: 'main_officer_id', message: 'learner L0042 has no main officer' }]);
  });
});

describe('E5 employer', () => {
  it('E5: the most recent placement by start date, not by row id', () => {
    const chosen = choosePlacement([placement(9, { startDate: '2025-01-01' }), placement(4, { startDate: '2026-03-01' }), placement(6, { startDate: '2024-06-01' })]);
    expect(chosen?.id).toBe(4);
    expect(choosePlacement([placement(2, { startDate: '2026-03-01' }), placement(5, { startDate: '2025-01-01' })])?.id).toBe(2);
  });

  it('E5: a tie on start date goes to the newer row, in whatever order the rows come', () => {
    expect(choosePlacement([placement(9), placement(4)])?.id).toBe(9);
    expect(choosePlacement([placement(4), placement(7, { startDate: '2025-01-01' }), placement(9)])?.id).toBe(9);
  });

  it('E5: no placement at all is null', () => {
    expect(choosePlacement([])).toBeNull();
  });

  it('E8: a placement without an organisation, or an organisation without a name', () => {
    const orphan = { ...placement(3), organisation: null };
    expect(problemList(planEnrol(input({ graph: graph({ placements: [orphan] }) })))).toEqual([{ field: 'placement', message: "learner L0042's placement #3 has no organisation" }]);
    const nameless = placement(3);
    nameless.organisation!.name = ' ';
    expect(problemList(planEnrol(input({ graph: graph({ placements: [nameless] }) })))).toEqual([{ field: 'placement', message: 'organisation E3 has no name' }]);
    nameless.organisation!.ident = null;
    expect(problemList(planEnrol(input({ graph: graph({ placements: [nameless] }) })))).toEqual([{ field: 'placement', message: 'organisation #103 has no name' }]);
  });

  it.each([['0'], ['-5'], ['1.5'], ['abc']])('E8: Additional ID %j is not a OneFile id', (additionalId) => {
    const p = placement(3);
    p.organisation!.ePortfolioId = additionalId;
    p.organisation!.ident = null;
    expect(problemList(planEnrol(input({ graph: graph({ placements: [p] }) })))).toEqual([
      { field: 'organisation.additional_id', message: `organisation #103 has Additional ID "${additionalId}", which is not a OneFile id (a positive whole number)` },
    ]);
  });

  it('E5: the employer is sent by its trimmed name; a blank Additional ID means not linked yet', () => {
    const p = placement(3);
    p.organisation!.name = '  Acme Ltd ';
    p.organisation!.ePortfolioId = ' ';
    expect(planOf(planEnrol(input({ graph: graph({ placements: [p] }) }))).employer).toEqual({ organisationId: 103, ident: 'E3', oneFileId: null, name: 'Acme Ltd', placementId: 3 });
  });
});

describe('E6 classroom names are trimmed', () => {
  it('E6: the main tag and the default, without surrounding spaces', () => {
    expect(chooseClassroomName(settings(), '  Cohort Sept 2026 ')).toBe('Cohort Sept 2026');
    expect(chooseClassroomName(settings({ defaultClassroomName: ' All Learners  ' }), ' ')).toBe('All Learners');
  });
});

describe('E1 values as OneFile takes them', () => {
  it('E1: names, email and sex trimmed; the NI number upper-case; blank codes as null', () => {
    const learner = { firstName: ' Ada ', surname: ' Lovelace ', email: ' ada@learners.example ', sex: ' f ', niNumber: 'ab123456c', disability: null };
    expect(planOf(planEnrol(input({ graph: graph({ learner }) }))).learner).toMatchObject({
      FirstName: 'Ada', LastName: 'Lovelace', Email: 'ada@learners.example', L13: 'F', NINO: 'AB123456C', L15: null,
    });
    expect(planOf(planEnrol(input({ graph: graph({ learner: { sex: null, niNumber: null } }) }))).learner).toMatchObject({ L13: null, NINO: null });
  });
});

describe('E2 edge cases', () => {
  const links = new Map([
    [10, [{ standardId: 500, title: 'A [ST10]' }]],
    [11, [{ standardId: 501, title: 'B1 [ST11]' }, { standardId: 502, title: 'B2 [ST11]' }]],
  ]);

  it('E2/E7: never re-uploads an aim already in OneFile: a qualification with a learning aim is neither sent nor reported', () => {
    const plan = planOf(planEnrol(input({ links, graph: graph({ qualifications: [learnerQualification(1, 10, { learningAimId: 77 }), learnerQualification(2, 10)] }) })));
    expect(plan.aims.map((a) => a.learnerQualificationId)).toEqual([2]);
    expect(plan.notLinked).toEqual([]);
  });

  it('E2: a row without its qualification is reported by qualification id, or as not available when it has none', () => {
    const plan = planOf(planEnrol(input({ links, graph: graph({ qualifications: [
      learnerQualification(1, 12, { qualification: null }),
      learnerQualification(2, 10, { qualificationId: null as unknown as number, qualification: null }),
    ] }) })));
    expect(plan.notLinked).toEqual([
      { learnerQualificationId: 1, title: 'qualification #12', reason: 'not available in OneFile' },
      { learnerQualificationId: 2, title: 'qualification #null', reason: 'not available in OneFile' },
    ]);
  });

  it('Q2: pathway problems name the qualification and list its standards', () => {
    const lq = learnerQualification(1, 11);
    expect(problemList(planEnrol(input({ links, graph: graph({ qualifications: [lq] }) })))).toEqual([
      { field: 'pathway.11', message: '"Qualification 11" has 2 OneFile pathways: choose one of 501 (B1 [ST11]), 502 (B2 [ST11])' },
    ]);
    expect(problemList(planEnrol(input({ links, graph: graph({ qualifications: [lq] }), choices: { pathways: { 11: 999 } } })))).toEqual([
      { field: 'pathway.11', message: 'OneFile standard 999 is not a pathway of "Qualification 11" (choose one of 501, 502)' },
    ]);
  });

  it('Q2: choices without pathways leave single-standard qualifications alone', () => {
    const plan = planOf(planEnrol(input({ links, choices: { organisationId: 6000 }, graph: graph({ qualifications: [learnerQualification(1, 10)] }) })));
    expect(plan.aims.map((a) => a.standardId)).toEqual([500]);
  });

  it('E8: an assessor who does not exist', () => {
    expect(problemList(planEnrol(input({ links, graph: graph({ qualifications: [learnerQualification(1, 10, { assessorOfficerId: 99 })] }) })))).toEqual([
      { field: 'learner_qualification.1.assessor_officer_id', message: '"Qualification 10" names assessor #99, who does not exist' },
    ]);
  });

  it('E2: a date that is not a calendar date is left out rather than sent wrong', () => {
    const plan = planOf(planEnrol(input({ links, graph: graph({ qualifications: [learnerQualification(1, 10, { startDate: '2026-13-01', registrationNumber: undefined as unknown as null })] }) })));
    expect(plan.aims[0]?.fields).toMatchObject({ StartDate: null, RegistrationNumber: null });
  });
});

describe('E3/E8 review problems', () => {
  it('E8: a review officer who does not exist', () => {
    expect(problemList(planEnrol(input({ graph: graph({ reviews: [review(2, { officerId: 99 })] }) })))).toEqual([
      { field: 'review.2.officer_id', message: 'review #2 names officer #99, who does not exist' },
    ]);
  });

  it('E8: a review that would end after the year 9999', () => {
    expect(problemList(planEnrol(input({ graph: graph({ reviews: [review(2, { plannedDate: '9999-12-31', plannedTime: '23:30:00' })] }) })))).toEqual([
      { field: 'review.2.planned_date', message: 'review #2 is planned so late that it would end after the year 9999: correct its planned date' },
    ]);
  });
});

describe('E4 officers in detail', () => {
  const links = new Map([[10, [{ standardId: 500, title: 'A' }]], [11, [{ standardId: 501, title: 'B' }]]]);

  it('E4: each officer once with each reason once, names and email trimmed, in the S11 role as additional', () => {
    const officers = new Map([[1, officer(1)], [2, officer(2, { forenames: ' Tom ', surname: ' Smith ', email: ' tom@x.example ' })], [3, officer(3, { ePortfolioId: '5', email: null })]]);
    const plan = planOf(planEnrol(input({
      links,
      settings: settings({ additionalAssessorRoles: ['mentor'] }),
      graph: graph({
        officers,
        qualifications: [learnerQualification(1, 10, { assessorOfficerId: 2 }), learnerQualification(2, 11, { assessorOfficerId: 2 })],
        roles: [{ officerId: 3, role: 'Mentor' }],
      }),
    })));
    expect(plan.officers).toEqual([
      { officerId: 1, ident: 'O0001', oneFileId: null, firstName: 'Fore1', lastName: 'Sur1', email: 'o1@provider.example', reasons: ['main'] },
      { officerId: 2, ident: 'O0002', oneFileId: null, firstName: 'Tom', lastName: 'Smith', email: 'tom@x.example', reasons: ['qualification-assessor'] },
      { officerId: 3, ident: 'O0003', oneFileId: 5, firstName: 'Fore3', lastName: 'Sur3', email: '', reasons: ['additional'] },
    ]);
  });

  it('E8: officer problems name the officer (by id when it has no ident) and the field', () => {
    const officers = new Map([[1, officer(1, { ident: null, ePortfolioId: '0' })]]);
    expect(problemList(planEnrol(input({ graph: graph({ officers }) })))).toEqual([
      { field: 'officer.1.other_system_id', message: 'officer #1 has Other System ID "0", which is not a OneFile id (a positive whole number)' },
    ]);
    const unlinked = new Map([[1, officer(1, { email: ' ' })]]);
    expect(problemList(planEnrol(input({ graph: graph({ officers: unlinked }) })))).toEqual([
      { field: 'officer.1.email', message: 'officer O0001 is not linked to OneFile and has no email, which OneFile needs to create the assessor' },
    ]);
  });
});

describe('E3/D11 review selection edges', () => {
  it('D11: attendance of spaces is blank; no planned date, or already in OneFile, is never pushed', () => {
    const reviews = [
      review(1, { attended: '  ' }),
      review(2, { attended: null, plannedDate: null }),
      review(3, { attended: null, oneFileId: 40 }),
    ];
    expect(selectReviewsForFirstSync(reviews).map((r) => r.id)).toEqual([1]);
  });

  it('E3: a review without a planned time is scheduled at 09:00 UK time', () => {
    const plan = planOf(planEnrol(input({ graph: graph({ reviews: [review(2, { plannedDate: '2026-12-01', plannedTime: null })] }) })));
    expect(plan.reviews.map((r) => [r.scheduledFor, r.endTime])).toEqual([['2026-12-01T09:00:00.000Z', '2026-12-01T10:00:00.000Z']]);
  });
});
