// D10: what a daily run says about itself once every child has finished — honestly: a run that synced
// nobody it should have is not "completed", and Last Synchronised means a sync happened.

export interface RunCounts {
  learnersTotal: number;
  learnersSynced: number;
  learnersFailed: number;
}

export interface RunOutcome {
  status: 'completed' | 'failed';
  /** Whether the run writes Last Synchronised. */
  setsLastSynchronised: boolean;
}

/**
 * Failed: learners were in scope, some failed and none synced. Last Synchronised is written by a run that
 * synced at least one learner, and by a run with nobody in scope (it had nothing to do, and did it). A run
 * whose learners were all skipped (each left the scope between fan-out and its sync) completes but leaves
 * Last Synchronised as it was: nobody was synced.
 */
export function decideRunOutcome(c: RunCounts): RunOutcome {
  if (c.learnersTotal === 0) return { status: 'completed', setsLastSynchronised: true };
  if (c.learnersSynced > 0) return { status: 'completed', setsLastSynchronised: true };
  return { status: c.learnersFailed > 0 ? 'failed' : 'completed', setsLastSynchronised: false };
}

export interface FailedLearner {
  learnerId: number;
  /** The PICS learner ident, null when the learner no longer exists in PICS. */
  ident: string | null;
  error: string | null;
}

export const LISTED_FAILURES = 10;
export const REASON_CHARS = 200;

function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/**
 * The failed run's error text: which learners failed and why, by PICS ident (or id) only — never a name or
 * an email — the first LISTED_FAILURES of `failed`, each reason cut to REASON_CHARS, then how many more.
 */
export function describeFailedRun(failed: FailedLearner[], counts: Pick<RunCounts, 'learnersTotal' | 'learnersFailed'>): string {
  const listed = failed.slice(0, LISTED_FAILURES).map((f) => `${f.ident ?? `learner #${f.learnerId}`}: ${shorten(f.error ?? 'no reason recorded', REASON_CHARS)}`);
  const more = counts.learnersFailed - listed.length;
  return `no learner synced: ${counts.learnersFailed} of ${counts.learnersTotal} failed — ${listed.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
}
