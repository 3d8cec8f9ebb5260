import { describe, expect, it } from '@jest/globals';
import { addHours, fromOneFileDate, toOneFileDate, ukLocalToUtc, ukToday, utcToUkLocal } from '../../src/domain/dates.js';

describe('dates between PICS (UK calendar) and OneFile (UTC)', () => {
  it('sends calendar dates as UTC midnight', () => {
    expect(toOneFileDate('2026-07-01')).toBe('2026-07-01T00:00:00.000Z');
    expect(toOneFileDate(null)).toBeNull();
    expect(() => toOneFileDate('2026-02-30')).toThrow(RangeError);
  });

  it('reads dates back without a one-day shift in summer or winter', () => {
    expect(fromOneFileDate('2026-07-01T00:00:00.000Z')).toBe('2026-07-01');
    expect(fromOneFileDate('2026-01-15T00:00:00.000Z')).toBe('2026-01-15');
    expect(fromOneFileDate('2026-07-01T00:00:00')).toBe('2026-07-01'); // no zone: read as UTC
    // A UK local midnight in BST written as UTC is 23:00 the day before.
    expect(fromOneFileDate('2026-06-30T23:00:00.000Z')).toBe('2026-07-01');
    expect(fromOneFileDate('garbage')).toBeNull();
    expect(fromOneFileDate(null)).toBeNull();
  });

  it('converts UK local review times to UTC across BST', () => {
    expect(ukLocalToUtc('2026-07-01', '10:00:00')).toBe('2026-07-01T09:00:00.000Z');
    expect(ukLocalToUtc('2026-12-01', '10:00')).toBe('2026-12-01T10:00:00.000Z');
    expect(utcToUkLocal('2026-07-01T09:00:00.000Z')).toEqual({ date: '2026-07-01', time: '10:00:00' });
  });

  it('E3: end time is start plus one hour, across a clock change', () => {
    expect(addHours('2026-10-25T00:30:00.000Z', 1)).toBe('2026-10-25T01:30:00.000Z');
  });

  it('knows the UK day near midnight', () => {
    expect(ukToday(new Date('2026-07-01T23:30:00Z'))).toBe('2026-07-02');
    expect(ukToday(new Date('2026-12-01T23:30:00Z'))).toBe('2026-12-01');
  });
});
