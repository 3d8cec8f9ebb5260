import { describe, expect, it } from '@jest/globals';
import { parseDate, parseDateTime } from '../../src/simulator/dates.js';

describe('simulator dates', () => {
  it.each([
    ['2026-09-01T10:15:00.123Z', '2026-09-01T10:15:00.123Z'],
    ['2026-09-01T10:15:00', '2026-09-01T10:15:00.000Z'],
    ['2026-09-01T10:15', '2026-09-01T10:15:00.000Z'],
    ['2026-09-01', '2026-09-01T00:00:00.000Z'],
    ['2020-04-23T00:00:00.00Z', '2020-04-23T00:00:00.000Z'],
    ['2026-09-01T00:00:00+01:00', '2026-08-31T23:00:00.000Z'],
    ['2026-09-01T00:00:00.1234567', '2026-09-01T00:00:00.123Z'],
  ])('reads the date-time %s as %s', (input, expected) => {
    expect(parseDateTime(input)).toBe(expected);
  });

  it('keeps a calendar date on the day the client wrote, whatever its zone', () => {
    expect(parseDate('2026-09-01T00:00:00+01:00')).toBe('2026-09-01T00:00:00.000Z');
    expect(parseDate('2026-09-01T23:30:00Z')).toBe('2026-09-01T00:00:00.000Z');
  });

  it.each(['01/09/2026', '2026-13-01', '2026-02-30T00:00:00Z', 'soon', ''])('refuses %j', (input) => {
    expect(parseDateTime(input)).toBeUndefined();
    expect(parseDate(input)).toBeUndefined();
  });
});
