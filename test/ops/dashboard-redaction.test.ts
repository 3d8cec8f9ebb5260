import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FlowProducer, Worker, type Job } from 'bullmq';
import { REDACTED, dashboardData, dashboardReturnValue, scrubDashboardBody, scrubText } from '../../src/http/dashboard-redaction.js';
import { QUEUE } from '../../src/queues/names.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { startHarness, type Harness } from '../helpers/harness.js';

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

describe('every string of a dashboard answer is scrubbed, whatever its key', () => {
  it('fields no list names: the flow view\'s ignored child failures, a key, a nested string, a bare string', () => {
    const body = {
      id: 'daily-1',
      ignoredChildFailureReasons: { 'pow:daily-sync-per-learner:7': 'learner L0007: Email jane@example.com is already in use (NI QQ123456C)' },
      children: [{ someFutureField: { text: 'write to jane@example.com' } }],
      'jane@example.com': 1,
    };
    expect(scrubDashboardBody(body)).toEqual({
      id: 'daily-1',
      ignoredChildFailureReasons: { 'pow:daily-sync-per-learner:7': `learner L0007: Email ${REDACTED} is already in use (NI ${REDACTED})` },
      children: [{ someFutureField: { text: `write to ${REDACTED}` } }],
      [REDACTED]: 1,
    });
    expect(scrubDashboardBody(['bad NI "AB123456C"'])).toEqual([`bad NI "${REDACTED}"`]);
  });
});

describe('the flow view of a real flow (bull-board, Redis, HTTP)', () => {
  const password = 'flow-view-test-password';
  const auth = { authorization: `Basic ${Buffer.from(`ops:${password}`).toString('base64')}` };
  const email = 'jane.smith@example.com';
  const ni = 'QQ123456C';
  let h: Harness;
  let worker: Worker;
  let flows: FlowProducer;
  beforeAll(async () => {
    h = await startHarness({ workers: false, env: { DASHBOARD_PASSWORD: password } });
    const connection = { url: TEST_REDIS_URL, maxRetriesPerRequest: null };
    flows = new FlowProducer({ connection, prefix: h.redis.prefix });
    // The child fails quoting what a user typed into PICS; its parent ignores the failure (as a daily run does).
    worker = new Worker(QUEUE.dailySync, async (job: Job) => {
      if (job.name === 'child') throw new Error(`learner L0007: Email ${email} is already in use (NI ${ni})`);
      return { ok: true };
    }, { connection, prefix: h.redis.prefix });
  }, 60_000);
  afterAll(async () => {
    await worker?.close();
    await flows?.close();
    await h?.close();
  });

  it('names the ignored child failure without the email or the NI number', async () => {
    const tree = await flows.add({
      name: 'parent', queueName: QUEUE.dailySync, data: {},
      children: [{ name: 'child', queueName: QUEUE.dailySync, data: { learnerId: 7 }, opts: { ignoreDependencyOnFailure: true, attempts: 1 } }],
    });
    const parent = await h.waitForJob(h.producer.queues[QUEUE.dailySync], tree.job.id!);
    expect(await parent.getState()).toBe('completed');
    expect(Object.values(await parent.getIgnoredChildrenFailures())).toEqual([expect.stringContaining(email)]);

    const response = await fetch(`${h.daemon.http.url}/admin/queues/api/queues/${QUEUE.dailySync}/${tree.job.id}/flow`, { headers: auth });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('ignoredChildFailureReasons');
    expect(text).toContain('is already in use');
    expect(text).not.toContain(email);
    expect(text).not.toContain(ni);
  });
});
