import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { seedDemoPics } from '../../src/demo/seed-pics.js';
import { createProducer, type Producer } from '../../src/producer/index.js';
import { jobIds } from '../../src/queues/job-options.js';
import { QUEUE } from '../../src/queues/names.js';
import { ukToday } from '../../src/domain/dates.js';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { spawnDaemon, type DaemonProcess } from '../helpers/daemon-process.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { createTestRedis, type TestRedis } from '../helpers/redis.js';
import { preEnrol, tearDown, waitForJobs } from './support.js';
import { standaloneRedis } from '../../src/redis.js';

/*
 * D6, issue 15 item 2: nothing is remembered as seen before PICS has it. A worker process is killed -9 (a fail
 * point, src/util/failpoint.ts) after its sync has read a review held in OneFile and before it wrote anything;
 * a fresh process, as a supervisor would start, must write that review's attendance, dates and officer.
 * The learner's lease is short here (3 s) so the restarted attempt does not wait out the dead one's 30 s.
 */

const CHOICES = { pathways: { 3: 41301 } };

describe('D6: a sync killed -9 between its reads and its PICS write', () => {
  let t: TestDatabase;
  let redis: TestRedis;
  let sim: SimulatorHandle;
  let producer: Producer;
  let env: Record<string, string>;
  const procs: DaemonProcess[] = [];

  beforeAll(async () => {
    t = await createTestDatabase();
    redis = createTestRedis();
    sim = await startSimulator({ seed: 'demo', rateLimit: 0, environment: 'practice' });
    await seedDemoPics(t.db, { learners: 4, includeProblemLearners: false, today: ukToday() });
    env = {
      DATABASE_URL: t.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: redis.prefix, ONEFILE_BASE_URL: sim.baseUrl,
      ONEFILE_CALLS_PER_MINUTE: '60000', ONEFILE_TIMEOUT_MS: '5000', WORKER_LOCK_DURATION_MS: '4000', WORKER_STALLED_INTERVAL_MS: '1500',
      WORKER_LEARNER_LEASE_MS: '3000', RETRY_BACKOFF_MS: '500', SHUTDOWN_GRACE_MS: '2000', DATABASE_POOL_SIZE: '4', DAILY_SYNC_CRON: '0 3 29 2 *',
    };
    producer = createProducer({ redis: standaloneRedis(TEST_REDIS_URL, redis.prefix), db: t.db });
  }, 60_000);

  afterAll(async () => {
    await tearDown(procs, () => producer?.close(), () => sim?.close(), () => redis?.cleanup(), () => t?.drop());
  });

  it('the fresh process writes the held review into PICS', async () => {
    const first = await spawnDaemon(env);
    procs.push(first);
    await producer.enqueueRefreshLinks('cli');
    await waitForJobs(producer.queues[QUEUE.refreshLinks], [jobIds.refreshLinks()], 30_000);
    const learnerId = await producer.resolveLearnerIdent('L0001');
    await preEnrol(t.db, sim, [learnerId], CHOICES);
    // A first sync uploads the learner's future reviews (D5/D11).
    const { jobId: upload } = await producer.enqueueLearnerSync(learnerId);
    const [uploaded] = await waitForJobs(producer.queues[QUEUE.dailySync], [upload], 30_000);
    expect(await uploaded!.getState()).toBe('completed');
    first.child.kill('SIGTERM');
    await first.exited;
    await producer.queues[QUEUE.dailySync].remove(upload);

    const review = await t.db.selectFrom('pics.review').selectAll().where('learner_id', '=', learnerId).where('onefile_system_id', 'is not', null)
      .where('planned_date', '>', ukToday()).orderBy('planned_date').executeTakeFirstOrThrow();
    const heldAt = `${ukToday()}T09:30:00.000Z`;
    sim.seed({ reviews: [{ ID: review.onefile_system_id!, StartedOn: heldAt, LearnerSignedOn: heldAt }] });

    const doomed = await spawnDaemon({ ...env, WORKER_FAILPOINTS: 'sync:after-load' });
    procs.push(doomed);
    const { jobId } = await producer.enqueueLearnerSync(learnerId);
    expect(await doomed.exited).toBe('SIGKILL');
    expect(doomed.lines.some((l) => l.includes('"failpoint":"sync:after-load"'))).toBe(true);
    const between = await t.db.selectFrom('pics.review').select('attended').where('id', '=', review.id).executeTakeFirstOrThrow();
    expect(between.attended).toBe('U');

    procs.push(await spawnDaemon(env));
    const [job] = await waitForJobs(producer.queues[QUEUE.dailySync], [jobId], 60_000);
    expect(await job!.getState()).toBe('completed');
    const after = await t.db.selectFrom('pics.review').selectAll().where('id', '=', review.id).executeTakeFirstOrThrow();
    expect(after).toMatchObject({ attended: 'Y', actual_date: ukToday(), trainee_signed_date: ukToday() });
  }, 120_000);
});
