import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Settings } from 'luxon';
import { addHours, fromOneFileDate, isCalendarDate, toOneFileDate, ukLocalToUtc, ukToday, utcToUkLocal } from '../../src/domain/dates.js';

// The machine's own time zone must never matter: every test below runs under zones either side of UTC (Luxon's
// default zone is what a parse without an explicit zone would fall back to), so a parse that forgot its zone fails
// here on any machine, not only on one set to something other than UTC.
const ZONES = ['Pacific/Kiritimati', 'America/Los_Angeles', 'UTC'];
const systemZone = Settings.defaultZone;

describe.each(ZONES)('dates between PICS (UK calendar) and OneFile (UTC), machine zone %s', (zone) => {
  beforeEach(() => {
    Settings.defaultZone = zone;
  });
  afterEach(() => {
    Settings.defaultZone = systemZone;
  });

  it('sends calendar dates as UTC midnight', () => {
    expect(toOneFileDate('2026-07-01')).toBe('2026-07-01T00:00:00.000Z');
    expect(toOneFileDate(null)).toBeNull();
    expect(() => toOneFileDate('2026-02-30')).toThrow(new RangeError('not a calendar date: 2026-02-30'));
  });

  it('a calendar date is exactly YYYY-MM-DD and a real day', () => {
    expect(isCalendarDate('2026-07-01')).toBe(true);
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2026-07-01T10:00')).toBe(false);
    expect(isCalendarDate('2026-07-01 ')).toBe(false);
    expect(isCalendarDate('2026-7-1')).toBe(false);
    expect(isCalendarDate('2027-02-29')).toBe(false);
  });

  it('reads dates back without a one-day shift in summer or winter', () => {
    expect(fromOneFileDate('2026-07-01T00:00:00.000Z')).toBe('2026-07-01');
    expect(fromOneFileDate('2026-01-15T00:00:00.000Z')).toBe('2026-01-15');
    // A UK local midnight in BST written as UTC is 23:00 the day before.
    expect(fromOneFileDate('2026-06-30T23:00:00.000Z')).toBe('2026-07-01');
    expect(fromOneFileDate('garbage')).toBeNull();
    expect(fromOneFileDate('')).toBeNull();
    expect(fromOneFileDate(null)).toBeNull();
  });

  it('reads an instant without a zone as UTC, whatever the machine’s zone', () => {
    expect(fromOneFileDate('2026-07-01T00:00:00')).toBe('2026-07-01');
    expect(fromOneFileDate('2026-06-30T23:30:00')).toBe('2026-07-01'); // 00:30 BST
    expect(fromOneFileDate('2026-12-31T23:30:00')).toBe('2026-12-31'); // 23:30 GMT
  });

  it('honours an offset in the value', () => {
    expect(fromOneFileDate('2026-07-01T00:30:00+01:00')).toBe('2026-07-01');
    expect(fromOneFileDate('2026-07-01T00:30:00+02:00')).toBe('2026-06-30'); // 22:30 UTC, 23:30 BST
  });

  it('keeps the day of a UTC-midnight date from before 1847, when London was 75 s behind UTC', () => {
    expect(fromOneFileDate('1800-01-01T00:00:00.000Z')).toBe('1800-01-01');
  });

  it('converts UK local review times to UTC across BST', () => {
    expect(ukLocalToUtc('2026-07-01', '10:00:00')).toBe('2026-07-01T09:00:00.000Z');
    expect(ukLocalToUtc('2026-12-01', '10:00')).toBe('2026-12-01T10:00:00.000Z');
    expect(() => ukLocalToUtc('2026-02-30', '10:00')).toThrow(new RangeError('not a valid UK date and time: 2026-02-30 10:00'));
    expect(utcToUkLocal('2026-07-01T09:00:00.000Z')).toEqual({ date: '2026-07-01', time: '10:00:00' });
    expect(utcToUkLocal('2026-07-01T09:00:00')).toEqual({ date: '2026-07-01', time: '10:00:00' });
    expect(utcToUkLocal('2026-07-01T10:00:00+02:00')).toEqual({ date: '2026-07-01', time: '09:00:00' });
    expect(utcToUkLocal('garbage')).toBeNull();
  });

  it('E3: end time is start plus one hour, across a clock change, an instant without a zone read as UTC', () => {
    expect(addHours('2026-10-25T00:30:00.000Z', 1)).toBe('2026-10-25T01:30:00.000Z');
    expect(addHours('2026-10-25T00:30:00', 1)).toBe('2026-10-25T01:30:00.000Z');
  });

  it('knows the UK day near midnight', () => {
    expect(ukToday(new Date('2026-07-01T23:30:00Z'))).toBe('2026-07-02');
    expect(ukToday(new Date('2026-12-01T23:30:00Z'))).toBe('2026-12-01');
  });
});
