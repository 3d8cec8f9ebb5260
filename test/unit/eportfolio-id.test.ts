import { describe, expect, it } from '@jest/globals';
import { ePortfolioIdOf, parseEPortfolioId } from '../../src/domain/eportfolio-id.js';

// E4/E5, A4: the ePortfolio id an officer (Other System ID) or organisation (Additional ID) carries in PICS —
// a OneFile user or placement id, a Smart Assessor employer id.
describe('an ePortfolio id kept in a PICS text column', () => {
  it.each([
    [null, null], ['', null], ['   ', null], ['42', 42], [' 42 ', 42],
    ['0', 'invalid'], ['-3', 'invalid'], ['4.5', 'invalid'], ['12abc', 'invalid'], ['1e3x', 'invalid'],
    // More than a JavaScript number holds exactly: not the id PICS holds, and no client would send it.
    ['9007199254740993', 'invalid'],
  ] as const)('%j → %j', (value, expected) => {
    expect(parseEPortfolioId(value)).toBe(expected);
    expect(ePortfolioIdOf(value)).toBe(expected === 'invalid' ? null : expected);
  });
});
