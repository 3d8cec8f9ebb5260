import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { configSchema } from '../../src/config/schema.js';
import { seedDemoPics } from '../../src/demo/seed-pics.js';
import { listLearnersInSyncScope } from '../../src/pics/index.js';
import { createProducer, type Producer } from '../../src/producer/index.js';
import { jobIds } from '../../src/queues/job-options.js';
import { QUEUE } from '../../src/queues/names.js';
import { ukToday } from '../../src/domain/dates.js';
import type { SimulatorHandle } from '../../src/simulator/index.js';
import { startWorkerSimulator } from '../helpers/simulator.js';
import { readRun } from '../../src/store/runs.js';
import { spawnDaemon, type DaemonProcess } from '../helpers/daemon-process.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import {
  allJobs, disagreements, duplicatesIn, enrolableLearners, eventually, preEnrol, sleep, startPrivateRedis, trace, waitForJobs, type PrivateRedis,
} from './support.js';
import { standaloneRedis } from '../../src/redis.js';

/*
 * Issue 15 item 5, as it happens in production: Redis hangs (SIGSTOP — connections open, nothing answered) for
 * longer than a job's lock (45 s against the default 30 s), so BullMQ hands running jobs to the other worker
 * process once Redis answers again, while the first attempts are still alive. Twice during 40 enrols, and once
 * during a daily sync, with two worker processes. Every job must finish, with no duplicate in OneFile or PICS,
 * no 429 from the shared budget (its state lives in the frozen Redis, which keeps it), and the shared OneFile
 * session made once. OneFile answers slowly here (0.2–0.4 s a call), so the freezes land mid-work.
 */

const FREEZE_MS = 45_000;
const CHOICES = { pathways: { 3: 41301 } };
const PREFIX = 'freeze';

