import { describe, expect, it } from '@jest/globals';
import { matchEmployer, matchLearner } from '../../src/eportfolio/smartassessor/match.js';
import type { SaEmployer, SaLearner } from '../../src/smartassessor/types.js';

// Look-before-create over Smart Assessor's bulk reads: ours is taken, a likely twin is taken or refused,
// nothing is ever created twice.

const employer = (id: number, overrides: Partial<SaEmployer> = {}): SaEmployer => ({
  smartAssessorId: id, name: `Employer ${id}`, edrsNumber: null, postcode: null, misId: null, ...overrides,
});
const learner = (id: string, overrides: Partial<SaLearner> = {}): SaLearner => ({
  smartAssessorId: id, misId: null, uln: null, givenNames: 'A', familyName: 'B', ...overrides,
});

describe('employers', () => {
  const record = { misId: 'E0003', name: 'Cutting Edge Salons', edrsNumber: '100000003' };

  it('ours (our MIS id, from an attempt that lost its answer) is taken', () => {
    expect(matchEmployer([employer(7001), employer(7005, { misId: ' e0003 ' })], record)).toEqual({ kind: 'found', id: 7005, by: 'mis-id' });
  });

  it('one with the same EDRS number is the same employer', () => {
    expect(matchEmployer([employer(7002, { edrsNumber: '100000003', name: 'Cutting Edge (Leeds)' })], record)).toEqual({ kind: 'found', id: 7002, by: 'edrs' });
  });

  it('a same-named one that cannot be told apart is refused, never duplicated', () => {
    const m = matchEmployer([employer(7003, { name: 'cutting edge salons' })], record);
    expect(m).toEqual({ kind: 'conflict', message: expect.stringContaining("already has an employer named 'Cutting Edge Salons' (7003)") });
  });

  it('a same-named one with another EDRS number is another employer: create', () => {
    expect(matchEmployer([employer(7003, { name: 'Cutting Edge Salons', edrsNumber: '999' })], record)).toEqual({ kind: 'none' });
  });

  it('two with our MIS id, or two with one EDRS number, are reported naming both', () => {
    expect(matchEmployer([employer(1, { misId: 'E0003' }), employer(2, { misId: 'E0003' })], record)).toEqual({ kind: 'conflict', message: expect.stringContaining('(1, 2)') });
    expect(matchEmployer([employer(1, { edrsNumber: '100000003' }), employer(2, { edrsNumber: '100000003' })], record)).toEqual({ kind: 'conflict', message: expect.stringContaining('(1, 2)') });
  });

  it('nothing like it: create', () => {
    expect(matchEmployer([employer(7001, { name: 'Other Ltd', edrsNumber: '1' })], record)).toEqual({ kind: 'none' });
  });
});

describe('learners', () => {
  const record = { misId: 'L0002', uln: '1234567890' };

  it('ours is taken', () => {
    expect(matchLearner([learner('g1', { misId: 'L0002', uln: '1234567890' })], record)).toEqual({ kind: 'found', id: 'g1', by: 'mis-id' });
  });

  it('one ULN, another MIS id (or none): refused with how to link by hand; the ULN is not in the message', () => {
    const m = matchLearner([learner('g2', { uln: '1234567890' })], record);
    expect(m).toEqual({ kind: 'conflict', message: "Smart Assessor already holds a learner with this learner's ULN (g2): set the learner's Smart Assessor ID by hand instead of enrolling again" });
  });

  it('two with our MIS id are reported', () => {
    expect(matchLearner([learner('g1', { misId: 'L0002' }), learner('g3', { misId: 'L0002' })], record).kind).toBe('conflict');
  });

  it('none: create', () => {
    expect(matchLearner([learner('g1', { misId: 'L0001', uln: '1111111111' })], record)).toEqual({ kind: 'none' });
    expect(matchLearner([learner('g1', { uln: '1234567890' })], { misId: 'L0002' })).toEqual({ kind: 'none' });
  });
});
