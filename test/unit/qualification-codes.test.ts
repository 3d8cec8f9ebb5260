import { describe, expect, it } from '@jest/globals';
import { candidateCodes, extractStandardCode, matchQualifications, normaliseCode } from '../../src/rules/qualification-codes.js';

describe('Q1 code extraction', () => {
  it.each([
    ['Team Leader or Supervisor [ST0384]', null, 'ST0384'],
    ['Functional Skills English L2 [603/5057/7]  ', null, '603/5057/7'],
    ['Brackets [in] the middle [ST0001]', null, 'ST0001'],
    ['Diploma in Hairdressing', '60012345', '60012345'],
    ['Has both [ST0002]', 'ST0003', 'ST0003'],
    ['No code at all', null, null],
    ['Empty brackets []', null, null],
    ['Code not at the end [ST0384] v2', null, null],
  ])('%s (Code %s) → %s', (title, code, expected) => {
    expect(extractStandardCode(title, code)).toBe(expected);
  });
});

describe('Q1 code normalisation', () => {
  it.each([
    ['600/1234/5', '60012345'],
    ['st0384 ', 'ST0384'],
    [' 601-5134.9 ', '60151349'],
    ['', null],
    [null, null],
  ])('%s → %s', (code, expected) => {
    expect(normaliseCode(code)).toBe(expected);
  });

  it.each([
    ['ST0384AS', ['ST0384AS', 'ST0384']],
    ['st0072 as', ['ST0072AS', 'ST0072']],
    ['196OP', ['196OP', '196']],
    ['196GW', ['196GW', '196']],
    ['196EP', ['196EP', '196']],
    ['60012345', ['60012345']],
    ['AS', ['AS']], // a bare suffix is not a code plus suffix
  ])('apprenticeship suffixes: %s → %j', (reference, expected) => {
    expect(candidateCodes(reference)).toEqual(expected);
  });
});

describe('Q1/Q2 matching', () => {
  const standards = [
    { id: 1, title: 'Team Leader or Supervisor [ST0384]', code: null },
    { id: 2, title: 'Business Administrator - Finance [ST0070]', code: null },
    { id: 3, title: 'Business Administrator - HR [st0070]', code: null },
    { id: 4, title: 'Diploma in Hairdressing', code: '600/1234/5' },
    { id: 5, title: 'Apprenticeship 196 on-programme [196OP]', code: null },
    { id: 6, title: 'Apprenticeship 196 [196]', code: null },
    { id: 7, title: 'No code', code: null },
  ];

  it('links by code with messy formatting on both sides', () => {
    const [match] = matchQualifications([{ id: 10, vqReference: '6001234/5' }], standards);
    expect(match).toEqual({ qualificationId: 10, standardIds: [4] });
  });

  it('strips the apprenticeship suffix when OneFile shows the bare standard code', () => {
    expect(matchQualifications([{ id: 11, vqReference: 'ST0384AS' }], standards)[0]?.standardIds).toEqual([1]);
  });

  it('prefers an exact match over the suffix-stripped one', () => {
    expect(matchQualifications([{ id: 12, vqReference: '196OP' }], standards)[0]?.standardIds).toEqual([5]);
    expect(matchQualifications([{ id: 13, vqReference: '196EP' }], standards)[0]?.standardIds).toEqual([6]);
  });

  it('keeps every pathway when several standards share the code (Q2)', () => {
    expect(matchQualifications([{ id: 14, vqReference: 'ST0070AS' }], standards)[0]?.standardIds).toEqual([2, 3]);
  });

  it('reports no match, and no match for a missing reference', () => {
    expect(matchQualifications([{ id: 15, vqReference: '500/2345/1' }, { id: 16, vqReference: null }], standards)).toEqual([
      { qualificationId: 15, standardIds: [] },
      { qualificationId: 16, standardIds: [] },
    ]);
  });
});

// Issue 23: edges the tests above left open (test/MUTATION.md).
describe('Q1 edges', () => {
  it('Q1: a blank Code falls back to the title; Code and bracketed codes are trimmed', () => {
    expect(extractStandardCode('Team Leader [ST0384]', '   ')).toBe('ST0384');
    expect(extractStandardCode('Team Leader [ST0384]', ' ST0385 ')).toBe('ST0385');
    expect(extractStandardCode('Team Leader [ ST0384 ]', null)).toBe('ST0384');
  });

  it('Q1: a code of separators only is no code', () => {
    expect(normaliseCode(' / - ')).toBeNull();
    expect(candidateCodes(null)).toEqual([]);
    expect(candidateCodes(' . ')).toEqual([]);
  });

  it('Q1: only a trailing AS/OP/GW/EP is an apprenticeship suffix, and a two-character base still counts', () => {
    expect(candidateCodes('GW1234')).toEqual(['GW1234']);
    expect(candidateCodes('12AS')).toEqual(['12AS', '12']);
  });

  it('Q2: pathways are listed by standard id, whatever order OneFile returned them in', () => {
    const standards = [{ id: 9, title: 'C [ST0070]', code: null }, { id: 3, title: 'A [ST0070]', code: null }, { id: 5, title: 'B [ST0070]', code: null }];
    expect(matchQualifications([{ id: 1, vqReference: 'ST0070' }], standards)[0]?.standardIds).toEqual([3, 5, 9]);
  });
});
