import { describe, expect, it } from '@jest/globals';
import { niNumberProblem } from '../../src/rules/ni-number.js';

describe('E8/A3: an NI number is refused with the HMRC rule it breaks', () => {
  it.each(['AB123456C', 'ab123456c', ' JT010101A ', 'OA123456D', 'CE000000B', 'ZY999999A'])('%s is a number HMRC could issue', (value) => {
    expect(niNumberProblem(value)).toBeNull();
  });

  it.each([
    ['AB12345C', 'it must be 9 characters without spaces: two prefix letters, six digits and a suffix letter A–D'],
    ['AB 12 34 56 C', 'it must be 9 characters without spaces: two prefix letters, six digits and a suffix letter A–D'],
    ['A1234567C', 'it must start with two prefix letters'],
    ['AB12E456C', 'its two prefix letters must be followed by six digits'],
    ['TN010190M', "prefix 'TN' marks a temporary number, which is not accepted: record the learner's permanent NI number"],
    ['GB123456A', "prefix 'GB' is never issued by HMRC"],
    ['bg123456a', "prefix 'BG' is never issued by HMRC"],
    ['KN123456A', "prefix 'KN' is never issued by HMRC"],
    ['NK123456A', "prefix 'NK' is never issued by HMRC"],
    ['NT123456A', "prefix 'NT' is never issued by HMRC"],
    ['ZZ123456A', "prefix 'ZZ' is never issued by HMRC"],
    ['DA123456A', "its first letter 'D' is never used by HMRC (the first letter is never D, F, I, Q, U or V)"],
    ['QQ123456C', "its first letter 'Q' is never used by HMRC (the first letter is never D, F, I, Q, U or V)"],
    ['VA123456A', "its first letter 'V' is never used by HMRC (the first letter is never D, F, I, Q, U or V)"],
    ['AO123456A', "its second letter 'O' is never used by HMRC (the second letter is never D, F, I, O, Q, U or V)"],
    ['AU123456A', "its second letter 'U' is never used by HMRC (the second letter is never D, F, I, O, Q, U or V)"],
    ['AB123456E', 'its last character, the suffix, must be A, B, C or D'],
    ['AB1234567', 'its last character, the suffix, must be A, B, C or D'],
  ])('%s → %s', (value, reason) => {
    expect(niNumberProblem(value)).toBe(reason);
  });

  it('every one of the prefixes BG, GB, KN, NK, NT and ZZ is refused, whose letters the letter rules allow', () => {
    // Each is made of letters HMRC uses, so only the never-issued list refuses it: the message must say so.
    for (const prefix of ['BG', 'GB', 'KN', 'NK', 'NT', 'ZZ']) expect(niNumberProblem(`${prefix}123456A`)).toBe(`prefix '${prefix}' is never issued by HMRC`);
  });

  it('never repeats the number (personal data)', () => {
    for (const value of ['GB123456A', 'TN010190M', 'DA123456A', 'AO123456A', 'AB123456E', 'AB12345C', 'AB12E456C']) {
      const reason = niNumberProblem(value)!;
      expect(reason).not.toContain(value);
      expect(reason).not.toMatch(/\d{2}/); // none of its digits (a lone 9 is "9 characters")
    }
  });
});

describe('NI number edges (issue 23)', () => {
  it('two letters later in the number are not a prefix', () => {
    expect(niNumberProblem('123456ABC')).toBe('it must start with two prefix letters');
  });
});
