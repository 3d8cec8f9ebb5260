import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { startDaemon, type Daemon } from '../../src/daemon.js';
import { DEMO_CUSTOMER_TOKEN } from '../../src/demo/catalogue.js';
import { createLogger } from '../../src/logging/logger.js';
import { withRequestMetrics } from '../../src/metrics/client-factory.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { OneFileRateLimitedError } from '../../src/onefile/errors.js';
import { createOneFileClientFactory } from '../../src/onefile/factory.js';
import { jobIds } from '../../src/queues/job-options.js';
import { QUEUE } from '../../src/queues/names.js';
import { startSimulator } from '../../src/simulator/index.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { storedSessions } from './support.js';

const USER = 'ops';
const PASSWORD = 'dashboard-test-password';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const quietLogger = () => createLogger({ level: 'silent', pretty: false }, new Writable({ write: (_c, _e, done) => done() }));

describe('dashboard and /metrics on the daemon HTTP server', () => {
  let h: Harness;
  let base: string;
  beforeAll(async () => {
    h = await startHarness({ env: { DASHBOARD_USERNAME: USER, DASHBOARD_PASSWORD: PASSWORD, DASHBOARD_READ_ONLY: 'true' } });
    base = h.daemon.http.url;
    // One real job through the real worker: the links refresh (a login and a paged standards search).
    const { jobId } = await h.producer.enqueueRefreshLinks('user');
    const job = await h.waitForJob(h.producer.queues[QUEUE.refreshLinks], jobId);
    expect(job.failedReason).toBeUndefined();
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });

  describe('dashboard', () => {
    it('answers 401 with a Basic challenge without credentials, and with wrong ones', async () => {
      for (const path of ['/admin/queues', '/admin/queues/api/queues', '/admin/queues/static/favicon-32x32.png']) {
        const response = await fetch(`${base}${path}`);
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm="pics-onefile-worker"/);
      }
      const wrong = await fetch(`${base}/admin/queues/api/queues`, { headers: { authorization: basic(USER, 'not-the-password') } });
      expect(wrong.status).toBe(401);
      const wrongUser = await fetch(`${base}/admin/queues/api/queues`, { headers: { authorization: basic('admin', PASSWORD) } });
      expect(wrongUser.status).toBe(401);
    });

    it('answers 200 with them: the page, and the API over every queue', async () => {
      const page = await fetch(`${base}/admin/queues`, { headers: { authorization: basic(USER, PASSWORD) } });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      const api = await fetch(`${base}/admin/queues/api/queues`, { headers: { authorization: basic(USER, PASSWORD) } });
      expect(api.status).toBe(200);
      const body = (await api.json()) as { queues: { name: string; readOnlyMode: boolean }[] };
      expect(body.queues.map((q) => q.name).sort()).toEqual([QUEUE.dailySync, QUEUE.enrol, QUEUE.refreshLinks, QUEUE.enrolBatch].sort()); // a cohort's progress too (issue 21)
      expect(body.queues.every((q) => q.readOnlyMode)).toBe(true);
    });

    it('leaves /healthz and /metrics open', async () => {
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/metrics`)).status).toBe(200);
    });

    it('refuses writes with 405 when read-only (retry a job, retry all, clean, pause, add)', async () => {
      const auth = { authorization: basic(USER, PASSWORD) };
      const writes: [string, string, object?][] = [
        ['POST', `/admin/queues/api/queues/${QUEUE.enrol}/add`, { name: 'enrol-learner', data: { learnerId: 1 } }],
        ['PUT', `/admin/queues/api/queues/${QUEUE.refreshLinks}/${jobIds.refreshLinks()}/retry`],
        ['PUT', `/admin/queues/api/queues/${QUEUE.refreshLinks}/retry/failed`],
        ['PUT', `/admin/queues/api/queues/${QUEUE.refreshLinks}/clean/completed`],
        ['PUT', `/admin/queues/api/queues/${QUEUE.refreshLinks}/pause`],
        ['PUT', `/admin/queues/api/queues/${QUEUE.refreshLinks}/${jobIds.refreshLinks()}/clean`],
      ];
      for (const [method, path, body] of writes) {
        const response = await fetch(`${base}${path}`, {
          method, headers: { ...auth, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}),
        });
        expect({ path, status: response.status }).toEqual({ path, status: 405 });
      }
      // Nothing happened: the job is still there, completed; nothing was added; the queue runs.
      const job = await h.producer.queues[QUEUE.refreshLinks].getJob(jobIds.refreshLinks());
      expect(await job?.getState()).toBe('completed');
      expect(await h.producer.queues[QUEUE.enrol].getJobCounts('waiting', 'active', 'completed', 'failed')).toEqual({ waiting: 0, active: 0, completed: 0, failed: 0 });
      expect(await h.producer.queues[QUEUE.refreshLinks].isPaused()).toBe(false);
    });

    it("shows a job's ids and counts but never the customer token or the session", async () => {
      const sessions = await storedSessions(h);
      expect(sessions.length).toBeGreaterThan(0);
      const auth = { authorization: basic(USER, PASSWORD) };
      const responses = await Promise.all([
        fetch(`${base}/admin/queues/api/queues/${QUEUE.refreshLinks}/${jobIds.refreshLinks()}`, { headers: auth }),
        fetch(`${base}/admin/queues/api/queues?activeQueue=${QUEUE.refreshLinks}&status=completed&page=1&jobsPerPage=10`, { headers: auth }),
        fetch(`${base}/admin/queues/api/redis/stats`, { headers: auth }),
      ]);
      const texts = await Promise.all(responses.map(async (r) => {
        expect(r.status).toBe(200);
        return r.text();
      }));
      for (const text of texts) {
        expect(text).not.toContain(DEMO_CUSTOMER_TOKEN);
        for (const session of sessions) expect(text).not.toContain(session);
        expect(text).not.toContain(PASSWORD);
      }
      const { job } = JSON.parse(texts[0]!) as { job: { id: string; name: string; data: unknown; returnValue: Record<string, unknown> } };
      expect(job.id).toBe(jobIds.refreshLinks());
      expect(job.data).toEqual({ reason: 'user' });
      expect(job.returnValue).toMatchObject({ standardsSeen: expect.any(Number), qualificationsLinked: expect.any(Number), callsMade: expect.any(Number) });
    });

    it('is switched off when dashboard.password is empty, and writes pass when readOnly is off', async () => {
      const config = h.config;
      const start = (dashboard: typeof config.dashboard): Promise<Daemon> =>
        startDaemon({ ...config, dashboard }, quietLogger(), { workers: false, startupTasks: false });
      const off = await start({ ...config.dashboard, password: '' });
      const writable = await start({ ...config.dashboard, readOnly: false });
      try {
        expect((await fetch(`${off.http.url}/admin/queues/api/queues`)).status).toBe(404);
        expect((await fetch(`${off.http.url}/metrics`)).status).toBe(200);
        const auth = { authorization: basic(USER, PASSWORD) };
        const listing = await fetch(`${writable.http.url}/admin/queues/api/queues`, { headers: auth });
        expect(((await listing.json()) as { queues: { readOnlyMode: boolean }[] }).queues.every((q) => !q.readOnlyMode)).toBe(true);
        // Retrying the failed jobs of a queue with none is a harmless write: 200, not 405.
        const retry = await fetch(`${writable.http.url}/admin/queues/api/queues/${QUEUE.enrol}/retry/failed`, { method: 'PUT', headers: auth });
        expect(retry.status).toBe(200);
      } finally {
        await off.stop('test over');
        await writable.stop('test over');
      }
    });
  });

  describe('/metrics', () => {
    it('shows the named series after a real job, in Prometheus text format, labelled without learners', async () => {
      const response = await fetch(`${base}/metrics`);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await response.text();
      const q = QUEUE.refreshLinks;
      const expected = [
        // process defaults
        /^process_cpu_user_seconds_total \d/m,
        /^nodejs_eventloop_lag_seconds \d/m,
        // jobs per queue and state, for every queue
        new RegExp(`^bullmq_job_count\\{queue="${q}",state="completed"\\} 1$`, 'm'),
        new RegExp(`^bullmq_job_count\\{queue="${QUEUE.enrol}",state="waiting"\\} 0$`, 'm'),
        new RegExp(`^bullmq_job_count\\{queue="${QUEUE.dailySync}",state="failed"\\} 0$`, 'm'),
        // job outcomes and durations per queue
        new RegExp(`^worker_jobs_total\\{queue="${q}",outcome="completed"\\} 1$`, 'm'),
        new RegExp(`^worker_job_duration_seconds_count\\{queue="${q}"\\} 1$`, 'm'),
        new RegExp(`^worker_job_duration_seconds_bucket\\{le="\\+Inf",queue="${q}"\\} 1$`, 'm'),
        // OneFile requests by endpoint template and status class
        /^onefile_requests_total\{endpoint="POST \/Authentication",status_class="2xx"\} 1$/m,
        /^onefile_requests_total\{endpoint="POST \/Standard\/Search\/\{page\}\/\{size\}",status_class="2xx"\} 1$/m,
        /^onefile_request_duration_seconds_count\{endpoint="POST \/Standard\/Search\/\{page\}\/\{size\}"\} 1$/m,
        /^onefile_rate_limited_total 0$/m,
        /^onefile_limiter_wait_seconds_count\{lane="interactive"\} 2$/m,
        /^onefile_limiter_refusals_total 0$/m,
        /^# TYPE daily_sync_learners_total counter$/m,
      ];
      for (const pattern of expected) expect(text).toMatch(pattern);
      // No label carries a learner, a job id or a concrete id-bearing path.
      expect(text).not.toMatch(/learner(_id|Id)?="/);
      expect(text).not.toMatch(/job_?id="/i);
      expect(text).not.toContain(DEMO_CUSTOMER_TOKEN);
    });

    it('counts a 429 from OneFile, by endpoint and in onefile_rate_limited_total (real simulator, real Redis)', async () => {
      // A simulator that allows one call a minute: the login passes, GET /Customer is refused with 429.
      const strict = await startSimulator({ seed: 'demo', environment: 'practice', rateLimit: 1 });
      const metrics = createMetrics({ queues: [], logger: quietLogger() });
      // A key prefix of its own, so the 429's shared pause does not slow the harness daemon down.
      const config = { ...h.config, redis: { ...h.config.redis, prefix: `${h.redis.prefix}-429` }, onefile: { ...h.config.onefile, baseUrlOverride: strict.baseUrl } };
      const factory = createOneFileClientFactory({ redis: h.redis.redis, config, onWait: (ms, _customer, lane) => metrics.limiterWait(ms, lane) });
      const client = withRequestMetrics(factory, metrics)({ customerToken: DEMO_CUSTOMER_TOKEN, environment: 'practice' });
      try {
        await expect(client.customer()).rejects.toBeInstanceOf(OneFileRateLimitedError);
      } finally {
        await strict.close();
      }
      const text = await metrics.registry.metrics();
      expect(text).toMatch(/^onefile_rate_limited_total 1$/m);
      expect(text).toMatch(/^onefile_requests_total\{endpoint="GET \/Customer",status_class="4xx"\} 1$/m);
      expect(text).toMatch(/^onefile_requests_total\{endpoint="POST \/Authentication",status_class="2xx"\} 1$/m);
      expect(text).toMatch(/^onefile_limiter_wait_seconds_count\{lane="interactive"\} 2$/m);
    });
  });
});
