import { describe, expect, it } from '@jest/globals';
import {
  currentPlacement, employerRecord, learnerRecord, planSmartAssessorEnrol, type SaEnrolDecision, type SaEnrolPlan,
} from '../../src/eportfolio/smartassessor/plan.js';
import type { SmartAssessorSettings } from '../../src/domain/settings.js';
import { employerToWire, learnerToWire } from '../../src/smartassessor/wire.js';
import { graph, learnerQualification, officer, placement } from '../helpers/builders.js';

// A2–A4 as pure functions: what a Smart Assessor enrol sends for a PICS learner, and what it refuses.

const TODAY = '2026-11-23';

function saSettings(overrides: Partial<SmartAssessorSettings> = {}): SmartAssessorSettings {
  return {
    integrationEnabled: true, baseUrl: 'http://sa.example/smartassessor', username: 'api', password: 'pw', clientKey: 'key',
    sendLearnerWelcomeEmail: false, setStudentIdToLrn: false, ...overrides,
  };
}

const plan = (decision: SaEnrolDecision): SaEnrolPlan => {
  if (decision.kind !== 'plan') throw new Error(`expected a plan, got ${JSON.stringify(decision)}`);
  return decision.plan;
};
const problems = (decision: SaEnrolDecision): string[] => {
  if (decision.kind !== 'invalid') throw new Error(`expected problems, got ${decision.kind}`);
  return decision.problems.map((p) => p.message);
};
const decide = (g = graph(), s = saSettings()) => planSmartAssessorEnrol({ graph: g, settings: s, today: TODAY });

const organisation = {
  id: 501, ident: 'E0501', name: ' Brightwater Logistics Ltd ', email: 'hr@brightwater.example', telephone: '0161 496 0001',
  website: 'https://brightwater.example', address1: 'Unit 4 Canal Park', address2: 'Trafford Park', address3: 'Manchester', address4: 'Greater Manchester',
  address5: 'England', postcode: 'm17 1ab', edrsNumber: '100000001', ePortfolioId: null,
};

describe('A3 learner fields', () => {
  it('ident, names, DOB, ULN, email, four address lines, postcode, NI, phone, mobile — nothing else about the learner', () => {
    const g = graph({ learner: { address1: '12 High Street', address2: 'Salford', address3: 'Manchester', address4: 'Lancs', postcode: 'm5 4wt', niNumber: 'ab123456c' } });
    expect(learnerRecord(g.learner, { sendLearnerWelcomeEmail: true })).toEqual({
      misId: 'L0042', givenNames: 'Ada', familyName: 'Lovelace', dateOfBirth: '2001-04-02', uln: '1234567890', niNumber: 'AB123456C',
      email: 'ada@learners.example', telephone: '0161 496 0000', mobile: '07700 900000', addressLine1: '12 High Street', locality: 'Salford',
      town: 'Manchester', county: 'Lancs', postcode: 'M5 4WT', sendWelcomeEmail: true,
    });
  });

  it('blank fields are left out, never sent empty; sex, ethnicity and dates of the programme are not A3 fields', () => {
    const g = graph({ learner: { telephone: ' ', uln: null, birthDate: null, mobile: '' } });
    const record = learnerRecord(g.learner, { sendLearnerWelcomeEmail: false });
    expect(record).not.toHaveProperty('telephone');
    expect(record).not.toHaveProperty('uln');
    expect(record).not.toHaveProperty('dateOfBirth');
    expect(record).not.toHaveProperty('mobile');
    expect(JSON.stringify(learnerToWire({ ...record, employerSmartAssessorId: 7001 }))).not.toMatch(/Sex|Ethnic|StartDate|L1[2-5]/);
  });

  it('on the wire: the found field names, strings only, DOB as YYYY/MM/DD, the ident as the MIS id', () => {
    const g = graph({ learner: { address1: '12 High Street', postcode: 'M5 4WT' } });
    expect(learnerToWire({ ...learnerRecord(g.learner, { sendLearnerWelcomeEmail: false }), employerSmartAssessorId: 7001 })).toEqual({
      SunesisId: 'L0042', GivenNames: 'Ada', FamilyName: 'Lovelace', DateOfBirth: '2001/04/02', ULN: '1234567890', NINumber: 'AB123456C',
      Email: 'ada@learners.example', TelNumber: '0161 496 0000', Mobile: '07700 900000', HomeAddressLine1: '12 High Street',
      HomeAddressPostCode: 'M5 4WT', EmployerSmartAssessorId: '7001', SendWelcomeEmail: 'false',
    });
  });

  it('the Smart Assessor id is refused for a learner who has one (E7: link by hand)', () => {
    const decision = decide(graph({ learner: { smartAssessorId: '5a1e0000-0000-4000-8000-000000000009' } }));
    expect(decision).toEqual({ kind: 'refused', reason: expect.stringContaining('already has Smart Assessor id 5a1e0000-0000-4000-8000-000000000009') });
  });

  it.each<[string, Parameters<typeof graph>[0], string]>([
    ['no first name', { learner: { firstName: ' ' } }, 'has no first name'],
    ['an invalid email', { learner: { email: 'not-an-email' } }, "learner L0042 has an email address that is not valid: it has no '@'"],
    ['a short ULN', { learner: { uln: '12345' } }, 'ULN that is not 10 digits'],
    ['a bad NI number', { learner: { niNumber: 'XX' } }, 'learner L0042 has an NI number that is not valid: it must be 9 characters'],
    ['an NI number whose prefix HMRC never issues', { learner: { niNumber: 'NK123456B' } }, "learner L0042 has an NI number that is not valid: prefix 'NK' is never issued by HMRC"],
    ['a date of birth in the future', { learner: { birthDate: '2030-01-01' } }, 'learner L0042 has a birth date of today or later: it must be in the past'],
    ['a date of birth before 1900', { learner: { birthDate: '1850-01-01' } }, 'learner L0042 has a birth date before 1900: it must be 1900 or later'],
  ])('%s is a problem to fix first', (_what, g, message) => {
    expect(problems(decide(graph(g))).join('; ')).toContain(message);
  });

  it('no email is fine, unless Send Learner Welcome Email is on', () => {
    expect(decide(graph({ learner: { email: null } })).kind).toBe('plan');
    expect(problems(decide(graph({ learner: { email: null } }), saSettings({ sendLearnerWelcomeEmail: true })))).toEqual([
      'learner L0042 has no email, and Send Learner Welcome Email is on',
    ]);
  });
});

