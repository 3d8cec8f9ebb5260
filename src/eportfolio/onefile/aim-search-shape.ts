/**
 * Whether a customer's `LearningAim/Search` rows carry the detail fields (Progress, registration and
 * certificate dates). OneFile does not document it (onefile-api.md §7.9 only shows mocked rows of ID,
 * StandardID, UserID, Status), so the sync learns it from the answers it gets.
 *
 * With detailed rows, one search reads all of a learner's aims. Without them the search adds nothing a GET
 * by the aim id PICS already holds does not, so it is skipped: n GETs instead of 1 + n calls, the biggest
 * saving of a steady-state daily run. What was learnt is re-checked after `RECHECK_MS` in case OneFile
 * changes its answers; either way of reading gives the same data, so a stale belief costs calls, never
 * correctness.
 */

export const RECHECK_MS = 60 * 60 * 1000;

interface Observation {
  detailed: boolean;
  at: number;
}

// Per process: each process learns it from its own first search, a call or two per hour.
const observations = new Map<string, Observation>();

export type AimReadMethod = 'search' | 'get-each';

/** How to read `aimCount` linked aims of one learner. */
export function aimReadMethod(customerKey: string, aimCount: number, now: number = Date.now()): AimReadMethod {
  if (aimCount <= 1) return 'get-each'; // one call either way, and a GET cannot page
  const seen = observations.get(customerKey);
  if (!seen || now - seen.at >= RECHECK_MS) return 'search';
  return seen.detailed ? 'search' : 'get-each';
}

/** Records what a search answered; rows of other learners' aims do not occur, so any row will do. */
export function observeAimSearchRows(customerKey: string, rows: readonly { full: unknown }[], now: number = Date.now()): void {
  if (rows.length === 0) return;
  observations.set(customerKey, { detailed: rows.every((r) => r.full !== null), at: now });
}

/** For tests: forget everything learnt. */
export function forgetAimSearchShape(): void {
  observations.clear();
}

/**
 * What a contract probe found (its report's aimSearchRows), taken as if this process had searched itself: it
 * holds for RECHECK_MS like any observation, then the sync learns again from its own searches. A probe that
 * found no learning aim teaches nothing. Mixed rows count as lacking details, as observeAimSearchRows does.
 */
export function seedAimSearchShape(customerKey: string, rows: 'full' | 'minimal' | 'mixed' | null, now: number = Date.now()): boolean {
  if (rows === null) return false;
  observations.set(customerKey, { detailed: rows === 'full', at: now });
  return true;
}
