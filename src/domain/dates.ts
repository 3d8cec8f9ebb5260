import { DateTime } from 'luxon';

// PICS keeps UK calendar dates and local times; OneFile speaks UTC instants. Calendar dates travel as UTC
// midnight ('YYYY-MM-DDT00:00:00.000Z', the wire contract) and are read back as the Europe/London calendar
// day, so a date never shifts by one across BST.

export const UK_ZONE = 'Europe/London';
const CALENDAR = /^\d{4}-\d{2}-\d{2}$/;

export function isCalendarDate(value: string): boolean {
  return CALENDAR.test(value) && DateTime.fromISO(value, { zone: 'utc' }).isValid;
}

/** 'YYYY-MM-DD' → 'YYYY-MM-DDT00:00:00.000Z'. */
export function toOneFileDate(date: string | null): string | null {
  if (date === null) return null;
  if (!isCalendarDate(date)) throw new RangeError(`not a calendar date: ${date}`);
  return `${date}T00:00:00.000Z`;
}

/** An instant from OneFile ('…Z', or without a zone, read as UTC) → the Europe/London calendar day. */
export function fromOneFileDate(value: string | null): string | null {
  if (value === null || value === '') return null;
  // An offset in the value is honoured; the zone the result is read in (UTC, then UK) is set below either way.
  const parsed = DateTime.fromISO(value, { zone: 'utc' });
  if (!parsed.isValid) return null;
  // Dates sent as UTC midnight come back as that day. (Read in UK time they mostly would too, GMT and BST being
  // at or ahead of UTC, but not before 1847, when London kept its own mean time, 75 s behind.)
  if (parsed.toUTC().toFormat('HH:mm:ss.SSS') === '00:00:00.000') return parsed.toUTC().toISODate();
  return parsed.setZone(UK_ZONE).toISODate();
}

/** A UK local date and time ('HH:MM[:SS]') → UTC ISO instant. */
export function ukLocalToUtc(date: string, time: string): string {
  const local = DateTime.fromISO(`${date}T${time}`, { zone: UK_ZONE });
  if (!local.isValid) throw new RangeError(`not a valid UK date and time: ${date} ${time}`);
  return local.toUTC().toISO({ suppressMilliseconds: false })!;
}

/** A UTC instant → the UK calendar day and local time. */
export function utcToUkLocal(iso: string): { date: string; time: string } | null {
  const parsed = DateTime.fromISO(iso, { zone: 'utc' });
  if (!parsed.isValid) return null;
  const local = parsed.setZone(UK_ZONE);
  return { date: local.toISODate()!, time: local.toFormat('HH:mm:ss') };
}

export function addHours(iso: string, hours: number): string {
  return DateTime.fromISO(iso, { zone: 'utc' }).plus({ hours }).toUTC().toISO()!;
}

/** Today's calendar date in the UK. */
export function ukToday(now: Date = new Date()): string {
  return DateTime.fromJSDate(now).setZone(UK_ZONE).toISODate()!;
}
