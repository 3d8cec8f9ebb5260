import { describe, expect, it } from '@jest/globals';
import { retentionCutoffs, STALE_RUN_REASON, type RetentionPeriods } from '../../src/rules/retention.js';

const periods: RetentionPeriods = { auditDays: 365, syncLearnerDays: 90, jobOutcomeDays: 30, runDays: 400, staleRunningHours: 48 };

describe('issue 17 data retention: the cut-off of each kind of row', () => {
  const now = new Date('2026-12-01T04:30:00Z');

  it('is now minus its own period, in days (or hours for a run left running)', () => {
    expect(retentionCutoffs(now, periods)).toEqual({
      audit: new Date('2025-12-01T04:30:00Z'),
      syncLearner: new Date('2026-09-02T04:30:00Z'),
      jobOutcome: new Date('2026-11-01T04:30:00Z'),
      run: new Date('2025-10-27T04:30:00Z'),
      staleRunning: new Date('2026-11-29T04:30:00Z'),
    });
  });

  it('counts elapsed time, so a clock change in between moves no cut-off by a day', () => {
    // 2026-10-25 the UK leaves summer time: 30 days before 2026-11-20 04:30Z is still 04:30Z.
    expect(retentionCutoffs(new Date('2026-11-20T04:30:00Z'), { ...periods, jobOutcomeDays: 30 }).jobOutcome)
      .toEqual(new Date('2026-10-21T04:30:00Z'));
  });

  it.each([
    ['auditDays', 0], ['syncLearnerDays', -1], ['jobOutcomeDays', 1.5], ['runDays', Number.NaN], ['staleRunningHours', 0],
  ] as const)('refuses %s = %s: a period of nothing would delete everything', (key, value) => {
    expect(() => retentionCutoffs(now, { ...periods, [key]: value })).toThrow(new RegExp(`retention\\.${key}`));
  });
});

describe('issue 17 data retention edges (issue 23)', () => {
  it('a period of 1 is the least accepted', () => {
    expect(retentionCutoffs(new Date('2026-12-01T04:30:00Z'), { ...periods, staleRunningHours: 1 }).staleRunning).toEqual(new Date('2026-12-01T03:30:00Z'));
  });

  it('a run closed as left running says why', () => {
    expect(STALE_RUN_REASON).toMatch(/^left running by a crash/);
  });
});
