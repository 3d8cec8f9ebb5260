import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Validator } from '@seriousme/openapi-schema-validator';
import { findOfficerIdByIdent, findOrganisationIdByIdent } from '../../src/pics/links.js';
import { QUEUE } from '../../src/queues/names.js';
import { recordAudit } from '../../src/store/audit.js';
import { recordLearnerSync, setRunLearners, startSyncRun } from '../../src/store/runs.js';
import type { Harness } from '../helpers/harness.js';
import { pollJob, startApiHarness, type ApiClient } from './support.js';

/*
 * Issue 16: every route of the served OpenAPI document, walked over HTTP against a real daemon, the way
 * PICSWeb's buttons use them. Every answer is checked against the document (support.ts); the last test fails
 * when a documented route was not exercised here, or a request reached a route the document does not list.
 */

describe('PICSWeb HTTP API: every documented route, every answer valid against the document', () => {
  let h: Harness;
  let api: ApiClient;
  let learnerId: number;
  beforeAll(async () => {
    ({ h, api } = await startApiHarness());
    learnerId = await h.producer.resolveLearnerIdent('L0001');
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('serves an OpenAPI 3.1 document that passes the OpenAPI schema validator, open (no key)', async () => {
    const res = await api.request('GET', '/api/v1/openapi.json', { key: null });
    expect(res.status).toBe(200);
    expect(res.json.openapi).toBe('3.1.0');
    const result = await new Validator().validate(res.json);
    expect(result).toEqual({ valid: true });
    expect(api.operations.length).toBeGreaterThanOrEqual(15);
  });

  it('GET /status: every Integration Status item of the Summary page', async () => {
    const res = await api.request('GET', '/api/v1/status');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      integrationEnabled: true,
      connectionTest: { connected: null, version: null, testedAt: null },
      learnerDemographicsMode: 'none', officerDemographicsMode: expect.any(String), organisationDemographicsMode: expect.any(String),
      pushMainOfficerChanges: expect.any(Boolean), pushEmployerChanges: expect.any(Boolean), uploadReviews: expect.any(Boolean),
      visitType: expect.any(String), downloadReviews: expect.any(Boolean), additionalAssessors: expect.any(Array),
      lastSynchronisedAt: null, invalidSettings: [],
    });
  });

  it('Refresh Qualification Links: 202 with a job, polled to completion; then every qualification with its standards and pathways', async () => {
    const res = await api.request('POST', '/api/v1/qualification-links/refresh');
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ queued: true, job: { queue: QUEUE.refreshLinks, id: 'refresh-links' } });
    const job = await pollJob(api, (res.json.job as { href: string }).href);
    expect(job).toMatchObject({ state: 'completed', result: { qualificationsLinked: 8 } });

    const links = await api.request('GET', '/api/v1/qualification-links');
    expect(links.status).toBe(200);
    const business = (links.json.qualifications as { title: string; available: boolean; standards: { standardId: number }[] }[]).find((q) => q.title === 'Business Administrator');
    expect(business).toMatchObject({ available: true, standards: [{ standardId: 41301 }, { standardId: 41302 }] }); // Q2: both pathways
    expect(links.json.lastRefresh).toMatchObject({ status: 'completed', qualificationsLinked: 8, qualificationsNotAvailable: 2 });
    expect(links.json.lastCompletedAt).toEqual(expect.any(String));
  });

  it('Connection Test: 202, its job, then the result readable (and on /status)', async () => {
    const res = await api.request('POST', '/api/v1/connection-test', { body: {} });
    expect(res.status).toBe(202);
    await pollJob(api, (res.json.job as { href: string }).href);
    const result = await api.request('GET', '/api/v1/connection-test');
    expect(result.json).toMatchObject({ connected: true, version: 'v2.1', testedAt: expect.any(String), job: { state: 'completed' } });
    expect((await api.request('GET', '/api/v1/status')).json.connectionTest).toMatchObject({ connected: true, version: 'v2.1' });
  });

  it('enrol preview: what would be sent for a ready learner; every problem for one a PICS user must fix (E8)', async () => {
    const ready = await api.request('GET', `/api/v1/learners/${learnerId}/enrol/preview?pathways=3:41301`);
    expect(ready.status).toBe(200);
    expect(ready.json).toMatchObject({ learnerId, provider: 'onefile', outcome: 'ready', problems: [], links: { freshness: 'fresh' } });
    expect(ready.json.plan).toMatchObject({ learnerId, classroomName: expect.any(String) });
    const broken = await h.producer.resolveLearnerIdent('L0007');
    const invalid = await api.request('GET', `/api/v1/learners/${broken}/enrol/preview`);
    expect(invalid.json).toMatchObject({ outcome: 'invalid', plan: null, problems: [{ field: 'email', message: 'learner L0007 has no email' }] });
  });

  it('enrol: 202 queued, the same click again is the same job (queued: false), polled to completion; a third click is 409 (E7)', async () => {
    const enrolWorker = h.daemon.workers.find((w) => w.name === QUEUE.enrol)!;
    await enrolWorker.pause(true); // both clicks land while the job waits, as two quick clicks do
    const body = { pathways: [{ qualificationId: 3, standardId: 41301 }] };
    const first = await api.request('POST', `/api/v1/learners/${learnerId}/enrol`, { body });
    const second = await api.request('POST', `/api/v1/learners/${learnerId}/enrol`, { body });
    enrolWorker.resume();
    expect(first.status).toBe(202);
    expect(first.json).toMatchObject({ queued: true, job: { queue: QUEUE.enrol, id: `enrol-${learnerId}` } });
    expect(second.status).toBe(202);
    expect(second.json).toMatchObject({ queued: false, job: { id: `enrol-${learnerId}` } });

    const job = await pollJob(api, (first.json.job as { href: string }).href);
    expect(job).toMatchObject({ state: 'completed', finished: true, failedReason: null });
    const status = await api.request('GET', `/api/v1/learners/${learnerId}/enrol`);
    expect(status.json).toMatchObject({ status: 'completed', externalLearnerId: expect.any(String), problems: [] });
    expect(status.json.stepsDone).toEqual(expect.arrayContaining(['learner']));

    const third = await api.request('POST', `/api/v1/learners/${learnerId}/enrol`, { body });
    expect(third.status).toBe(409);
    expect(third.json).toMatchObject({ code: 'already-enrolled' });
  });

  it('enrol a cohort as a batch: 202 with what became of each learner, then its progress to the end with the problems to fix (E8)', async () => {
    const [ready, noEmail] = await Promise.all(['L0002', 'L0007'].map((i) => h.producer.resolveLearnerIdent(i)));
    const body = { learnerIds: [ready, noEmail, learnerId, 999_999], pathways: [{ qualificationId: 3, standardId: 41301 }] };
    const res = await api.request('POST', '/api/v1/enrol-batches', { body });
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({
      learners: 4, alreadyQueued: [],
      queued: [
        { learnerId: ready, job: { queue: QUEUE.enrolBatch, id: `batch-enrol-${ready}` } },
        { learnerId: noEmail, job: { queue: QUEUE.enrolBatch, id: `batch-enrol-${noEmail}` } },
      ],
      refused: [{ learnerId, code: 'already-enrolled' }, { learnerId: 999_999, code: 'unknown-learner', message: 'learner #999999 does not exist in PICS' }],
    });
    const href = res.json.href as string;
    expect(href).toBe(`/api/v1/enrol-batches/${res.json.batchId as number}`);
    const deadline = Date.now() + 60_000;
    let progress = await api.request('GET', href);
    while (progress.json.finished !== true && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      progress = await api.request('GET', href);
    }
    expect(progress.status).toBe(200);
    expect(progress.json).toMatchObject({
      learners: 4, finished: true, failuresTotal: 3,
      states: { queued: 0, running: 0, completed: 1, failed: 1, refused: 0, refusedWhenAsked: 2 },
    });
    expect((progress.json.failures as { learnerId: number }[]).find((f) => f.learnerId === noEmail))
      .toMatchObject({ state: 'failed', code: 'invalid', problems: [{ field: 'email', message: 'learner L0007 has no email' }] });
    // The learner's own enrol status names the batch's job, on its queue.
    expect((await api.request('GET', `/api/v1/learners/${ready}/enrol`)).json)
      .toMatchObject({ status: 'completed', job: { queue: QUEUE.enrolBatch, id: `batch-enrol-${ready}` } });
    const unknown = await api.request('GET', '/api/v1/enrol-batches/999999');
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ code: 'unknown-batch' });
  });

  it('Refresh with OneFile: 202, polled to completion; the history pages through audit lines, newest first', async () => {
    const res = await api.request('POST', `/api/v1/learners/${learnerId}/refresh`);
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ queued: true, job: { queue: QUEUE.dailySync, id: `refresh-learner-${learnerId}` } });
    expect(await pollJob(api, (res.json.job as { href: string }).href)).toMatchObject({ state: 'completed' });

    // Three further changes, as a sync records them, so there are pages whatever the sync above changed.
    await recordAudit(h.t.db, { runId: null, jobId: 'test', learnerId }, [1, 2, 3].map((n) => ({
      table: 'learner' as const, rowId: learnerId, field: `field_${n}`, oldValue: null, newValue: `v${n}`, direction: 'to_pics' as const, rule: 'D1',
    })));
    const page1 = await api.request('GET', `/api/v1/learners/${learnerId}/history?limit=2`);
    expect(page1.status).toBe(200);
    expect((page1.json.items as { field: string }[]).map((i) => i.field)).toEqual(['field_3', 'field_2']);
    const page2 = await api.request('GET', `/api/v1/learners/${learnerId}/history?limit=2&before=${page1.json.next as string}`);
    expect((page2.json.items as { field: string }[])[0]?.field).toBe('field_1');
  });

  it('daily sync: run now (202), found by its job, listed, read with its counts', async () => {
    const res = await api.request('POST', '/api/v1/daily-sync/runs');
    expect(res.status).toBe(202);
    const jobId = (res.json.job as { id: string }).id;
    await pollJob(api, (res.json.job as { href: string }).href, 60_000);
    const found = await api.request('GET', `/api/v1/daily-sync/runs?jobId=${jobId}`);
    const [run] = found.json.items as { id: number; status: string; href: string }[];
    expect(run).toMatchObject({ status: 'completed', job: { id: jobId } });
    const list = await api.request('GET', '/api/v1/daily-sync/runs?limit=10');
    expect((list.json.items as { id: number }[]).map((r) => r.id)).toContain(run!.id);
    const detail = await api.request('GET', run!.href);
    expect(detail.json).toMatchObject({ id: run!.id, status: 'completed', progress: null, learnersSynced: expect.any(Number) });
    expect((await api.request('GET', '/api/v1/status')).json.lastSynchronisedAt).toEqual(expect.any(String));
  });

  it('daily sync progress while a run is going: learners done of total, calls, an estimated finish from the budget', async () => {
    const runId = await startSyncRun(h.t.db, { kind: 'daily', jobId: 'daily-sync-progress-test' });
    await setRunLearners(h.t.db, runId, 10);
    await recordLearnerSync(h.t.db, runId, learnerId, null, { status: 'completed', changes: 1, callsMade: 6 });
    await recordLearnerSync(h.t.db, runId, learnerId + 1, null, { status: 'failed', changes: 0, callsMade: 4, error: 'OneFile answered 500' });
    const before = Date.now();
    const res = await api.request('GET', `/api/v1/daily-sync/runs/${runId}`);
    expect(res.json).toMatchObject({
      status: 'running', learnersTotal: 10, learnersSynced: 1, learnersFailed: 1, callsMade: 10,
      progress: { learnersDone: 2, learnersTotal: 10, fraction: 0.2 },
      failed: [{ learnerId: learnerId + 1, error: 'OneFile answered 500' }],
    });
    // 8 learners × 5 calls each at the test's budget of 6,000 × 0.95 calls a minute.
    const eta = Date.parse((res.json.progress as { estimatedFinishAt: string }).estimatedFinishAt);
    const expected = before + ((8 * 5) / (6_000 * 0.95)) * 60_000;
    expect(Math.abs(eta - expected)).toBeLessThan(5_000);
  });

  it('Look Up OneFile ID (A1): refresh the list, read it, link an officer and an organisation; an id another officer holds is refused', async () => {
    const refresh = await api.request('POST', '/api/v1/directory/refresh', { body: {} });
    expect(refresh.status).toBe(202);
    await pollJob(api, (refresh.json.job as { href: string }).href);
    const assessors = await api.request('GET', '/api/v1/directory/assessor');
    expect(assessors.json).toMatchObject({ provider: 'onefile', kind: 'assessor', refreshedAt: expect.any(String) });
    const free = (assessors.json.entries as { externalId: string; linkedTo: unknown[] }[]).find((e) => e.externalId === '122790')!;
    expect(free.linkedTo).toEqual([]);

    const officerId = (await findOfficerIdByIdent(h.t.db, 'O0003'))!;
    const linked = await api.request('PUT', `/api/v1/officers/${officerId}/eportfolio-id`, { body: { externalId: '122790' } });
    expect(linked.status).toBe(200);
    expect(linked.json).toMatchObject({ provider: 'onefile', id: officerId, externalId: '122790' });
    const otherId = (await findOfficerIdByIdent(h.t.db, 'O0004'))!;
    const taken = await api.request('PUT', `/api/v1/officers/${otherId}/eportfolio-id`, { body: { externalId: '122790' } });
    expect(taken.status).toBe(409);
    expect(taken.json).toMatchObject({ code: 'already-linked' });
    expect(taken.json.detail).toContain('O0003');
    expect(taken.text).not.toContain('Grace'); // the holder is named by ident, never by name

    const employers = await api.request('GET', '/api/v1/directory/employer?includeArchived=false');
    const employer = (employers.json.entries as { externalId: string; linkedTo: unknown[] }[]).find((e) => e.linkedTo.length === 0);
    const organisationId = (await findOrganisationIdByIdent(h.t.db, 'E0006'))!;
    if (employer) {
      const org = await api.request('PUT', `/api/v1/organisations/${organisationId}/eportfolio-id`, { body: { externalId: employer.externalId } });
      expect(org.status).toBe(200);
    } else {
      const org = await api.request('PUT', `/api/v1/organisations/${organisationId}/eportfolio-id`, { body: { externalId: '999999' } });
      expect(org.json).toMatchObject({ code: 'unknown-directory-entry' });
    }
  });

  it('GET /jobs/{queue}/{id}: 404 problem for a job that does not exist', async () => {
    const res = await api.request('GET', `/api/v1/jobs/${QUEUE.enrol}/enrol-999999`);
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ code: 'unknown-job' });
  });

  it('every documented route was exercised, and every answer matched the document', () => {
    const documented = api.operations.map((o) => `${o.method} ${o.template}`).sort();
    expect([...api.exercised].sort()).toEqual(documented);
    expect(api.violations).toEqual([]);
  });
});