describe('Redis hangs longer than a job lock, with two worker processes', () => {
  let t: TestDatabase;
  let redis: PrivateRedis;
  let sim: SimulatorHandle;
  let producer: Producer;
  const daemons: DaemonProcess[] = [];

  async function freeze(what: string) {
    trace(`Redis frozen (${what})`);
    redis.freeze();
    await sleep(FREEZE_MS);
    redis.thaw();
    trace('Redis answers again');
  }

  beforeAll(async () => {
    t = await createTestDatabase();
    redis = await startPrivateRedis();
    await seedDemoPics(t.db, { learners: 160, includeProblemLearners: false, today: ukToday() });
    sim = await startWorkerSimulator({ rateLimit: 3_000, faults: { seed: 11, latency: { kind: 'uniform', minMs: 200, maxMs: 400 } } });
    const env = {
      DATABASE_URL: t.url, REDIS_URL: redis.url, REDIS_PREFIX: PREFIX, ONEFILE_BASE_URL: sim.baseUrl, ONEFILE_CALLS_PER_MINUTE: '3000',
      ONEFILE_TIMEOUT_MS: '5000', ENROL_CONCURRENCY: '3', DAILY_SYNC_CONCURRENCY: '6', WORKER_STALLED_INTERVAL_MS: '5000',
      RETRY_BACKOFF_MS: '2000', SHUTDOWN_GRACE_MS: '3000', DATABASE_POOL_SIZE: '10', DAILY_SYNC_CRON: '0 3 29 2 *',
    };
    for (let i = 0; i < 2; i++) daemons.push(await spawnDaemon(env));
    producer = createProducer({ redis: standaloneRedis(redis.url, PREFIX), db: t.db });
    await producer.enqueueRefreshLinks('cli');
    const [links] = await waitForJobs(producer.queues[QUEUE.refreshLinks], [jobIds.refreshLinks()], 30_000);
    expect(links!.failedReason).toBeUndefined();
  }, 90_000);

  afterAll(async () => {
    redis?.thaw();
    for (const d of daemons) {
      if (d.child.exitCode === null && d.child.signalCode === null) d.child.kill('SIGKILL');
      await d.exited;
    }
    for (const close of [() => producer?.close(), () => sim?.close(), () => redis?.destroy(), () => t?.drop()]) {
      await Promise.resolve().then(close).catch(() => {});
    }
  });

  it('40 enrols through two freezes, then a daily sync through one: every job finishes, nothing twice', async () => {
    const learners = await enrolableLearners(t.db, CHOICES, 120);
    await preEnrol(t.db, sim, learners.slice(40), CHOICES);
    const enrols: string[] = [];
    for (const id of learners.slice(0, 40)) enrols.push((await producer.enqueueEnrol(id, CHOICES)).jobId);
    const enrolQueue = producer.queues[QUEUE.enrol];
    const completed = async () => (await enrolQueue.getJobCounts('completed')).completed ?? 0;
    await eventually(completed, (n) => n >= 3, { timeoutMs: 60_000, intervalMs: 100, what: 'enrols under way' });
    await freeze(`${await completed()} of 40 enrols done`);
    await sleep(3_000);
    const between = await completed();
    expect(between).toBeLessThan(40); // the second freeze too lands mid-work
    await freeze(`${between} of 40 enrols done`);

    const enrolJobs = await waitForJobs(enrolQueue, enrols, 180_000);
    // A failed one shows why, in the failure message.
    const ended = await Promise.all(enrolJobs.map(async (j) => {
      const state = await j.getState();
      return state === 'completed' ? { id: j.id, state } : { id: j.id, state, why: j.failedReason };
    }));
    expect(ended).toEqual(enrols.map((id) => ({ id, state: 'completed' })));
    const statuses = await t.db.selectFrom('eportfolio_sync.enrol').select('status').where('learner_id', 'in', learners.slice(0, 40)).execute();
    expect(statuses.map((s) => s.status)).toEqual(Array(40).fill('completed'));

    const daily = (await producer.enqueueDailyRun()).jobId;
    const syncQueue = producer.queues[QUEUE.dailySync];
    const synced = async () => (await t.db.selectFrom('eportfolio_sync.sync_learner').select((eb) => eb.fn.countAll<string>().as('n')).where('status', '=', 'completed').executeTakeFirstOrThrow()).n;
    await eventually(synced, (n) => Number(n) >= 10, { timeoutMs: 60_000, intervalMs: 100, what: 'daily sync under way' });
    await freeze(`${await synced()} learners synced`);
    const [parent] = await waitForJobs(syncQueue, [daily], 180_000);
    expect(await parent!.getState()).toBe('completed');
    const run = (await readRun(t.db))!;
    const inScope = (await listLearnersInSyncScope(t.db, { afterId: 0, limit: 10_000, today: ukToday(), endedWithinDays: configSchema.sync.endedLearnerWindowDays.default })).length;
    expect(inScope).toBeGreaterThan(100);
    expect(run).toMatchObject({ status: 'completed', learnersTotal: inScope, learnersSynced: inScope, learnersFailed: 0 });
    const children = (await allJobs(syncQueue)).filter((j) => j.name === 'sync-learner' && j.data.runId === run.id);
    expect(children).toHaveLength(inScope);
    for (const child of children) expect({ id: child.id, state: await child.getState() }).toEqual({ id: child.id, state: 'completed' });

    // Nothing twice, in OneFile or in PICS; PICS and OneFile agree record for record.
    expect(duplicatesIn(sim)).toEqual([]);
    const twice = await sql<{ onefile_system_id: number }>`select onefile_system_id from pics.review where onefile_system_id is not null
      group by onefile_system_id having count(*) > 1`.execute(t.db);
    expect(twice.rows).toEqual([]);
    expect(await disagreements(t.db, sim)).toEqual([]);
    // The budget kept its state through the freezes (a hung Redis forgets nothing): OneFile never refused a call.
    expect(sim.stats().overLimit).toBe(0);
    // One OneFile session, shared by both processes throughout.
    expect(Object.values(sim.stats().byEndpoint['POST /Authentication'] ?? {}).reduce((a, b) => a + b, 0)).toBe(1);
    for (const d of daemons) expect(d.lines.filter((l) => /"level":(50|60)/.test(l) && /uncaught|unhandled/i.test(l))).toEqual([]);
    // Attempts really were cut short by a lost lock (their stalls not counted as crashes), in both phases.
    const losses = await t.db.selectFrom('eportfolio_sync.job_lock_loss').select(['queue', 'job_id']).execute();
    trace(`attempts stopped for a lost lock: ${losses.length}`);
    expect(new Set(losses.map((l) => l.queue))).toEqual(new Set([QUEUE.enrol, QUEUE.dailySync]));
  }, 420_000);
});
