import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logging/logger.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { QUEUE } from '../../src/queues/names.js';
import { finishSyncRun, startSyncRun } from '../../src/store/runs.js';
import { startHarness, type Harness } from '../helpers/harness.js';

// The series the alert rules of deploy/prometheus/alerts.yml need beyond the job and OneFile counters.

const quietLogger = () => createLogger({ level: 'silent', pretty: false }, new Writable({ write: (_c, _e, done) => done() }));
const sample = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('dependency, daily-run and connection-test gauges on a real daemon /metrics', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });

  it('reports Postgres and Redis up, and the last completed daily run and connection test from Postgres', async () => {
    const before = await (await fetch(`${h.daemon.http.url}/metrics`)).text();
    expect(sample(before, 'worker_dependency_up{dependency="postgres"}')).toBe(1);
    expect(sample(before, 'worker_dependency_up{dependency="redis"}')).toBe(1);
    expect(sample(before, 'daily_sync_last_completed_timestamp_seconds')).toBeUndefined();

    // A real connection test through the real worker, and a daily run recorded as the daily parent does.
    const { jobId } = await h.producer.enqueueConnectionTest('user');
    const job = await h.waitForJob(h.producer.queues[QUEUE.refreshLinks], jobId);
    expect(job.failedReason).toBeUndefined();
    const runId = await startSyncRun(h.t.db, { kind: 'daily', jobId: 'daily-sync-test' });
    const run = await finishSyncRun(h.t.db, runId, 'completed');
    // An on-demand run finishing later is not a daily run: it must not move the gauge.
    await finishSyncRun(h.t.db, await startSyncRun(h.t.db, { kind: 'on_demand', jobId: null }), 'completed');
    const settings = await h.t.db.selectFrom('pics.onefile_settings').select(['connection_ok', 'connection_checked_at']).executeTakeFirstOrThrow();
    expect(settings.connection_ok).toBe(true);

    const after = await (await fetch(`${h.daemon.http.url}/metrics`)).text();
    expect(after).toMatch(/^# TYPE worker_dependency_up gauge$/m);
    expect(sample(after, 'daily_sync_last_completed_timestamp_seconds')).toBe(run.finishedAt!.getTime() / 1000);
    expect(sample(after, 'onefile_connection_test_ok')).toBe(1);
    expect(sample(after, 'onefile_connection_test_timestamp_seconds')).toBe(settings.connection_checked_at!.getTime() / 1000);

    // A failed test shows as 0.
    await h.t.db.updateTable('pics.onefile_settings').set({ connection_ok: false }).execute();
    const failed = await (await fetch(`${h.daemon.http.url}/metrics`)).text();
    expect(sample(failed, 'onefile_connection_test_ok')).toBe(0);
  }, 60_000);
});

describe('the gauges when a dependency is down', () => {
  it('reports a failing check as 0, and drops the Postgres-read series when the read fails', async () => {
    const metrics = createMetrics({ queues: [], logger: quietLogger() });
    metrics.watchDependencies([
      { name: 'postgres', check: () => Promise.resolve() },
      { name: 'redis', check: () => Promise.reject(new Error('connection refused')) },
    ]);
    metrics.watchOpsState(() => Promise.reject(new Error('connection refused')));
    const text = await metrics.registry.metrics();
    expect(sample(text, 'worker_dependency_up{dependency="postgres"}')).toBe(1);
    expect(sample(text, 'worker_dependency_up{dependency="redis"}')).toBe(0);
    expect(sample(text, 'daily_sync_last_completed_timestamp_seconds')).toBeUndefined();
    expect(sample(text, 'onefile_connection_test_ok')).toBeUndefined();
  });
});
