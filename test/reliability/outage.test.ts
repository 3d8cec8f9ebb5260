import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDb, type Database } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { seedDemoPics } from '../../src/demo/seed-pics.js';
import { createProducer, type Producer } from '../../src/producer/index.js';
import { jobIds } from '../../src/queues/job-options.js';
import { QUEUE } from '../../src/queues/names.js';
import { ukToday } from '../../src/domain/dates.js';
import type { SimulatorHandle } from '../../src/simulator/index.js';
import { startWorkerSimulator } from '../helpers/simulator.js';
import { readRun } from '../../src/store/runs.js';
import { spawnDaemon, type DaemonProcess } from '../helpers/daemon-process.js';
import { startPrivatePostgres, type PrivatePostgres } from '../helpers/private-postgres.js';
import {
  allJobs, disagreements, duplicatesIn, enrolableLearners, eventually, getJson, preEnrol, sleep, startPrivateRedis, trace, waitForJobs,
  type PrivateRedis,
} from './support.js';
import { changeInOneFile, missingInPics, reviewsNotUploaded, type ExpectedInPics } from './scenario.js';
import { standaloneRedis } from '../../src/redis.js';

/*
 * Outages: a real daemon process on a Redis and a PostgreSQL of the test's own, which the test really stops
 * for 10 s each in the middle of enrols and a daily sync (Redis first, then Postgres). Throughout, the
 * process stays up and /healthz answers 200; /readyz answers 503 naming the dependency that is down; once it
 * is back, every job finishes — completed, none lost — and PICS and OneFile agree.
 *
 * Redis stops with SHUTDOWN SAVE and restarts from that snapshot (a production Redis keeps its data across a
 * restart). Locks last 15 s here, longer than the outage, as production's 30 s do. Retries start at 2 s
 * (RETRY_BACKOFF_MS; 5 s in production) so a learner's sync, with its 5 attempts, outlasts a 10 s Postgres
 * outage, as it does with the production backoff.
 */

const OUTAGE_MS = 10_000;
const CHOICES = { pathways: { 3: 41301 } };
const PREFIX = 'outage';

