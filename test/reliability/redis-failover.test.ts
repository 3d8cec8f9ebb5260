import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { loadConfig } from '../../src/config/load.js';
import { seedDemoPics } from '../../src/demo/seed-pics.js';
import { ukToday } from '../../src/domain/dates.js';
import { createProducer, type Producer } from '../../src/producer/index.js';
import { jobIds } from '../../src/queues/job-options.js';
import { QUEUE } from '../../src/queues/names.js';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { readRun } from '../../src/store/runs.js';
import { spawnDaemon, type DaemonProcess } from '../helpers/daemon-process.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { ask, startSentinelSet, type SentinelSet } from '../helpers/redis-servers.js';
import { changeInOneFile, missingInPics } from './scenario.js';
import {
  allJobs, disagreements, duplicatesIn, enrolableLearners, eventually, getJson, preEnrol, tearDown, trace, waitForJobs,
} from './support.js';

/*
 * Issue 20: losing the Redis primary. A primary, its replica and three Sentinels of the test's own (every one
 * with a password); two worker processes on the Sentinel topology; 20 enrols and a daily sync running when
 * the primary is killed (SIGKILL: no goodbye, no last write) and the Sentinels promote the replica. Every job
 * must finish, with nothing twice in OneFile or PICS, PICS and OneFile agreeing, no 429, and the shared OneFile
 * session made at most once more.
 *
 * The budget is held to account by the simulator: it refuses any call over 120 in a sliding 2 s (60/s), and
 * the budget spends 3000/min × 0.95 = 47.5/s with a burst of 3, so only pacing keeps it at zero 429s — the
 * workers would make several hundred calls a second unpaced. Replication is asynchronous, so the test also
 * reads what the replica held of the budget the moment the primary died: its schedule, not a blank one.
 */

const CHOICES = { pathways: { 3: 41301 } };
const PREFIX = 'failover';
const ENROLS = 20;

