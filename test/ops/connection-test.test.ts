import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEMO_CUSTOMER_TOKEN } from '../../src/demo/catalogue.js';
import { apiVersionOf } from '../../src/jobs/connection-test.js';
import { jobIds } from '../../src/queues/job-options.js';
import { QUEUE } from '../../src/queues/names.js';
import { startHarness, type Harness } from '../helpers/harness.js';

describe('connection test (job on the refresh-qualification-links queue)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });

  const settingsRow = () => h.t.db.selectFrom('pics.onefile_settings')
    .select(['connection_ok', 'connection_version', 'connection_checked_at']).executeTakeFirstOrThrow();
  const runTest = async () => {
    const enqueued = await h.producer.enqueueConnectionTest('user');
    expect(enqueued).toMatchObject({ jobId: jobIds.connectionTest(), queued: true });
    return h.waitForJob(h.producer.queues[QUEUE.refreshLinks], enqueued.jobId);
  };

  it('passes against the simulator: connected, the API version and the time recorded in pics.onefile_settings', async () => {
    h.sim.resetStats();
    const before = new Date();
    const job = await runTest();
    expect(job.failedReason).toBeUndefined();
    expect(job.returnvalue).toEqual({ ok: true, version: 'v2.1', customerId: expect.any(Number), callsMade: expect.any(Number) });
    const row = await settingsRow();
    expect(row).toMatchObject({ connection_ok: true, connection_version: 'v2.1' });
    expect(row.connection_checked_at!.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1_000);
    expect(h.sim.stats().byEndpoint['GET /Customer']).toEqual({ '200': 1 });
  });

  it('records connected = false against a wrong token, with the reason logged and no token anywhere in the logs', async () => {
    const wrongToken = 'wrong-token-5d1e9c0b7a';
    await h.t.db.updateTable('pics.onefile_settings').set({ customer_token: wrongToken }).execute();
    try {
      const job = await runTest();
      expect(job.failedReason).toBeUndefined(); // the test ran; its verdict is the recorded state
      expect(job.returnvalue).toMatchObject({ ok: false, version: null });
      expect(await settingsRow()).toMatchObject({ connection_ok: false, connection_version: null });
      const failure = h.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'OneFile connection test failed');
      expect(failure).toMatchObject({ queue: QUEUE.refreshLinks, jobId: jobIds.connectionTest(), reason: expect.stringMatching(/^OneFileAuthError: POST \/Authentication: 401/) });
      for (const line of h.logs) {
        expect(line).not.toContain(wrongToken);
        expect(line).not.toContain(DEMO_CUSTOMER_TOKEN);
      }
    } finally {
      await h.t.db.updateTable('pics.onefile_settings').set({ customer_token: DEMO_CUSTOMER_TOKEN }).execute();
    }
  });

  it('records connected = false without calling OneFile when no token is set', async () => {
    await h.t.db.updateTable('pics.onefile_settings').set({ customer_token: '  ' }).execute();
    h.sim.resetStats();
    try {
      const job = await runTest();
      expect(job.returnvalue).toMatchObject({ ok: false, callsMade: 0 });
      expect((await settingsRow()).connection_ok).toBe(false);
      expect(h.sim.stats().byEndpoint).toEqual({});
    } finally {
      await h.t.db.updateTable('pics.onefile_settings').set({ customer_token: DEMO_CUSTOMER_TOKEN }).execute();
    }
  });

  it('reads the API version from the base URL path', () => {
    expect(apiVersionOf('https://wsapi.onefile.co.uk/api/v2.1')).toBe('v2.1');
    expect(apiVersionOf('http://127.0.0.1:8099/api/v2.1/')).toBe('v2.1');
    expect(apiVersionOf('http://127.0.0.1:8099/other')).toBe('unknown');
  });
});