describe('Redis, then PostgreSQL, stopped for 10 s mid-run', () => {
  let pg: PrivatePostgres;
  let redis: PrivateRedis;
  let db: Database;
  let sim: SimulatorHandle;
  let producer: Producer;
  let daemon: DaemonProcess;

  const health = async () => {
    const [live, ready] = await Promise.all([getJson(`${daemon.url}/healthz`), getJson(`${daemon.url}/readyz`)]);
    return { alive: daemon.child.exitCode === null && daemon.child.signalCode === null, healthz: live.status, readyz: ready.status, checks: ready.body.checks };
  };

  /** Stops a dependency for OUTAGE_MS, watching the daemon throughout; returns what /readyz said while it was down. */
  async function outage(name: 'redis' | 'postgres', stop: () => Promise<void>, start: () => Promise<void>, work: { enrols: string[] }) {
    // Mid-run: enrols still to finish when the dependency goes.
    const done = await producer.queues[QUEUE.enrol].getJobCounts('completed');
    trace(`${name} stops with ${done.completed} enrols completed`);
    expect(done.completed).toBeLessThan(work.enrols.length + (name === 'postgres' ? 30 : 0));
    await stop();
    const stoppedAt = Date.now();
    const seen: Awaited<ReturnType<typeof health>>[] = [];
    while (Date.now() - stoppedAt < OUTAGE_MS) {
      seen.push(await health());
      await sleep(500);
    }
    await start();
    trace(`${name} back after ${Date.now() - stoppedAt} ms`);
    // Down: every sample alive with /healthz 200; /readyz 503 naming the dependency (after the first moments).
    expect(seen.every((s) => s.alive && s.healthz === 200)).toBe(true);
    const other = name === 'redis' ? 'postgres' : 'redis';
    expect(seen.slice(-6)).toEqual(Array(6).fill({ alive: true, healthz: 200, readyz: 503, checks: {
      [name]: expect.stringMatching(/^down: /), [other]: 'ok',
      // Advisory outside production: while Redis is away its policy cannot be read, which warns but is not "down".
      redisMaxmemoryPolicy: name === 'redis' ? expect.stringMatching(/^warn: /) : 'ok: noeviction',
    } }));
    await eventually(health, (s) => s.readyz === 200, { timeoutMs: 20_000, what: `/readyz ready after ${name} returned` });
    // PICSWeb's producer fails fast while Redis is away, and works again by itself once it is back.
    await eventually(() => producer.queues[QUEUE.enrol].getJobCounts('completed'), () => true, { timeoutMs: 30_000, what: 'producer connected again' });
    trace(`ready again after ${Date.now() - stoppedAt} ms`);
  }

  beforeAll(async () => {
    [pg, redis] = await Promise.all([startPrivatePostgres(), startPrivateRedis()]);
    db = createDb({ url: pg.url, poolSize: 4 });
    await migrateToLatest(db, 'pics-dev');
    await migrateToLatest(db, 'worker');
    await seedDemoPics(db, { learners: 160, includeProblemLearners: false, today: ukToday() });
    sim = await startWorkerSimulator({ faults: { seed: 7, latency: { kind: 'uniform', minMs: 20, maxMs: 60 } } });
    daemon = await spawnDaemon({
      DATABASE_URL: pg.url, REDIS_URL: redis.url, REDIS_PREFIX: PREFIX, ONEFILE_BASE_URL: sim.baseUrl, ONEFILE_CALLS_PER_MINUTE: '60000',
      ONEFILE_TIMEOUT_MS: '5000', ENROL_CONCURRENCY: '3', DAILY_SYNC_CONCURRENCY: '6', WORKER_LOCK_DURATION_MS: '15000',
      WORKER_STALLED_INTERVAL_MS: '5000', RETRY_BACKOFF_MS: '2000', SHUTDOWN_GRACE_MS: '3000', DATABASE_POOL_SIZE: '6',
      DAILY_SYNC_CRON: '0 3 29 2 *', // runs are started here, not by the schedule
    });
    void daemon.exited.then((code) => trace(`daemon exited (${code}):\n${daemon.lines.slice(-30).join('\n')}`));
    producer = createProducer({ redis: standaloneRedis(redis.url, PREFIX), db });
    await producer.enqueueRefreshLinks('cli');
    const [links] = await waitForJobs(producer.queues[QUEUE.refreshLinks], [jobIds.refreshLinks()], 30_000);
    expect(links!.failedReason).toBeUndefined();
    await eventually(health, (s) => s.readyz === 200, { what: 'daemon ready' });
  }, 90_000);

  afterAll(async () => {
    if (daemon && daemon.child.exitCode === null && daemon.child.signalCode === null) {
      daemon.child.kill('SIGKILL');
      await daemon.exited;
    }
    for (const close of [() => producer?.close(), () => sim?.close(), () => db?.destroy(), () => redis?.destroy(), () => pg?.destroy()]) {
      await Promise.resolve().then(close).catch(() => {}); // one failing must not leave the others running
    }
  });

  /** Enrols `count` learners and, once they are under way, starts a daily run over the learners already in OneFile. */
  async function startWork(count: number) {
    const learners = await enrolableLearners(db, CHOICES, count);
    expect(learners).toHaveLength(count);
    const enrols: string[] = [];
    for (const id of learners) enrols.push((await producer.enqueueEnrol(id, CHOICES)).jobId);
    const daily = (await producer.enqueueDailyRun()).jobId;
    // Under way: a few enrols done, the rest not.
    await eventually(() => producer.queues[QUEUE.enrol].getJobCounts('completed'), (c) => (c.completed ?? 0) >= 3, { intervalMs: 50, what: 'enrols under way' });
    return { learners, enrols, daily };
  }

  async function expectAllFinished(work: { learners: number[]; enrols: string[]; daily: string }, oneFileChanges: ExpectedInPics[]) {
    const enrolJobs = await waitForJobs(producer.queues[QUEUE.enrol], work.enrols, 90_000);
    // (failedReason keeps an earlier attempt's error when a retry completes: the state is what counts.)
    expect(await Promise.all(enrolJobs.map(async (j) => ({ id: j.id, state: await j.getState() }))))
      .toEqual(work.enrols.map((id) => ({ id, state: 'completed' })));
    const statuses = await db.selectFrom('eportfolio_sync.enrol').select(['learner_id', 'status']).where('learner_id', 'in', work.learners).execute();
    expect(statuses.filter((s) => s.status === 'completed')).toHaveLength(work.learners.length);

    const queue = producer.queues[QUEUE.dailySync];
    const [parent] = await waitForJobs(queue, [work.daily], 90_000);
    expect(await parent!.getState()).toBe('completed');
    const run = await readRun(db);
    const children = (await allJobs(queue)).filter((j) => j.name === 'sync-learner' && j.data.runId === run!.id);
    expect(children.length).toBe(run!.learnersTotal);
    for (const child of children) expect({ id: child.id, state: await child.getState() }).toEqual({ id: child.id, state: 'completed' });
    expect(run).toMatchObject({ status: 'completed', learnersSynced: run!.learnersTotal, learnersFailed: 0 });
    expect(duplicatesIn(sim)).toEqual([]);
    expect(await disagreements(db, sim)).toEqual([]);
    // Nothing lost to the outage, from the scenario: every review the enrols upload (E3) is in OneFile, and every
    // change made in OneFile before the run is in PICS.
    expect(await reviewsNotUploaded(db, sim, { learnerIds: work.learners, firstSynced: new Set(), today: ukToday() })).toEqual([]);
    expect(oneFileChanges.length).toBeGreaterThan(0);
    expect(await missingInPics(db, oneFileChanges)).toEqual([]);
  }
  /** OneFile-side changes to a third of the learners already in OneFile, for the next run to bring into PICS. */
  const changeSome = async () =>
    changeInOneFile(db, sim, (await db.selectFrom('pics.learner').select('id').where('onefile_id', 'is not', null).where('status', '=', 'Live')
      .where('actual_end_date', 'is', null).orderBy('id').execute()).map((l) => l.id), 3);

  it('Redis: the daemon stays up, /readyz names redis, and every job finishes once Redis is back', async () => {
    await preEnrol(db, sim, (await enrolableLearners(db, CHOICES, 120)).slice(30), CHOICES);
    const changes = await changeSome();
    const work = await startWork(30);
    await outage('redis', () => redis.stop(), () => redis.start(), work);
    await expectAllFinished(work, changes);
    expect(daemon.lines.filter((l) => /"level":(50|60)/.test(l) && /uncaught|unhandled/i.test(l))).toEqual([]);
  }, 120_000);

  it('Postgres: the daemon stays up, /readyz names postgres, and every job finishes once Postgres is back', async () => {
    const changes = await changeSome();
    const work = await startWork(30);
    await outage('postgres', () => pg.stop(), () => pg.start(), work);
    await expectAllFinished(work, changes);
    expect(daemon.lines.filter((l) => /"level":(50|60)/.test(l) && /uncaught|unhandled/i.test(l))).toEqual([]);
    // The outage did reach jobs (their attempts failed on Postgres) and each recovered by retrying.
    const retried = (await allJobs(producer.queues[QUEUE.enrol])).filter((j) => /ECONNREFUSED|terminat/i.test(j.failedReason ?? '') && j.attemptsMade > 1);
    expect(retried.length).toBeGreaterThan(0);

    // And after both outages it still shuts down cleanly.
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
  }, 120_000);
});
