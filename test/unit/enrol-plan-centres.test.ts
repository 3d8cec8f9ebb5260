import { describe, expect, it } from '@jest/globals';
import { planEnrol, type CentreKnowledge, type EnrolDecision, type EnrolInput } from '../../src/rules/enrol-plan.js';
import { graph, officer, placement, settings } from '../helpers/builders.js';

// E4/E5 in multi-centre mode (issue 19): MIS value = PICS ident is the match key, Other System ID and Additional ID
// name no centre, and two assessors with one MIS value in the centre are reported with both ids.

const multi = settings({ multiCentre: true });
const nobody: CentreKnowledge = { linkedOfficers: new Set(), assessorsByMis: new Map() };

function plan(overrides: Partial<EnrolInput> = {}): EnrolDecision {
  return planEnrol({ graph: graph(), settings: multi, links: new Map(), today: '2026-11-23', centre: nobody, ...overrides });
}

const problems = (d: EnrolDecision) => (d.kind === 'invalid' ? d.problems : []);

describe('multi-centre enrol plan (E4, E5)', () => {
  it('ignores Other System ID and Additional ID, which hold no centre: the officer and employer are matched in the centre', () => {
    const g = graph({
      officers: new Map([[1, officer(1, { ePortfolioId: '122762' })]]),
      placements: [placement(1, { organisation: { ...placement(1).organisation!, ePortfolioId: 'not-an-id' } })],
    });
    const d = plan({ graph: g });
    expect(d.kind).toBe('plan');
    if (d.kind !== 'plan') return;
    expect(d.plan.officers.map((o) => o.oneFileId)).toEqual([null]);
    expect(d.plan.employer.oneFileId).toBeNull();
    // Single-centre, the same ids are PICS's links: kept as they are (and the bad one reported).
    const single = planEnrol({ graph: g, settings: settings(), links: new Map(), today: '2026-11-23' });
    expect(problems(single).map((p) => p.field)).toEqual(['organisation.additional_id']);
  });

  it('an officer or employer without an ident cannot be matched by MIS value: said, with the rule', () => {
    const g = graph({
      officers: new Map([[1, officer(1, { ident: null })]]),
      placements: [placement(1, { organisation: { ...placement(1).organisation!, ident: '  ' } })],
    });
    expect(problems(plan({ graph: g }))).toEqual([
      { field: 'organisation.ident', message: 'organisation #101 has no ident, which multi-centre mode matches the OneFile employer\'s MIS value on (E5)' },
      { field: 'officer.1.ident', message: 'officer #1 has no ident, which multi-centre mode matches the OneFile assessor\'s MIS value on (E4)' },
    ]);
  });

  it('two assessors holding the officer\'s MIS value in the centre: both ids named, archived said, nothing guessed', () => {
    const centre: CentreKnowledge = { linkedOfficers: new Set(), assessorsByMis: new Map([['o0001', [{ id: 11, archived: false }, { id: 12, archived: true }]]]) };
    expect(problems(plan({ centre }))).toEqual([{
      field: 'officer.1',
      message: "main officer O0001 shares OneFile MIS value 'O0001' with assessors 11 and 12 (archived): archive or correct one of them in OneFile",
    }]);
  });

  it('an officer with no email needs none when the centre already has its account (kept, or one MIS match)', () => {
    const g = graph({ officers: new Map([[1, officer(1, { email: null })]]) });
    expect(problems(plan({ graph: g })).map((p) => p.field)).toEqual(['officer.1.email']);
    expect(plan({ graph: g, centre: { ...nobody, linkedOfficers: new Set([1]) } }).kind).toBe('plan');
    expect(plan({ graph: g, centre: { ...nobody, assessorsByMis: new Map([['o0001', [{ id: 11, archived: false }]]]) } }).kind).toBe('plan');
  });
});
