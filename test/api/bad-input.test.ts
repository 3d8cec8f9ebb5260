import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEMO_CUSTOMER_TOKEN } from '../../src/demo/catalogue.js';
import { QUEUE } from '../../src/queues/names.js';
import type { Harness } from '../helpers/harness.js';
import { jobCounts, KEY_A, KEY_B, startApiHarness, type ApiClient, type ApiResponse } from './support.js';

/*
 * Issue 16 bad input: wrong types, unknown fields, oversized bodies, non-numeric ids and broken JSON get a
 * 4xx problem+json naming each field, and queue nothing; a learner PICS users must fix gets 422 with every
 * problem at the click (E8); an unknown learner 404. No error body holds a secret or a personal value.
 */

describe('HTTP API bad input and error bodies', () => {
  let h: Harness;
  let api: ApiClient;
  let learnerId: number;
  const errorBodies: string[] = [];
  const expectProblem = (res: ApiResponse, status: number, code: string) => {
    errorBodies.push(res.text);
    expect(res.status).toBe(status);
    expect(res.contentType).toBe('application/problem+json');
    expect(res.json).toMatchObject({ status, code, type: `urn:pics-worker:problem:${code}`, title: expect.any(String), detail: expect.any(String) });
  };
  beforeAll(async () => {
    ({ h, api } = await startApiHarness({ workers: false }));
    learnerId = await h.producer.resolveLearnerIdent('L0001');
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  const cases: [string, string, string, { body?: unknown; rawBody?: string; headers?: Record<string, string> }, number, string, string[]][] = [
    ['a string for a number', 'POST', 'enrol', { body: { organisationId: '5740' } }, 400, 'invalid-request', ['body.organisationId']],
    ['a string deep in an array', 'POST', 'enrol', { body: { pathways: [{ qualificationId: 3, standardId: 'x' }] } }, 400, 'invalid-request', ['body.pathways[0].standardId']],
    ['a missing field', 'POST', 'enrol', { body: { pathways: [{ qualificationId: 3 }] } }, 400, 'invalid-request', ['body.pathways[0].standardId']],
    ['an unknown field', 'POST', 'enrol', { body: { organisationId: 5740, sendWelcomeEmail: true } }, 400, 'invalid-request', ['body.sendWelcomeEmail']],
    ['an unknown nested field', 'POST', 'enrol', { body: { pathways: [{ qualificationId: 3, standardId: 41301, note: 'x' }] } }, 400, 'invalid-request', ['body.pathways[0].note']],
    ['a field on a button that takes none', 'POST', '/api/v1/connection-test', { body: { force: true } }, 400, 'invalid-request', ['body.force']],
    ['an array for an object', 'POST', '/api/v1/daily-sync/runs', { body: [] }, 400, 'invalid-request', ['body']],
    ['one qualification given two pathways', 'POST', 'enrol', { body: { pathways: [{ qualificationId: 3, standardId: 41301 }, { qualificationId: 3, standardId: 41302 }] } }, 400, 'invalid-request', ['body.pathways[1].qualificationId']],
    ['broken JSON quoting personal data', 'POST', 'enrol', { rawBody: '{"email": "jane.doe@learners.example", "ni": "QQ123456C"' }, 400, 'invalid-json', []],
    ['a body that is not JSON', 'POST', 'enrol', { rawBody: 'organisationId=5740', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, 'unsupported-media-type', []],
    ['an oversized body', 'POST', 'enrol', { body: { pathways: Array.from({ length: 2_000 }, (_, i) => ({ qualificationId: i + 1, standardId: 41301 })) } }, 413, 'body-too-large', []],
    ['a non-numeric learner id', 'POST', '/api/v1/learners/L0001/enrol', { body: {} }, 400, 'invalid-request', ['params.learnerId']],
    ['a fractional run id', 'GET', '/api/v1/daily-sync/runs/1.5', {}, 400, 'invalid-request', ['params.runId']],
    ['a zero learner id', 'POST', '/api/v1/learners/0/refresh', {}, 400, 'invalid-request', ['params.learnerId']],
    ['a non-numeric page size', 'GET', '/api/v1/daily-sync/runs?limit=ten', {}, 400, 'invalid-request', ['query.limit']],
    ['an unknown query parameter', 'GET', '/api/v1/status?verbose=1', {}, 400, 'invalid-request', ['query.verbose']],
    ['an unknown queue', 'GET', '/api/v1/jobs/everything/enrol-1', {}, 400, 'invalid-request', ['params.queue']],
    ['a malformed preview pathway', 'GET', 'preview?pathways=3-41301', {}, 400, 'invalid-request', ['query.pathways']],
    ['an empty batch', 'POST', '/api/v1/enrol-batches', { body: { learnerIds: [] } }, 400, 'invalid-request', ['body.learnerIds']],
    ['a batch without learners', 'POST', '/api/v1/enrol-batches', { body: { pathways: [] } }, 400, 'invalid-request', ['body.learnerIds']],
    ['a learner named twice in a batch', 'POST', '/api/v1/enrol-batches', { body: { learnerIds: [5, 6, 5] } }, 400, 'invalid-request', ['body.learnerIds[2]']],
    ['a batch with a string for a learner id', 'POST', '/api/v1/enrol-batches', { body: { learnerIds: [5, '6'] } }, 400, 'invalid-request', ['body.learnerIds[1]']],
    ['a batch over the largest', 'POST', '/api/v1/enrol-batches', { body: { learnerIds: Array.from({ length: 2_001 }, (_, i) => i + 1) } }, 400, 'invalid-request', ['body.learnerIds']],
    ['a non-numeric batch id', 'GET', '/api/v1/enrol-batches/latest', {}, 400, 'invalid-request', ['params.batchId']],
    ['an empty link id', 'PUT', '/api/v1/officers/1/eportfolio-id', { body: { externalId: '' } }, 400, 'invalid-request', ['body.externalId']],
  ];

  it.each(cases)('%s: %s %s → %i problem naming each field, nothing queued', async (_what, method, target, options, status, code, fields) => {
    const path = target === 'enrol' ? `/api/v1/learners/${learnerId}/enrol` : target.startsWith('preview') ? `/api/v1/learners/${learnerId}/enrol/${target}` : target;
    const before = await jobCounts(h);
    const res = await api.request(method, path, options);
    expectProblem(res, status, code);
    const named = ((res.json.errors ?? []) as { field: string; message: string }[]).map((e) => e.field);
    expect(named).toEqual(fields);
    expect(await jobCounts(h)).toEqual(before);
  });

  it('E8 at the click: 422 listing every problem of a learner PICS users must fix, nothing queued, no personal value repeated', async () => {
    const broken = await h.producer.resolveLearnerIdent('L0007'); // seeded with no email
    const niNumber = 'QQ12345'; // not an NI number: the message names the rule, not the value
    await h.t.db.updateTable('pics.learner').set({ ni_number: niNumber, main_officer_id: null, birth_date: '2099-01-01' }).where('id', '=', broken).execute();
    const before = await jobCounts(h);
    const res = await api.request('POST', `/api/v1/learners/${broken}/enrol`, { body: {} });
    expectProblem(res, 422, 'learner-data-invalid');
    const fields = (res.json.errors as { field: string }[]).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['email', 'ni_number', 'birth_date', 'main_officer_id']));
    expect(res.text).not.toContain(niNumber);
    expect(res.text).not.toContain('2099-01-01');
    expect(await jobCounts(h)).toEqual(before);
    expect(await h.producer.enrolStatus(broken)).toBeNull(); // nothing recorded as requested either
  });

  it('404 for an unknown learner on every learner route, nothing queued', async () => {
    const before = await jobCounts(h);
    for (const [method, path] of [['POST', '/enrol'], ['GET', '/enrol'], ['GET', '/enrol/preview'], ['POST', '/refresh'], ['GET', '/history']] as const) {
      expectProblem(await api.request(method, `/api/v1/learners/999999${path}`), 404, 'unknown-learner');
    }
    expect(await jobCounts(h)).toEqual(before);
  });

  it('404 problem for a route that does not exist; 409 not-enrolled for Refresh with OneFile before enrol', async () => {
    expectProblem(await api.request('GET', '/api/v1/learners'), 404, 'no-such-route');
    const before = await jobCounts(h);
    expectProblem(await api.request('POST', `/api/v1/learners/${learnerId}/refresh`), 409, 'not-enrolled');
    expect(await jobCounts(h)).toEqual(before);
    expect((await h.producer.queues[QUEUE.dailySync].getJobCounts()).waiting).toBe(0);
  });

  it('GET /status names every stored setting whose value is invalid, and shows it as null', async () => {
    await h.t.db.updateTable('pics.onefile_settings').set({ visit_type: 'sometimes', learner_demographics_mode: 'both' }).execute();
    try {
      const res = await api.request('GET', '/api/v1/status');
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ visitType: null, learnerDemographicsMode: null, officerDemographicsMode: expect.any(String) });
      expect((res.json.invalidSettings as { setting: string }[]).map((p) => p.setting).sort())
        .toEqual(['pics.onefile_settings.learner_demographics_mode', 'pics.onefile_settings.visit_type']);
    } finally {
      await h.t.db.updateTable('pics.onefile_settings').set({ visit_type: null, learner_demographics_mode: 'none' }).execute();
    }
  });

  it('no error body holds a secret or a personal value of any learner', async () => {
    const learners = await h.t.db.selectFrom('pics.learner').select(['first_name', 'surname', 'email', 'ni_number', 'birth_date']).execute();
    const personal = learners.flatMap((l) => [l.email, l.ni_number, `${l.first_name} ${l.surname}`]).filter((v): v is string => !!v && v.length > 4);
    const secrets = [KEY_A, KEY_B, DEMO_CUSTOMER_TOKEN, 'jane.doe@learners.example', 'QQ123456C'];
    expect(errorBodies.length).toBeGreaterThan(20);
    for (const body of errorBodies) {
      for (const value of [...secrets, ...personal]) expect(body).not.toContain(value);
    }
    expect(api.violations).toEqual([]);
  });
});
