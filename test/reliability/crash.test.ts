import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Job } from 'bullmq';
import { configSchema } from '../../src/config/schema.js';
import { listLearnersInSyncScope } from '../../src/pics/index.js';
import type { Producer } from '../../src/producer/index.js';
import { jobIds } from '../../src/queues/job-options.js';
import { QUEUE } from '../../src/queues/names.js';
import { ukToday } from '../../src/domain/dates.js';
import type { SimulatorHandle } from '../../src/simulator/index.js';
import { mulberry32 } from '../../src/util/prng.js';
import { readRun } from '../../src/store/runs.js';
import { spawnDaemon, type DaemonProcess } from '../helpers/daemon-process.js';
import { startKillFixture, type KillFixture } from './fixture.js';
import type { TestDatabase } from '../helpers/database.js';
import { allJobs, disagreements, duplicatesButVisitsIn, enrolableLearners, eventually, preEnrol, sleep, trace, waitForJobs } from './support.js';
import { aimFieldsApart, changeInOneFile, missingInPics, reviewsNotUploaded } from './scenario.js';

/*
 * Crashes: two real worker processes share one database, one Redis prefix and one OneFile simulator; `kill -9`
 * lands on one of them at seeded random moments while enrols and then a daily sync run, and each killed
 * process is restarted at once. Afterwards every job has ended (completed, or failed with its reason in
 * BullMQ and in the worker's schema), OneFile holds no duplicate, and PICS and OneFile agree field by field.
 *
 * Scale: as the issue asks, 50 enrols through the API and a sync over 500 generated learners — every one in
 * scope (about 450; the rest are dormant or ended). The other ~450 are put into OneFile beforehand without the
 * API (support.ts preEnrol, read off PICS by the SPEC's rules, not the worker's plan), because 450 more real enrols would cost half a
 * minute of the two shared cores while teaching nothing the 50 do not; the sync then uploads their reviews, so
 * it writes to OneFile under the kills too. The whole file runs in about a minute. Locks last 4 s and each
 * process looks for stalled jobs every 1.5 s (workers.lockDurationMs / stalledIntervalMs, 30 s each in
 * production), so a killed process's jobs come back within seconds; workers.maxStalledCount keeps its
 * production value (1), so a job killed twice fails, recorded, and is asked for again as a user would.
 */

const SEED = 20261124;
const LEARNERS = 500;
const ENROLS = 50;
const ENROL_KILLS = 5;
const SYNC_KILLS = 7;
/** The floor over the whole file: at least 10 kill -9s, each followed by a restart. */
const MIN_KILLS = 10;
// Every call is made at once and answered 30–120 ms later: a kill in that window leaves a OneFile write the
// worker never heard back from (a learner, aim, visit or review it must not make twice).
const LATENCY = { kind: 'uniform', minMs: 30, maxMs: 120, when: 'after' } as const;
const CHOICES = { pathways: { 3: 41301 } }; // Business Administrator has two OneFile pathways (Q2)

