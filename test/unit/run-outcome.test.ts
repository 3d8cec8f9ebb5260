import { describe, expect, it } from '@jest/globals';
import { decideRunOutcome, describeFailedRun, LISTED_FAILURES, REASON_CHARS, type FailedLearner } from '../../src/rules/run-outcome.js';

describe('D10 the outcome of a daily run', () => {
  it('a run that synced at least one learner completes and sets Last Synchronised, whatever failed beside it', () => {
    expect(decideRunOutcome({ learnersTotal: 5, learnersSynced: 5, learnersFailed: 0 })).toEqual({ status: 'completed', setsLastSynchronised: true });
    expect(decideRunOutcome({ learnersTotal: 5, learnersSynced: 1, learnersFailed: 4 })).toEqual({ status: 'completed', setsLastSynchronised: true });
  });

  it('a run with learners in scope of which none synced and some failed is failed and leaves Last Synchronised alone', () => {
    expect(decideRunOutcome({ learnersTotal: 3, learnersSynced: 0, learnersFailed: 3 })).toEqual({ status: 'failed', setsLastSynchronised: false });
    expect(decideRunOutcome({ learnersTotal: 3, learnersSynced: 0, learnersFailed: 1 })).toEqual({ status: 'failed', setsLastSynchronised: false });
  });

  it('a run with nobody in scope completes and sets Last Synchronised: it had nothing to do, and did it', () => {
    expect(decideRunOutcome({ learnersTotal: 0, learnersSynced: 0, learnersFailed: 0 })).toEqual({ status: 'completed', setsLastSynchronised: true });
  });

  it('a run whose learners were all skipped (none failed) completes but did not sync: Last Synchronised stays', () => {
    expect(decideRunOutcome({ learnersTotal: 2, learnersSynced: 0, learnersFailed: 0 })).toEqual({ status: 'completed', setsLastSynchronised: false });
  });
});

describe('D10 a failed run names its failed learners and why, by PICS ident or id only', () => {
  const failure = (i: number, error: string | null = `OneFileTransientError: OneFile answered 503 on POST /Review/Search/{page}/{size} (${i})`): FailedLearner =>
    ({ learnerId: 100 + i, ident: `L${String(i).padStart(4, '0')}`, error });

  it('lists each with its reason; a learner gone from PICS by id; a missing reason said so', () => {
    const text = describeFailedRun([failure(1), { learnerId: 7, ident: null, error: 'boom' }, failure(3, null)], { learnersTotal: 3, learnersFailed: 3 });
    expect(text).toBe('no learner synced: 3 of 3 failed — L0001: OneFileTransientError: OneFile answered 503 on POST /Review/Search/{page}/{size} (1); '
      + 'learner #7: boom; L0003: no reason recorded');
  });

  it(`shows the first ${LISTED_FAILURES} and counts the rest; each reason cut to ${REASON_CHARS} characters on one line`, () => {
    const failed = Array.from({ length: 25 }, (_, i) => failure(i + 1, `line one\n  line two ${'x'.repeat(500)}`));
    const text = describeFailedRun(failed, { learnersTotal: 40, learnersFailed: 25 });
    expect(text.startsWith('no learner synced: 25 of 40 failed — L0001: line one line two xxx')).toBe(true);
    expect(text.endsWith('; and 15 more')).toBe(true);
    const reasons = text.slice(text.indexOf('— ') + 2, text.lastIndexOf('; and')).split('; ');
    expect(reasons).toHaveLength(LISTED_FAILURES);
    for (const r of reasons) expect(r.slice(r.indexOf(': ') + 2)).toHaveLength(REASON_CHARS);
    expect(text).not.toContain('\n');
  });
});

describe('D10 failure reasons (issue 23 edges)', () => {
  it('a reason of exactly REASON_CHARS is kept whole; spaces around it are dropped', () => {
    const exact = 'x'.repeat(REASON_CHARS);
    expect(describeFailedRun([{ learnerId: 1, ident: 'L1', error: `  ${exact}\n` }], { learnersTotal: 1, learnersFailed: 1 })).toBe(`no learner synced: 1 of 1 failed — L1: ${exact}`);
  });
});
