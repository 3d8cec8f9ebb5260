import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { configSchema } from '../../src/config/schema.js';
import { seedDemoPics } from '../../src/demo/seed-pics.js';
import { listLearnersInSyncScope } from '../../src/pics/index.js';
import { createProducer, type Producer } from '../../src/producer/index.js';
import { jobIds } from '../../src/queues/job-options.js';
import { QUEUE } from '../../src/queues/names.js';
import { ukToday } from '../../src/domain/dates.js';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { readRun } from '../../src/store/runs.js';
import { spawnDaemon, type DaemonProcess } from '../helpers/daemon-process.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { createTestRedis, type TestRedis } from '../helpers/redis.js';
import { allJobs, duplicatesIn, eventually, preEnrol, tearDown, waitForJobs } from './support.js';
import { standaloneRedis } from '../../src/redis.js';

/*
 * D10: the daily parent is crash-safe at each step boundary. A real worker process (the compiled daemon) is
 * killed with SIGKILL by a fail point (src/util/failpoint.ts) at the exact moment between two of the parent's
 * writes, then a fresh process is started without it, as a supervisor would. That process resumes the
 * parent from the step it recorded, and the run must come out as if nothing had happened:
 *   - daily-parent:run-started — the run's row written, its id not yet in the job's data: the resumed parent
 *     must carry on with that run, not leave it "running" for ever beside a second one;
 *   - daily-parent:fanned-out — the run's learner total written, the step not yet moved on: the resumed
 *     fan-out finds no more learners and must set the total, not add it a second time;
 *   - daily-parent:summarise-recorded — the step says "summarise" but the parent never reached
 *     waiting-children: the resumed parent must wait for its children before it writes the summary and
 *     Last Synchronised.
 * The killed process runs one daily job at a time, so the kill finds every child still to run; the restarted
 * one runs two at a time, against a OneFile answering in 100 ms, so the children take longer than the
 * parent's way back (its lock expiring, then the stalled check): a parent that does not wait is caught.
 */

const CHOICES = { pathways: { 3: 41301 } }; // Business Administrator has two OneFile pathways (Q2)

describe.each(['daily-parent:run-started', 'daily-parent:fanned-out', 'daily-parent:summarise-recorded'])('D10: the daily parent killed -9 at %s', (failpoint) => {
  let t: TestDatabase;
  let redis: TestRedis;
  let sim: SimulatorHandle;
  let producer: Producer;
  let env: Record<string, string>;
  const procs: DaemonProcess[] = [];

  beforeAll(async () => {
    t = await createTestDatabase();
    redis = createTestRedis();
    sim = await startSimulator({ seed: 'demo', rateLimit: 0, environment: 'practice', faults: { latency: { kind: 'fixed', ms: 100 } } });
    await seedDemoPics(t.db, { learners: 40, includeProblemLearners: false, today: ukToday() });
    env = {
      DATABASE_URL: t.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: redis.prefix, ONEFILE_BASE_URL: sim.baseUrl,
      ONEFILE_CALLS_PER_MINUTE: '60000', ONEFILE_TIMEOUT_MS: '5000', WORKER_LOCK_DURATION_MS: '4000', WORKER_STALLED_INTERVAL_MS: '1500',
      RETRY_BACKOFF_MS: '500', SHUTDOWN_GRACE_MS: '2000', DATABASE_POOL_SIZE: '4', LOG_LEVEL: 'info',
      DAILY_SYNC_CRON: '0 3 29 2 *', // the run is started here, not by the schedule
    };
    producer = createProducer({ redis: standaloneRedis(TEST_REDIS_URL, redis.prefix), db: t.db });
  }, 60_000);

  afterAll(async () => {
    await tearDown(procs, () => producer?.close(), () => sim?.close(), () => redis?.cleanup(), () => t?.drop());
  });

  it('resumes in a new process: the total set once, the summary and Last Synchronised after every child, each learner synced once', async () => {
    const doomed = await spawnDaemon({ ...env, WORKER_FAILPOINTS: failpoint, DAILY_SYNC_CONCURRENCY: '1' });
    procs.push(doomed);
    await producer.enqueueRefreshLinks('cli');
    const [links] = await waitForJobs(producer.queues[QUEUE.refreshLinks], [jobIds.refreshLinks()], 30_000);
    expect(links!.failedReason).toBeUndefined();
    await preEnrol(t.db, sim, 'all', CHOICES);
    const inScope = (await listLearnersInSyncScope(t.db, { afterId: 0, limit: 10_000, today: ukToday(), endedWithinDays: configSchema.sync.endedLearnerWindowDays.default })).map((l) => l.id);
    expect(inScope.length).toBeGreaterThan(20);

    const queue = producer.queues[QUEUE.dailySync];
    const { jobId: parentId } = await producer.enqueueDailyRun();
    let timer: NodeJS.Timeout | undefined;
    const death = await Promise.race([doomed.exited, new Promise((resolve) => (timer = setTimeout(resolve, 60_000, 'still running after 60 s')))]);
    clearTimeout(timer);
    expect(death).toBe('SIGKILL');
    expect(doomed.lines.filter((l) => l.includes('fail point reached'))).toEqual([expect.stringContaining(`"failpoint":"${failpoint}"`)]);

    procs.push(await spawnDaemon({ ...env, DAILY_SYNC_CONCURRENCY: '2' }));
    const [parent] = await waitForJobs(queue, [parentId], 120_000);
    const run = (await readRun(t.db))!;
    // A parent that did not wait leaves children running: let them end before looking.
    const children = await eventually(async () => {
      const jobs = (await allJobs(queue)).filter((j) => j.name === 'sync-learner' && j.data.runId === run.id);
      return { jobs, states: await Promise.all(jobs.map((j) => j.getState())) };
    }, ({ jobs, states }) => jobs.length >= inScope.length && states.every((s) => s === 'completed' || s === 'failed'), { timeoutMs: 60_000, what: "the run's children finished" });

    // Each learner in scope synced by one child job of this run, recorded once, nothing created twice in OneFile.
    expect(children.jobs.map((j) => j.data.learnerId as number).sort((a, b) => a - b)).toEqual(inScope);
    expect(new Set(children.states)).toEqual(new Set(['completed']));
    const rows = await t.db.selectFrom('eportfolio_sync.sync_learner').selectAll().where('run_id', '=', run.id).orderBy('learner_id').execute();
    expect(rows.map((r) => [r.learner_id, r.status])).toEqual(inScope.map((id) => [id, 'completed']));
    expect(duplicatesIn(sim)).toEqual([]);
    // The total set once; the summary and Last Synchronised written after the last child's finish, never before.
    const done = (await readRun(t.db, run.id))!;
    expect(done).toMatchObject({ status: 'completed', learnersTotal: inScope.length, learnersSynced: inScope.length, learnersFailed: 0, error: null });
    const lastChild = Math.max(...rows.map((r) => r.finished_at.getTime()));
    expect(done.finishedAt!.getTime()).toBeGreaterThanOrEqual(lastChild);
    const settings = await t.db.selectFrom('pics.onefile_settings').select('last_synchronised_at').executeTakeFirstOrThrow();
    expect(settings.last_synchronised_at!.getTime()).toBeGreaterThanOrEqual(lastChild);
    // One run, and none left running by the process that died.
    const runs = await t.db.selectFrom('eportfolio_sync.sync_run').select(['id', 'status']).execute();
    expect(runs).toEqual([{ id: run.id, status: 'completed' }]);
    expect({ state: await parent!.getState(), failedReason: parent!.failedReason }).toEqual({ state: 'completed', failedReason: undefined });
  }, 240_000);
});
