import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Job } from 'bullmq';
import { listLearnersInSyncScope } from '../../src/pics/index.js';
import { QUEUE } from '../../src/queues/names.js';
import { ukToday } from '../../src/domain/dates.js';
import { readRun } from '../../src/store/runs.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { allJobs, disagreements, duplicatesButVisitsIn, visitDuplicatesIn, enrolableLearners, getJson, metric, preEnrol, sleep, trace, waitForJobs } from './support.js';

/*
 * OneFile misbehaving the whole time an enrol batch and a daily sync run: 10% of calls answered 5xx (after
 * the work is done, the case that tempts a client to create twice), 5% held past the client's timeout (1 s
 * here), bursts of forced 429s, and every session expired now and then. Every job ends — completed, or failed
 * after its attempts with OneFile's error recorded — the run completes, the retries, timeouts, 429s and
 * re-logins show in /metrics, and OneFile holds no duplicate. Once OneFile behaves, asking again for what
 * failed (Create in OneFile, Refresh with OneFile) brings PICS and OneFile into agreement.
 *
 * Retries start at 100 ms here (RETRY_BACKOFF_MS; 5 s in production) so the attempts fit in the test.
 */

const CHOICES = { pathways: { 3: 41301 } };
const ENROLS = 40;

describe('OneFile faults: 5xx, timeouts, 429 bursts, sessions expiring mid-run', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      seed: { learners: 130, includeProblemLearners: false },
      simulator: { rateLimit: 0 },
      env: { ONEFILE_TIMEOUT_MS: '1000', RETRY_BACKOFF_MS: '100', ENROL_CONCURRENCY: '4', DAILY_SYNC_CONCURRENCY: '8', ONEFILE_CALLS_PER_MINUTE: '60000' },
    });
    const links = await h.producer.enqueueRefreshLinks('cli');
    await h.waitForJob(h.producer.queues[QUEUE.refreshLinks], links.jobId);
    // The sync's learners are in OneFile already; the enrol batch is the first ENROLS learners.
    await preEnrol(h.t.db, h.sim, (await enrolableLearners(h.t.db, CHOICES, 130)).slice(ENROLS), CHOICES);
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  it('an enrol batch and a daily sync complete; the retries show in /metrics; no duplicates', async () => {
    const learners = await enrolableLearners(h.t.db, CHOICES, ENROLS);
    expect(learners).toHaveLength(ENROLS);
    const inScope = await listLearnersInSyncScope(h.t.db, { afterId: 0, limit: 10_000, today: ukToday(), endedWithinDays: h.config.sync.endedLearnerWindowDays });
    h.sim.resetStats();
    h.sim.setFaults({ seed: 42, errors: { rate: 0.1, statuses: [500, 502, 503], when: 'after' }, slow: { rate: 0.05, ms: 1_500 } });

    const enrolQueue = h.producer.queues[QUEUE.enrol];
    const syncQueue = h.producer.queues[QUEUE.dailySync];
    const enrolIds: string[] = [];
    for (const id of learners) enrolIds.push((await h.producer.enqueueEnrol(id, CHOICES)).jobId);
    const { jobId: parentId } = await h.producer.enqueueDailyRun();

    // Mid-run, at fixed points of progress: a burst of forced 429s, then every session expired, three times.
    const total = ENROLS + inScope.length; // at least
    const finished = async () => {
      const [e, s] = await Promise.all([enrolQueue.getJobCounts('completed', 'failed'), syncQueue.getJobCounts('completed', 'failed')]);
      return { enrols: (e.completed ?? 0) + (e.failed ?? 0), all: (e.completed ?? 0) + (e.failed ?? 0) + (s.completed ?? 0) + (s.failed ?? 0) };
    };
    const events = [0.15, 0.3, 0.45, 0.6, 0.7, 0.8].map((share, i) => ({ at: Math.floor(total * share), what: i % 2 === 0 ? 'burst429' : 'expire' }));
    const deadline = Date.now() + 150_000;
    for (;;) {
      const { enrols, all: done } = await finished();
      while (events.length && events[0]!.at <= done) {
        const event = events.shift()!;
        trace(`${event.what} at ${done}/${total}`);
        h.sim.setFaults(event.what === 'burst429' ? { burst429: 15 } : { expireSessions: true });
      }
      const parent = await (await syncQueue.getJob(parentId))?.getState();
      if (enrols >= ENROLS && (parent === 'completed' || parent === 'failed')) break;
      if (Date.now() > deadline) throw new Error(`not finished: ${done}/${total}, parent ${parent}`);
      await sleep(100);
    }
    expect(events).toEqual([]); // every fault happened while work was still running
    h.sim.setFaults({ errors: { rate: 0 }, slow: { rate: 0 } });

    // The faults did happen, and the worker saw them.
    const stats = h.sim.stats();
    const fiveXx = Object.values(stats.byEndpoint).reduce((n, s) => n + (s['500'] ?? 0) + (s['502'] ?? 0) + (s['503'] ?? 0), 0);
    expect(fiveXx).toBeGreaterThan(20);
    expect(stats.forced429).toBe(45);
    const { text } = await getJson(`${h.daemon.http.url}/metrics`);
    expect(metric(text, 'onefile_requests_total', { status_class: '5xx' })).toBeGreaterThan(0);
    expect(metric(text, 'onefile_requests_total', { status_class: '5xx' })).toBeLessThanOrEqual(fiveXx);
    expect(metric(text, 'onefile_requests_total', { status_class: 'none' })).toBeGreaterThan(5); // timeouts
    // Each forced 429 reached the worker, except one also held past the timeout (seen as a timeout).
    expect(metric(text, 'onefile_rate_limited_total')).toBeGreaterThan(35);
    expect(metric(text, 'onefile_rate_limited_total')).toBeLessThanOrEqual(45);
    expect(metric(text, 'onefile_requests_total', { endpoint: 'POST /Authentication' })).toBeGreaterThanOrEqual(4); // re-logins
    expect(metric(text, 'onefile_requests_total', { status_class: '4xx' })).toBeGreaterThan(0); // the 401s of expired sessions
    expect(metric(text, 'worker_jobs_total', { queue: QUEUE.enrol, outcome: 'retried' })).toBeGreaterThan(0);
    expect(metric(text, 'worker_jobs_total', { queue: QUEUE.dailySync, outcome: 'retried' })).toBeGreaterThan(0);
    expect(metric(text, 'worker_jobs_total', { outcome: 'delayed' })).toBeGreaterThan(0); // 429s waited out

    // Every job ended: completed, or failed after its attempts with OneFile's error recorded.
    const expectEnded = async (jobs: Job[], queue: string) => {
      const outcomes = await h.t.db.selectFrom('eportfolio_sync.job_outcome').selectAll().where('queue', '=', queue).execute();
      for (const job of jobs) {
        const state = await job.getState();
        const last = outcomes.filter((o) => o.job_id === job.id).at(-1);
        if (state === 'completed') expect({ id: job.id, outcome: last?.outcome }).toEqual({ id: job.id, outcome: 'completed' });
        else {
          expect({ id: job.id, state, attempts: job.attemptsMade }).toEqual({ id: job.id, state: 'failed', attempts: job.opts.attempts });
          expect({ id: job.id, outcome: last?.outcome, reason: last?.reason }).toEqual({ id: job.id, outcome: 'failed', reason: expect.stringMatching(/OneFileTransientError: (GET|POST) \/\S+: (50[023] server error|timeout)/) });
        }
      }
    };
    const enrolJobs = await waitForJobs(enrolQueue, enrolIds, 10_000);
    await expectEnded(enrolJobs, QUEUE.enrol);
    const parent = (await syncQueue.getJob(parentId))!;
    expect(await parent.getState()).toBe('completed');
    const run = await readRun(h.t.db);
    const children = (await allJobs(syncQueue)).filter((j) => j.name === 'sync-learner' && j.data.runId === run!.id);
    // In scope at fan-out: the learners in OneFile beforehand, and those of the batch enrolled by then.
    expect(children.length).toBe(run!.learnersTotal);
    expect(children.length).toBeGreaterThanOrEqual(inScope.length);
    await expectEnded(children, QUEUE.dailySync);
    const failedChildren = (await Promise.all(children.map(async (c) => ((await c.getState()) === 'failed' ? (c.data.learnerId as number) : null)))).filter((id): id is number => id !== null);
    expect(run).toMatchObject({ status: 'completed', learnersFailed: failedChildren.length, learnersSynced: children.length - failedChildren.length });
    trace(`enrols failed: ${enrolJobs.filter((j) => j.finishedOn && !j.returnvalue).length}; syncs failed: ${failedChildren.length}/${children.length}`);
    expect(duplicatesButVisitsIn(h.sim)).toEqual([]); // visits: the known gap, next case

    // OneFile behaves again: what failed is asked for again, and the two systems agree.
    const statuses = await h.t.db.selectFrom('eportfolio_sync.enrol').select(['learner_id', 'status']).where('learner_id', 'in', learners).execute();
    const again: string[] = [];
    for (const s of statuses.filter((r) => r.status === 'failed')) again.push((await h.producer.enqueueEnrol(s.learner_id, CHOICES)).jobId);
    for (const job of await waitForJobs(enrolQueue, again, 30_000)) expect(await job.getState()).toBe('completed');
    const refreshed: string[] = [];
    for (const id of failedChildren) refreshed.push((await h.producer.enqueueLearnerSync(id)).jobId);
    for (const job of await waitForJobs(syncQueue, refreshed, 30_000)) expect(await job.getState()).toBe('completed');
    expect(duplicatesButVisitsIn(h.sim)).toEqual([]); // visits: the known gap, next case
    expect(await disagreements(h.t.db, h.sim)).toEqual([]);
  }, 200_000);

  // Known gap (support.ts duplicatesButVisitsIn): a POST /Visit timed out or dropped after it was made is made
  // again on the retry. `it.failing` goes red the day it is fixed: then make it a plain `it`.
  it.failing('no duplicate visit after answers lost to timeouts and drops (known gap: OneFile has no visit search)', () => {
    expect(visitDuplicatesIn(h.sim)).toEqual([]);
  });
});