describe('the Redis primary killed mid-run, Sentinel promoting its replica, two worker processes', () => {
  let t: TestDatabase;
  let set: SentinelSet;
  let sim: SimulatorHandle;
  let producer: Producer;
  const daemons: DaemonProcess[] = [];

  const logins = () => Object.values(sim.stats().byEndpoint['POST /Authentication'] ?? {}).reduce((a, b) => a + b, 0);

  beforeAll(async () => {
    [t, set] = await Promise.all([createTestDatabase(), startSentinelSet()]);
    await seedDemoPics(t.db, { learners: 120, includeProblemLearners: false, today: ukToday() });
    sim = await startSimulator({
      seed: 'demo', rateLimit: 120, windowMs: 2_000, environment: 'practice', faults: { seed: 20, latency: { kind: 'uniform', minMs: 20, maxMs: 60 } },
    });
    const env = {
      DATABASE_URL: t.url, ...set.env, REDIS_PREFIX: PREFIX, ONEFILE_BASE_URL: sim.baseUrl, ONEFILE_CALLS_PER_MINUTE: '3000',
      ONEFILE_TIMEOUT_MS: '5000', ENROL_CONCURRENCY: '3', DAILY_SYNC_CONCURRENCY: '6', WORKER_STALLED_INTERVAL_MS: '5000',
      RETRY_BACKOFF_MS: '1000', SHUTDOWN_GRACE_MS: '3000', DATABASE_POOL_SIZE: '10', DAILY_SYNC_CRON: '0 3 29 2 *',
    };
    for (let i = 0; i < 2; i++) daemons.push(await spawnDaemon(env));
    producer = createProducer({ redis: loadConfig({ env: { NODE_ENV: 'test', ...set.env, REDIS_PREFIX: PREFIX } }).redis, db: t.db });
    await producer.enqueueRefreshLinks('cli');
    const [links] = await waitForJobs(producer.queues[QUEUE.refreshLinks], [jobIds.refreshLinks()], 30_000);
    expect(links!.failedReason).toBeUndefined();
  }, 60_000);

  afterAll(async () => {
    trace('tearing down');
    await tearDown(daemons, () => producer?.close(), () => sim?.close(), () => set?.destroy(), () => t?.drop());
  });

  it('every job finishes, nothing twice, no 429, the budget and the session kept', async () => {
    const learners = await enrolableLearners(t.db, CHOICES, 70);
    await preEnrol(t.db, sim, learners.slice(ENROLS), CHOICES);
    // OneFile-side changes to a third of the learners the daily run syncs (live, not ended), for it to bring into PICS.
    const inRun = await t.db.selectFrom('pics.learner').select('id').where('id', 'in', learners.slice(ENROLS)).where('status', '=', 'Live')
      .where('actual_end_date', 'is', null).orderBy('id').execute();
    const changes = await changeInOneFile(t.db, sim, inRun.map((l) => l.id), 3);
    const enrols: string[] = [];
    for (const id of learners.slice(0, ENROLS)) enrols.push((await producer.enqueueEnrol(id, CHOICES)).jobId);
    const daily = (await producer.enqueueDailyRun()).jobId;
    const enrolQueue = producer.queues[QUEUE.enrol];
    const syncQueue = producer.queues[QUEUE.dailySync];
    const synced = async () => Number((await t.db.selectFrom('eportfolio_sync.sync_learner').select((eb) => eb.fn.countAll<string>().as('n'))
      .where('status', '=', 'completed').executeTakeFirstOrThrow()).n);
    const enrolled = async () => (await enrolQueue.getJobCounts('completed')).completed ?? 0;
    // Clicks go ahead of batch work (issue 21: enrols are clicks, daily children the batch lane), so the sync may
    // barely have started while enrols run: the kill comes once a few enrols are done and the run has begun.
    const runStarted = async () => (await t.db.selectFrom('eportfolio_sync.sync_run').select('id').executeTakeFirst()) !== undefined;
    await eventually(async () => [await enrolled(), (await runStarted()) ? 1 : 0], ([e, r]) => e! >= 3 && r === 1, { timeoutMs: 30_000, intervalMs: 50, what: 'enrols and the daily sync under way' });

    // Mid-run: the primary dies. The replica is asked at once what it holds of the budget (it is still a replica).
    const [enrolsBefore, syncedBefore, loginsBefore] = [await enrolled(), await synced(), logins()];
    set.primary.kill('SIGKILL');
    const killedAt = Date.now();
    const budgetKeys = (await ask(set.replica.port, set.password, 'KEYS', `${PREFIX}:onefile:budget:*`)) as string[];
    const [replicaTime] = (await ask(set.replica.port, set.password, 'TIME')) as [string, string];
    const tat = budgetKeys.length ? Number(await ask(set.replica.port, set.password, 'HGET', budgetKeys[0]!, 'tat')) : null;
    trace(`primary killed with ${enrolsBefore}/${ENROLS} enrols and ${syncedBefore} learners synced; replica's budget: ${budgetKeys.length} key(s), `
      + `next slot ${tat === null ? 'none' : `${Math.round((tat - Number(replicaTime) * 1e6) / 1000)} ms from now`}`);
    expect(enrolsBefore).toBeLessThan(ENROLS);
    // The budget's schedule survived on the replica (replication is asynchronous, but the key is written with
    // every call, so at worst the last few reservations are missing): a forgotten budget would be no key at all.
    expect(budgetKeys).toHaveLength(1);
    expect(tat).toBeGreaterThan(Number(replicaTime) * 1e6 - 2_000_000);

    await eventually(() => set.currentPrimaryPort(), (port) => port === set.replica.port, { timeoutMs: 30_000, intervalMs: 100, what: 'Sentinel promoting the replica' });
    trace(`replica promoted ${Date.now() - killedAt} ms after the kill`);
    // PICSWeb's side (this producer) fails fast while its connection finds the new primary, then works by itself.
    await eventually(() => enrolQueue.getJobCounts('completed'), () => true, { timeoutMs: 15_000, what: 'the producer on the new primary' });
    trace(`producer answering again ${Date.now() - killedAt} ms after the kill`);

    const enrolJobs = await waitForJobs(enrolQueue, enrols, 60_000);
    const ended = await Promise.all(enrolJobs.map(async (j) => {
      const state = await j.getState();
      return state === 'completed' ? { id: j.id, state } : { id: j.id, state, why: j.failedReason };
    }));
    expect(ended).toEqual(enrols.map((id) => ({ id, state: 'completed' })));
    const statuses = await t.db.selectFrom('eportfolio_sync.enrol').select('status').where('learner_id', 'in', learners.slice(0, ENROLS)).execute();
    expect(statuses.map((s) => s.status)).toEqual(Array(ENROLS).fill('completed'));
    const [parent] = await waitForJobs(syncQueue, [daily], 60_000);
    expect(await parent!.getState()).toBe('completed');
    const run = (await readRun(t.db))!;
    expect(run).toMatchObject({ status: 'completed', learnersFailed: 0, learnersSynced: run.learnersTotal });
    const children = (await allJobs(syncQueue)).filter((j) => j.name === 'sync-learner' && j.data.runId === run.id);
    expect(children).toHaveLength(run.learnersTotal);
    for (const child of children) expect({ id: child.id, state: await child.getState() }).toEqual({ id: child.id, state: 'completed' });
    trace(`all done ${Date.now() - killedAt} ms after the kill; ${sim.stats().total} OneFile calls, ${logins()} login(s)`);

    // Nothing twice, in OneFile or in PICS; nothing lost: PICS and OneFile agree, OneFile's changes reached PICS.
    expect(duplicatesIn(sim)).toEqual([]);
    const twice = await sql<{ onefile_system_id: number }>`select onefile_system_id from pics.review where onefile_system_id is not null
      group by onefile_system_id having count(*) > 1`.execute(t.db);
    expect(twice.rows).toEqual([]);
    expect(await disagreements(t.db, sim)).toEqual([]);
    expect(changes.length).toBeGreaterThan(0);
    expect(await missingInPics(t.db, changes)).toEqual([]);
    trace('checked duplicates and agreement');
    // Paced throughout, the failover included: OneFile never refused a call.
    expect(sim.stats().overLimit).toBe(0);
    // One session, shared by both processes; the failover may cost one more login, no more.
    expect(loginsBefore).toBe(1);
    expect(logins()).toBeLessThanOrEqual(2);

    trace(`429s ${sim.stats().overLimit}, logins ${logins()}`);
    // Both processes are up and ready on the new primary, never crashed, never logged a password.
    for (const d of daemons) {
      expect(d.child.exitCode).toBeNull();
      await eventually(() => getJson(`${d.url}/readyz`), (r) => r.status === 200, { timeoutMs: 10_000, what: 'ready on the new primary' });
      expect(d.lines.filter((l) => /"level":(50|60)/.test(l) && /uncaught|unhandled/i.test(l))).toEqual([]);
      const log = d.lines.join('\n');
      expect(log).not.toContain(set.password);
      expect(log).not.toContain(set.sentinelPassword);
    }

    // An operator's command finds the new primary through the Sentinels too, and exits when done (a Sentinel
    // client that kept its subscriptions after quit would hold it open for ever).
    const status = await promisify(execFile)(process.execPath, [path.resolve('dist/src/cli.js'), 'status', '--json'], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', DATABASE_URL: t.url, ...set.env, REDIS_PREFIX: PREFIX }, timeout: 15_000,
    });
    expect((JSON.parse(status.stdout) as { queues: Record<string, { completed: number }> }).queues[QUEUE.enrol]!.completed).toBe(ENROLS);
  }, 120_000);
});
