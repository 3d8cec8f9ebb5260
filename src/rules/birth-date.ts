import { isCalendarDate } from '../domain/dates.js';

// A learner's date of birth (E1, A3): refused when it cannot be true, with the rule it breaks. The reason
// never repeats the date (personal data).

const EARLIEST = '1900-01-01';

/** Null for a plausible birth date; else the rule broken, to follow "has a birth date …". */
export function birthDateProblem(value: string, today: string): string | null {
  if (!isCalendarDate(value)) return 'that is not a calendar date in YYYY-MM-DD form';
  if (value >= today) return 'of today or later: it must be in the past';
  if (value < EARLIEST) return 'before 1900: it must be 1900 or later';
  return null;
}