describe('kill -9 across two worker processes during enrols and a daily sync', () => {
  let t: TestDatabase;
  let sim: SimulatorHandle;
  let producer: Producer;
  let env: Record<string, string>;
  const procs: DaemonProcess[] = [];
  const random = mulberry32(SEED);
  let kills = 0;
  let enrolKillsMissed = 0;
  const killLog: string[] = [];
  const enrolledByWorker: number[] = [];

  async function killAndRestart(index: number, why: string): Promise<void> {
    const victim = procs[index]!;
    victim.child.kill('SIGKILL');
    expect(await victim.exited).toBe('SIGKILL');
    kills++;
    killLog.push(`#${kills} process ${index} at ${why}`);
    trace(killLog.at(-1)!);
    procs[index] = await spawnDaemon(env);
  }

  /**
   * Kills one of the processes (seeded choice, after a seeded pause of up to 0.3 s) each time the work's
   * progress passes one of `count` thresholds, spread evenly (with seeded jitter) over 5–75% of `total`, and
   * restarts it at once; then waits for the work to finish. Progress, not the clock, so a slow machine gets
   * the same kills. Returns the kills not made because the work finished first. Bounded by `timeoutMs`.
   */
  /** Polls the simulator until some write's answer is held back; returns how many are (0 if none came in time). */
  async function writeAwaitingAnswer(timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (sim.stats().writesAwaitingAnswer === 0 && Date.now() < deadline) await sleep(2);
    return sim.stats().writesAwaitingAnswer;
  }

  /** The kills really interrupted work: jobs started more than once, and writes made whose answer never arrived. */
  function expectInterrupted(jobs: Job[], abandonedBefore = 0) {
    const restarted = jobs.filter((j) => (j.attemptsStarted ?? 0) > 1).map((j) => j.id);
    const seen = { restartedJobs: restarted.length, writesAbandoned: sim.stats().abandoned - abandonedBefore, kills: killLog };
    if (seen.restartedJobs === 0 || seen.writesAbandoned === 0) {
      throw new Error(`the kills interrupted nothing: ${JSON.stringify(seen, null, 1)}`);
    }
  }

  async function runWithKills(count: number, progress: () => Promise<number>, total: number, finished: () => Promise<boolean>, timeoutMs: number) {
    const thresholds = Array.from({ length: count }, (_, i) => Math.floor(total * (0.05 + (0.7 * (i + random())) / count)));
    const deadline = Date.now() + timeoutMs;
    while (!(await finished())) {
      if (Date.now() > deadline) throw new Error(`work not finished after ${timeoutMs} ms; kills: ${killLog.join('; ')}`);
      const done = await progress();
      if (thresholds.length > 0 && thresholds[0]! <= done) {
        thresholds.shift();
        await sleep(random() * 300);
        // Between a write and its answer: wait (briefly) for a OneFile write whose answer is still held back.
        const inWindow = await writeAwaitingAnswer(2_000);
        await killAndRestart(Math.floor(random() * procs.length), `${done}/${total} finished, ${inWindow} write(s) awaiting their answer`);
      }
      await sleep(100);
    }
    return thresholds.length;
  }

  let fixture: KillFixture | undefined;
  beforeAll(async () => {
    // OneFile is remote: 20–60 ms a call, so a kill finds jobs mid-flight between a OneFile write and its write-back.
    fixture = await startKillFixture({
      learners: LEARNERS, faults: { seed: SEED, latency: LATENCY },
      env: { ENROL_CONCURRENCY: '4', DAILY_SYNC_CONCURRENCY: '8', DATABASE_POOL_SIZE: '6', LOG_LEVEL: 'info' },
    });
    ({ t, sim, producer, env } = fixture);
    procs.push(await spawnDaemon(env), await spawnDaemon(env));
    trace('daemons started');
    // The first process to start queues the links refresh (links are missing); wait for it.
    await producer.enqueueRefreshLinks('cli');
    const [links] = await waitForJobs(producer.queues[QUEUE.refreshLinks], [jobIds.refreshLinks()], 30_000);
    expect(links!.failedReason).toBeUndefined();
    trace('links refreshed');
  }, 60_000);

  afterAll(() => fixture?.close(procs));

  /** Every job ended, and the worker's schema recorded how: the outcome row and, when it failed, why. */
  async function expectEveryJobRecorded(jobs: Job[], queue: string) {
    const outcomes = await t.db.selectFrom('eportfolio_sync.job_outcome').selectAll().where('queue', '=', queue).execute();
    for (const job of jobs) {
      const state = await job.getState();
      expect({ id: job.id, state }).toEqual({ id: job.id, state: expect.stringMatching(/^(completed|failed)$/) });
      const rows = outcomes.filter((o) => o.job_id === job.id);
      const last = rows.at(-1);
      if (state === 'failed') {
        expect(job.failedReason).toEqual(expect.any(String));
        expect({ id: job.id, failedReason: job.failedReason, outcome: last?.outcome, reason: last?.reason })
          .toEqual({ id: job.id, failedReason: job.failedReason, outcome: 'failed', reason: expect.any(String) });
      } else {
        expect({ id: job.id, outcome: last?.outcome }).toEqual({ id: job.id, outcome: 'completed' });
      }
    }
  }

  it('a job whose worker process dies twice under it fails with that reason recorded; asking again finishes the enrol', async () => {
    const [learnerId] = await enrolableLearners(t.db, CHOICES, 1);
    const queue = producer.queues[QUEUE.enrol];
    // Every OneFile call takes 1.5 s, so the enrol is still running when its process is killed.
    sim.setFaults({ latency: { kind: 'fixed', ms: 1_500 } });
    const { jobId } = await producer.enqueueEnrol(learnerId!, CHOICES);
    // First while it waits on OneFile after creating the learner (its id already in PICS), then on its next start.
    await eventually(() => t.db.selectFrom('pics.learner').select('onefile_id').where('id', '=', learnerId!).executeTakeFirstOrThrow(),
      (l) => l.onefile_id !== null, { timeoutMs: 30_000, intervalMs: 100, what: 'learner created in OneFile' });
    await killAndRestart(0, 'enrol start 1');
    await killAndRestart(1, 'enrol start 1');
    await eventually(async () => {
      const job = await queue.getJob(jobId);
      return { state: await job?.getState(), started: job?.attemptsStarted ?? 0 };
    }, (j) => (j.state === 'active' && j.started >= 2) || j.state === 'failed', { timeoutMs: 60_000, intervalMs: 100, what: 'enrol started again' });
    // On a busy machine the restarted process may already have taken it and been killed in the first round.
    if ((await (await queue.getJob(jobId))?.getState()) === 'active') {
      await sleep(1_000);
      await killAndRestart(0, 'enrol start 2');
      await killAndRestart(1, 'enrol start 2');
    }
    const [job] = await waitForJobs(queue, [jobId], 30_000);
    sim.setFaults({ latency: LATENCY });
    expect(await job!.getState()).toBe('failed');
    // Twice, or three times when the second round's job moved to the surviving process before it too was killed.
    expect(job!.failedReason).toMatch(/stopped [23] times while running it/);
    await expectEveryJobRecorded([job!], QUEUE.enrol);
    expect(await producer.enrolStatus(learnerId!)).toMatchObject({ status: 'failed', errorMessage: expect.stringMatching(/stopped [23] times/) });

    // The PICS user clicks Create in OneFile again: the enrol resumes where it stopped and completes.
    await producer.enqueueEnrol(learnerId!, CHOICES);
    const [again] = await waitForJobs(queue, [jobId], 30_000);
    expect(again!.failedReason).toBeUndefined();
    expect(await producer.enrolStatus(learnerId!)).toMatchObject({ status: 'completed' });
    expect(duplicatesButVisitsIn(sim)).toEqual([]); // visits: the known gap, last case
    expect(await disagreements(t.db, sim)).toEqual([]);
    expect(await reviewsNotUploaded(t.db, sim, { learnerIds: [learnerId!], firstSynced: new Set(), today: ukToday() })).toEqual([]); // E3
    enrolledByWorker.push(learnerId!);
  }, 180_000);

  it(`${ENROLS} enrols with kill -9s at random moments: each ends recorded, never a duplicate`, async () => {
    trace('enrol phase');
    const learners = await enrolableLearners(t.db, CHOICES, ENROLS);
    expect(learners).toHaveLength(ENROLS);
    const queue = producer.queues[QUEUE.enrol];
    const ids: string[] = [];
    for (const id of learners) ids.push((await producer.enqueueEnrol(id, CHOICES)).jobId);

    const finishedCount = async () => {
      const counts = await queue.getJobCounts('completed', 'failed');
      return (counts.completed ?? 0) + (counts.failed ?? 0);
    };
    enrolKillsMissed = await runWithKills(ENROL_KILLS, finishedCount, ENROLS, async () => (await finishedCount()) >= ENROLS, 240_000);
    // On a busy machine the enrols may outrun the restarts: the kills not made here are made during the sync
    // (the file's floor, MIN_KILLS, is asserted there), and expectInterrupted below shows these ones bit.
    expect(ENROL_KILLS - enrolKillsMissed).toBeGreaterThanOrEqual(1);
    const jobs = await waitForJobs(queue, ids, 30_000);

    await expectEveryJobRecorded(jobs, QUEUE.enrol);
    expectInterrupted(jobs);
    const statuses = await t.db.selectFrom('eportfolio_sync.enrol').select(['learner_id', 'status', 'error_message']).where('learner_id', 'in', learners).execute();
    for (const job of jobs) {
      const row = statuses.find((r) => `enrol-${r.learner_id}` === job.id);
      const state = await job.getState();
      if (state === 'completed') expect({ id: job.id, status: row?.status }).toEqual({ id: job.id, status: 'completed' });
      else {
        // The one failure a crash may cause: the limit on a job whose process died under it twice. The enrol
        // row says failed, with that reason; or completed, when its work had finished before the last kill.
        expect(job.failedReason).toMatch(/stopped \d+ times while running it/);
        expect({ id: job.id, row }).toEqual({ id: job.id, row: expect.objectContaining(row?.status === 'completed'
          ? { status: 'completed' } : { status: 'failed', error_message: expect.stringMatching(/stopped \d+ times while running it/) }) });
      }
    }
    // What a PICS user does next: Create in OneFile again for those; each resumes where it stopped.
    const failed = learners.filter((id) => statuses.find((r) => r.learner_id === id)?.status === 'failed');
    trace(`enrols failed by the stall limit: ${failed.length}`);
    for (const id of failed) await producer.enqueueEnrol(id, CHOICES);
    await waitForJobs(queue, failed.map((id) => jobIds.enrol(id)), 30_000);
    const enrolRows = await t.db.selectFrom('eportfolio_sync.enrol').selectAll().where('learner_id', 'in', learners).execute();
    expect(enrolRows.filter((r) => r.status === 'completed')).toHaveLength(ENROLS);
    expect(duplicatesButVisitsIn(sim)).toEqual([]); // visits: the known gap, last case
    expect(await disagreements(t.db, sim)).toEqual([]);
    // Not only agreeing: every review E3 uploads is in OneFile, whatever the kills interrupted.
    expect(await reviewsNotUploaded(t.db, sim, { learnerIds: learners, firstSynced: new Set(), today: ukToday() })).toEqual([]);
    enrolledByWorker.push(...learners);
  }, 360_000);

  it('a daily sync over every enrolled learner with kill -9s at random moments: the run completes, PICS and OneFile agree', async () => {
    const notInOneFile = (await t.db.selectFrom('pics.learner').select('id').where('onefile_id', 'is', null).execute()).map((l) => l.id);
    trace(`pre-enrolled: ${await preEnrol(t.db, sim, 'all', CHOICES)}`);
    const preEnrolled = new Set((await t.db.selectFrom('pics.learner').select('id').where('id', 'in', notInOneFile).where('onefile_id', 'is not', null).execute()).map((l) => l.id));
    trace('sync phase');
    const inScope = await listLearnersInSyncScope(t.db, {
      afterId: 0, limit: 10_000, today: ukToday(), endedWithinDays: configSchema.sync.endedLearnerWindowDays.default, // the workers' default
    });
    expect(inScope.length).toBeGreaterThan(LEARNERS * 0.75);
    const scopeIds = inScope.map((l) => l.id);
    // OneFile-side changes the sync must bring into PICS: aims' registration and certificate dates for a third
    // of the learners, and a review held for each worker-enrolled one among them.
    const oneFileChanges = await changeInOneFile(t.db, sim, scopeIds, 3);
    expect(oneFileChanges.filter((c) => c.table === 'pics.review').length).toBeGreaterThan(0);
    expect(oneFileChanges.length).toBeGreaterThan(inScope.length / 3);

    const queue = producer.queues[QUEUE.dailySync];
    const abandonedAtStart = sim.stats().abandoned;
    const { jobId: parentId } = await producer.enqueueDailyRun();
    const finishedChildren = async () => {
      const counts = await queue.getJobCounts('completed', 'failed');
      return (counts.completed ?? 0) + (counts.failed ?? 0);
    };
    const parentDone = async () => {
      const state = await (await queue.getJob(parentId))?.getState();
      return state === 'completed' || state === 'failed';
    };
    const missed = await runWithKills(SYNC_KILLS + enrolKillsMissed, finishedChildren, inScope.length, parentDone, 360_000);
    // A restart takes seconds, the sync not many more: the last kills may find the run already finished.
    expect(SYNC_KILLS + enrolKillsMissed - missed).toBeGreaterThanOrEqual(4);
    expect(kills).toBeGreaterThanOrEqual(MIN_KILLS);

    const parent = (await queue.getJob(parentId))!;
    expect(await parent.getState()).toBe('completed');
    const run = await readRun(t.db);
    const children = (await allJobs(queue)).filter((j) => j.name === 'sync-learner');
    expect(children.map((j) => j.data.learnerId).sort((a, b) => a - b)).toEqual(inScope.map((l) => l.id));
    await expectEveryJobRecorded(children, QUEUE.dailySync);
    expectInterrupted(children, abandonedAtStart);
    const rows = await t.db.selectFrom('eportfolio_sync.sync_learner').selectAll().where('run_id', '=', run!.id).execute();
    const states = new Map(await Promise.all(children.map(async (c) => [c.data.learnerId as number, await c.getState()] as const)));
    expect(rows.map((r) => ({ learner: r.learner_id, status: r.status, error: r.error ?? undefined })).sort((a, b) => a.learner - b.learner))
      .toEqual(inScope.map((l) => ({
        learner: l.id, status: states.get(l.id), ...(states.get(l.id) === 'failed' ? { error: expect.stringMatching(/stopped \d+ times while running it/) } : {}),
      })));
    const failed = rows.filter((r) => r.status === 'failed').map((r) => r.learner_id);
    expect(run).toMatchObject({ status: 'completed', learnersTotal: inScope.length, learnersSynced: inScope.length - failed.length, learnersFailed: failed.length });

    // What ops (or the next night's run) do for a learner whose sync failed: Refresh with OneFile.
    trace(`syncs failed by the stall limit: ${failed.length}`);
    const refreshed = [];
    for (const id of failed) refreshed.push((await producer.enqueueLearnerSync(id)).jobId);
    for (const job of await waitForJobs(queue, refreshed, 30_000)) expect(job.failedReason).toBeUndefined();
    expect(duplicatesButVisitsIn(sim)).toEqual([]); // visits: the known gap, last case
    expect(await disagreements(t.db, sim)).toEqual([]);
    // No update lost under the kills, computed from the scenario: each OneFile change is in PICS (D2, D4, D6),
    // each review D5 and D11 upload is in OneFile, and the aims' D2–D4 fields agree.
    expect(await missingInPics(t.db, oneFileChanges)).toEqual([]);
    const firstSynced = new Set(scopeIds.filter((id) => preEnrolled.has(id)));
    expect(firstSynced.size).toBeGreaterThan(inScope.length / 2);
    expect(enrolledByWorker.filter((id) => scopeIds.includes(id)).length).toBeGreaterThan(0);
    expect(await reviewsNotUploaded(t.db, sim, { learnerIds: scopeIds, firstSynced, today: ukToday() })).toEqual([]);
    expect(await aimFieldsApart(t.db, sim, scopeIds)).toEqual([]);
  }, 480_000);

  /*
   * Known gap, shown rather than hidden: a kill after POST /Visit was made but before its answer leaves a visit
   * the worker never learns of, and the retry books a second one in the same slot. OneFile has no visit search
   * (onefile-api.md §7.10), so the worker cannot find the first; it takes a product decision (a visit search
   * confirmed, or reviews uploaded without a visit) to close. The random kills above find it too, which is why
   * they count visits apart. `it.failing` goes red the day it is fixed: then make it a plain `it`.
   */
  it.failing('a kill between POST /Visit and its answer leaves no second visit (known gap)', async () => {
    const [learner] = await t.db.selectFrom('pics.learner').select(['id', 'onefile_id', 'main_officer_id']).where('onefile_id', 'is not', null)
      .where('status', '=', 'Live').where('actual_end_date', 'is', null).orderBy('id').limit(1).execute();
    await t.db.insertInto('pics.review').values({
      learner_id: learner!.id, review_type: 'N', planned_date: '2027-06-01', planned_time: '09:00:00', attended: 'U', officer_id: learner!.main_officer_id,
    }).execute();
    // The visit is made at once and its answer held back until the caller dies.
    sim.setFaults({ endpoints: ['POST /Visit'], latency: { kind: 'fixed', ms: 60_000, when: 'after' } });
    const { jobId } = await producer.enqueueLearnerSync(learner!.id);
    await eventually(async () => sim.stats().writesAwaitingAnswer, (n) => n > 0, { timeoutMs: 30_000, intervalMs: 20, what: 'POST /Visit made, unanswered' });
    await killAndRestart(0, 'POST /Visit made, its answer pending');
    await killAndRestart(1, 'POST /Visit made, its answer pending');
    sim.setFaults({ endpoints: null, latency: LATENCY });
    const [job] = await waitForJobs(producer.queues[QUEUE.dailySync], [jobId], 60_000);
    expect(await job!.getState()).toBe('completed');
    const slot = [...sim.state.visits.values()].filter((v) => v.LearnerID === learner!.onefile_id && v.DateFrom?.startsWith('2027-06-01'));
    expect({ visitsInSlot: slot.length, kills: killLog.slice(-2) }).toEqual({ visitsInSlot: 1, kills: killLog.slice(-2) });
  }, 90_000);
});