describe('A4 employer from the current placement', () => {
  it('created with name, phone, EDRS number, address (four lines), postcode and website; MIS id = the organisation ident', () => {
    expect(employerRecord(organisation)).toEqual({
      misId: 'E0501', name: 'Brightwater Logistics Ltd', telephone: '0161 496 0001', edrsNumber: '100000001', addressLine1: 'Unit 4 Canal Park',
      addressLine2: 'Trafford Park', town: 'Manchester', county: 'Greater Manchester', postcode: 'M17 1AB', website: 'https://brightwater.example',
    });
    expect(employerToWire(employerRecord(organisation))).toEqual({
      SunesisId: 'E0501', Name: 'Brightwater Logistics Ltd', EdsId: '100000001', AddressLine1: 'Unit 4 Canal Park', AddressLine2: 'Trafford Park',
      AddressTown: 'Manchester', AddressCounty: 'Greater Manchester', AddressPostCode: 'M17 1AB', Telephone: '0161 496 0001', Website: 'https://brightwater.example',
    });
  });

  it('an organisation without an ident still gets a stable MIS id', () => {
    expect(employerRecord({ ...organisation, ident: null }).misId).toBe('PICS-ORG-501');
  });

  it('matched by Additional ID when the organisation holds a Smart Assessor employer id', () => {
    const g = graph({ placements: [placement(1, { organisation: { ...organisation, ePortfolioId: ' 7001 ' } })] });
    expect(plan(decide(g)).employer).toMatchObject({ organisationId: 501, smartAssessorId: 7001 });
  });

  it('an Additional ID that is not a Smart Assessor employer id is a problem', () => {
    const g = graph({ placements: [placement(1, { organisation: { ...organisation, ePortfolioId: 'a55e-guid' } })] });
    expect(problems(decide(g))).toEqual(['organisation E0501 has Additional ID "a55e-guid", which is not a Smart Assessor employer id (a positive whole number)']);
  });

  it('the current placement: a P placement not ended, over a newer ended one; no current one is a problem', () => {
    const ended = placement(2, { startDate: '2026-06-01', endDate: '2026-10-31' });
    const current = placement(1, { startDate: '2026-01-01', endDate: null });
    expect(currentPlacement({ placements: [ended, current] }, TODAY)?.id).toBe(1);
    expect(problems(decide(graph({ placements: [ended] })))).toEqual(['learner L0042 has no current placement: every placement ended before today']);
    expect(problems(decide(graph({ placements: [] })))).toEqual(['learner L0042 has no current placement: it has no placement at all']);
  });
});

describe('A2 main officer', () => {
  it('sent when it has a Smart Assessor id (Other System ID)', () => {
    const g = graph({ officers: new Map([[1, officer(1, { ePortfolioId: 'a55e0000-0000-4000-8000-000000000001' })]]) });
    const p = plan(decide(g));
    expect(p.mainOfficer).toEqual({ officerId: 1, smartAssessorId: 'a55e0000-0000-4000-8000-000000000001' });
    expect(p.learner.assessorSmartAssessorId).toBe('a55e0000-0000-4000-8000-000000000001');
  });

  it('blank → no officer information at all: nothing about any officer in the learner record', () => {
    const g = graph({ officers: new Map([[1, officer(1, { ePortfolioId: '  ' })]]), qualifications: [learnerQualification(10, 5, { assessorOfficerId: 1 })] });
    const p = plan(decide(g));
    expect(p.mainOfficer).toBeNull();
    const wire = learnerToWire({ ...p.learner, employerSmartAssessorId: 7001 });
    expect(Object.keys(wire).filter((k) => /^Assessor|Officer/i.test(k))).toEqual([]);
    expect(JSON.stringify(wire)).not.toMatch(/Fore1|Sur1|o1@provider/);
    expect(p.notes).toContain('main officer O0001 has no Smart Assessor ID (Other System ID): no officer information is sent; use Look Up Smart Assessor ID to link it');
  });

  it('no main officer is not an error for Smart Assessor: the learner goes without officer data', () => {
    const p = plan(decide(graph({ learner: { mainOfficerId: null } })));
    expect(p.mainOfficer).toBeNull();
    expect(p.learner).not.toHaveProperty('assessorSmartAssessorId');
  });

  it('a main officer id that names no officer is a problem', () => {
    expect(problems(decide(graph({ learner: { mainOfficerId: 99 } })))).toEqual(["learner L0042's main officer #99 does not exist"]);
  });
});

describe('what else the plan says', () => {
  it('qualifications are reported as not sent, and settings that cannot apply are noted', () => {
    const p = plan(decide(graph({ qualifications: [learnerQualification(10, 5)] }), saSettings({ setStudentIdToLrn: true })));
    expect(p.notLinked).toEqual([{ learnerQualificationId: 10, title: 'Qualification 5', reason: expect.stringContaining('not sent') }]);
    expect(p.notes.some((n) => n.includes('Set Student ID to LRN'))).toBe(true);
  });
});
