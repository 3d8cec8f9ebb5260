import { describe, expect, it } from '@jest/globals';
import { linksFreshness, linksNote } from '../../src/rules/links-age.js';

const NOW = new Date('2026-11-23T12:00:00Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);

describe('E2: are the qualification links fresh enough for an enrol (links.maxAgeHours)', () => {
  it('never refreshed', () => {
    expect(linksFreshness(null, NOW, 24)).toBe('never');
  });

  it.each([[0, 'fresh'], [23.9, 'fresh'], [24, 'fresh'], [24.01, 'stale'], [200, 'stale']] as const)('%d h old with a 24 h maximum → %s', (age, expected) => {
    expect(linksFreshness(hoursAgo(age), NOW, 24)).toBe(expected);
  });

  it('the maximum age moves the edge', () => {
    expect(linksFreshness(hoursAgo(5), NOW, 4)).toBe('stale');
    expect(linksFreshness(hoursAgo(5), NOW, 6)).toBe('fresh');
  });

  it('the preview note says why the plan may change, and nothing when the links are fresh', () => {
    expect(linksNote('fresh', hoursAgo(1), 24)).toBeNull();
    expect(linksNote('never', null, 24)).toBe(
      'qualification links have never been refreshed for this OneFile organisation: the enrol will refresh them first, so the learning aims and the qualifications not linked shown here may change',
    );
    expect(linksNote('stale', hoursAgo(30), 24)).toMatch(/^qualification links were last refreshed at 2026-11-22T06:00:00\.000Z, more than 24 h ago: the enrol will refresh them first/);
  });
});
