import { describe, expect, it } from '@jest/globals';
import { REDACTED, dashboardData, dashboardReturnValue, scrubDashboardBody, scrubText } from '../../src/http/dashboard-redaction.js';

describe('what the dashboard shows of a job', () => {
  it('data: the id and enum fields of the payloads, anything else hidden', () => {
    expect(dashboardData({ learnerId: 42, runId: 7, pathways: { 3: 41301 } })).toEqual({ learnerId: 42, runId: 7, pathways: { 3: 41301 } });
    expect(dashboardData({ reason: 'startup', step: 'fan-out' })).toEqual({ reason: 'startup', step: 'fan-out' });
    expect(dashboardData({ learnerId: 42, customerToken: 'secret', email: 'a@b.co' })).toEqual({ learnerId: 42, customerToken: REDACTED, email: REDACTED });
    expect(dashboardData({ reason: 'Jane Smith <jane@example.com>' })).toEqual({ reason: REDACTED });
    expect(dashboardData('a string payload')).toBe(REDACTED);
    expect(dashboardData(undefined)).toBeUndefined();
  });

  it('return values: counts, flags, dates and outcome words; lists become counts; other text hidden', () => {
    expect(dashboardReturnValue({ standardsSeen: 11, ok: true, status: 'completed', finishedAt: '2026-11-23T09:00:00.000Z' }))
      .toEqual({ standardsSeen: 11, ok: true, status: 'completed', finishedAt: '2026-11-23T09:00:00.000Z' });
    expect(dashboardReturnValue({ status: 'skipped', reason: 'learner L0001 is not in OneFile', notLinked: [{ title: 'x' }, { title: 'y' }] }))
      .toEqual({ status: 'skipped', reason: REDACTED, notLinked: { count: 2 } });
    expect(dashboardReturnValue({ skipped: 'integration disabled' })).toEqual({ skipped: 'integration disabled' });
    expect(dashboardReturnValue({ status: 'jane@example.com' })).toEqual({ status: REDACTED });
    expect(dashboardReturnValue({ customerName: 'Acme Training' })).toEqual({ customerName: REDACTED });
  });

  it('free text: emails, NI numbers, dates of birth and quoted personal fields masked, the sentence kept', () => {
    expect(scrubText('learner L0007 has an invalid email "jane.smith@example"')).toBe(`learner L0007 has an invalid email "${REDACTED}"`);
    expect(scrubText('OneFile: Email jane@example.com is already in use')).toBe(`OneFile: Email ${REDACTED} is already in use`);
    expect(scrubText('learner L0003 has an invalid NI number "QQ123456Z"')).toBe(`learner L0003 has an invalid NI number "${REDACTED}"`);
    expect(scrubText('NI AB 12 34 56 C given')).toBe(`NI ${REDACTED} given`);
    expect(scrubText('learner L0004 has an impossible date of birth 2030-01-01')).toBe(`learner L0004 has an impossible date of birth ${REDACTED}`);
    expect(scrubText('POST /User/{id}: 404 not found')).toBe('POST /User/{id}: 404 not found');
  });

  it('walks an API answer and scrubs failedReason and stack traces wherever they are', () => {
    const body = {
      queues: [{ name: 'enrol-learner', jobs: [{ id: 'enrol-7', failedReason: 'bad email "x@y.org"', stacktrace: ['EnrolInvalidError: bad email "x@y.org"\n at …'], data: { learnerId: 7 } }] }],
    };
    expect(scrubDashboardBody(body)).toEqual({
      queues: [{ name: 'enrol-learner', jobs: [{ id: 'enrol-7', failedReason: `bad email "${REDACTED}"`, stacktrace: [`EnrolInvalidError: bad email "${REDACTED}"\n at …`], data: { learnerId: 7 } }] }],
    });
  });
});
