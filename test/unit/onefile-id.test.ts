import { describe, expect, it } from '@jest/globals';
import { oneFileIdOf, parseOneFileId } from '../../src/domain/onefile-id.js';

// E4/E5: the OneFile id an officer (Other System ID) or organisation (Additional ID) carries in PICS.
describe('a OneFile id kept in a PICS text column', () => {
  it.each([
    [null, null], ['', null], ['   ', null], ['42', 42], [' 42 ', 42],
    ['0', 'invalid'], ['-3', 'invalid'], ['4.5', 'invalid'], ['12abc', 'invalid'], ['1e3x', 'invalid'],
  ] as const)('%j → %j', (value, expected) => {
    expect(parseOneFileId(value)).toBe(expected);
    expect(oneFileIdOf(value)).toBe(expected === 'invalid' ? null : expected);
  });
});
