import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { sql } from 'kysely';
import { liveIn, runRetentionPrune } from '../../src/jobs/prune-retention.js';
import { JOB_NAME } from '../../src/queues/job-options.js';
import { QUEUE } from '../../src/queues/names.js';
import { registerRetentionSchedule, RETENTION_SCHEDULER_ID } from '../../src/queues/schedule.js';
import { createLogger } from '../../src/logging/logger.js';
import { STALE_RUN_REASON } from '../../src/rules/retention.js';
import { pruneAudit } from '../../src/store/retention.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { createTestRedis, type TestRedis } from '../helpers/redis.js';

/*
 * Issue 17 data retention: old rows of each kind go, recent ones stay, a run a crash left running is closed
 * with its reason, and a run still running recently, or whose job is still live in its queue, is left alone.
 */

const retention = { auditDays: 365, syncLearnerDays: 90, jobOutcomeDays: 90, runDays: 400, staleRunningHours: 48 };
const DAY = 86_400_000;
const ago = (ms: number) => new Date(Date.now() - ms);

describe('prune-retention (issue 17)', () => {
  let t: TestDatabase;
  let r: TestRedis;
  let queue: Queue;
  beforeAll(async () => {
    t = await createTestDatabase();
    r = createTestRedis();
    queue = new Queue('daily-sync-per-learner', { connection: { url: TEST_REDIS_URL }, prefix: r.prefix });
  });
  afterAll(async () => {
    await queue.close();
    await r.cleanup();
    await t.drop();
  });

  const run = async (values: { startedAt: Date; status: 'running' | 'completed' | 'failed'; jobId: string | null }) =>
    (await t.db.insertInto('eportfolio_sync.sync_run')
      .values({ kind: 'daily', job_id: values.jobId, status: values.status, started_at: values.startedAt, finished_at: values.status === 'running' ? null : values.startedAt })
      .returning('id').executeTakeFirstOrThrow()).id;
  const learnerRow = (runId: number, learnerId: number, finishedAt: Date) =>
    t.db.insertInto('eportfolio_sync.sync_learner').values({ run_id: runId, learner_id: learnerId, status: 'completed', finished_at: finishedAt }).execute();
  const audit = (learnerId: number, at: Date) => t.db.insertInto('eportfolio_sync.audit').values({
    at, learner_id: learnerId, table_name: 'learner', row_id: String(learnerId), field: 'email', old_value: 'old@example.com', new_value: 'new@example.com', direction: 'to_pics',
  }).execute();
  const outcome = (jobId: string, at: Date) =>
    t.db.insertInto('eportfolio_sync.job_outcome').values({ queue: 'enrol-learner', job_id: jobId, outcome: 'completed', at }).execute();

  it('deletes exactly the rows past their periods and closes only the runs a crash left running', async () => {
    await audit(1, ago(366 * DAY));
    await audit(2, ago(364 * DAY));
    await outcome('enrol-old', ago(91 * DAY));
    await outcome('enrol-new', ago(89 * DAY));
    const oldRun = await run({ startedAt: ago(401 * DAY), status: 'completed', jobId: 'daily-sync-old' });
    await learnerRow(oldRun, 10, ago(401 * DAY));
    const keptRun = await run({ startedAt: ago(399 * DAY), status: 'completed', jobId: 'daily-sync-kept' });
    const recentRun = await run({ startedAt: ago(100 * DAY), status: 'failed', jobId: 'daily-sync-recent' });
    await learnerRow(recentRun, 11, ago(91 * DAY));
    await learnerRow(recentRun, 12, ago(89 * DAY));
    const crashed = await run({ startedAt: ago(49 * 3_600_000), status: 'running', jobId: 'daily-sync-crashed' });
    const stillQueued = await run({ startedAt: ago(49 * 3_600_000), status: 'running', jobId: 'daily-sync-live' });
    await queue.add('daily-sync', {}, { jobId: 'daily-sync-live', delay: 60_000 });
    const running = await run({ startedAt: ago(47 * 3_600_000), status: 'running', jobId: 'daily-sync-now' });
    // Cohort batches (issue 21) are kept as long as runs: the old one goes with its learner rows, the newer stays.
    const batch = async (requestedAt: Date, learnerId: number) => {
      const { id } = await t.db.insertInto('eportfolio_sync.enrol_batch').values({ reason: 'api', requested_at: requestedAt }).returning('id').executeTakeFirstOrThrow();
      await t.db.insertInto('eportfolio_sync.enrol_batch_learner').values({ batch_id: id, learner_id: learnerId, admitted: 'queued', job_id: `batch-enrol-${learnerId}` }).execute();
      return id;
    };
    await batch(ago(401 * DAY), 20);
    const keptBatch = await batch(ago(399 * DAY), 21);

    const result = await runRetentionPrune(t.db, { retention }, liveIn(queue), createLogger({ level: 'silent', pretty: false }));

    expect(result).toMatchObject({ runsClosed: 1, auditDeleted: 1, syncLearnersDeleted: 2, jobOutcomesDeleted: 1, runsDeleted: 1, enrolBatchesDeleted: 1 });
    expect(await t.db.selectFrom('eportfolio_sync.enrol_batch_learner').select(['batch_id', 'learner_id']).execute()).toEqual([{ batch_id: keptBatch, learner_id: 21 }]);
    expect((await t.db.selectFrom('eportfolio_sync.audit').select('learner_id').execute()).map((a) => a.learner_id)).toEqual([2]);
    expect((await t.db.selectFrom('eportfolio_sync.job_outcome').select('job_id').execute()).map((o) => o.job_id)).toEqual(['enrol-new']);
    expect(await t.db.selectFrom('eportfolio_sync.sync_learner').select(['run_id', 'learner_id']).execute()).toEqual([{ run_id: recentRun, learner_id: 12 }]);
    const runs = await t.db.selectFrom('eportfolio_sync.sync_run').select(['id', 'status', 'error', 'finished_at']).orderBy('id').execute();
    expect(runs.map((x) => x.id)).toEqual([keptRun, recentRun, crashed, stillQueued, running]);
    const byId = new Map(runs.map((x) => [x.id, x]));
    expect(byId.get(crashed)).toMatchObject({ status: 'failed', error: STALE_RUN_REASON });
    expect(byId.get(crashed)!.finished_at).toBeInstanceOf(Date);
    expect(byId.get(stillQueued)).toMatchObject({ status: 'running', error: null, finished_at: null });
    expect(byId.get(running)).toMatchObject({ status: 'running', error: null, finished_at: null });

    // Run again at once: nothing more is past its period.
    const again = await runRetentionPrune(t.db, { retention }, liveIn(queue), createLogger({ level: 'silent', pretty: false }));
    expect(again).toMatchObject({ runsClosed: 0, auditDeleted: 0, syncLearnersDeleted: 0, jobOutcomesDeleted: 0, runsDeleted: 0, enrolBatchesDeleted: 0 });
  });

  it('finds old rows through an index on each timestamp it prunes by (migration 0006)', async () => {
    const rows = await sql<{ indexdef: string }>`select indexdef from pg_indexes where schemaname = 'eportfolio_sync'`.execute(t.db);
    const defs = rows.rows.map((r) => r.indexdef.replace(/^CREATE (UNIQUE )?INDEX \S+ ON /, ''));
    expect(defs).toEqual(expect.arrayContaining([
      'eportfolio_sync.audit USING btree (at)', 'eportfolio_sync.job_outcome USING btree (at)',
      'eportfolio_sync.sync_learner USING btree (finished_at)', 'eportfolio_sync.sync_run USING btree (started_at)',
    ]));
  });

  it('deletes in bounded batches until a batch comes back short, so every old row goes however many there are', async () => {
    await sql`delete from eportfolio_sync.audit`.execute(t.db);
    for (let i = 0; i < 7; i++) await audit(100 + i, ago(400 * DAY));
    await audit(200, ago(DAY));
    const statements: string[] = [];
    const counting = t.db.withPlugin({
      transformQuery: (args) => {
        if (args.node.kind === 'RawNode') statements.push('delete');
        return args.node;
      },
      transformResult: async (args) => args.result,
    });
    expect(await pruneAudit(counting, ago(365 * DAY), 3)).toBe(7);
    expect(statements).toHaveLength(3); // 3 + 3 + 1
    expect((await t.db.selectFrom('eportfolio_sync.audit').select('learner_id').execute()).map((a) => a.learner_id)).toEqual([200]);
  });
});

describe('prune-retention as the worker runs it (issue 17)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ seed: false });
  });
  afterAll(async () => {
    await h.close();
  });

  it('is scheduled daily at 04:30 UK time on the refresh-qualification-links queue, once however many workers start', async () => {
    const queue = h.producer.queues[QUEUE.refreshLinks];
    const outcomes = await Promise.all([1, 2, 3].map(() => registerRetentionSchedule(h.t.db, queue, h.config.schedule.retentionCron)));
    expect(outcomes).toContain('registered');
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers).toHaveLength(1);
    expect(schedulers[0]).toMatchObject({ key: RETENTION_SCHEDULER_ID, name: JOB_NAME.pruneRetention, pattern: '30 4 * * *', tz: 'Europe/London' });
    await expect(registerRetentionSchedule(h.t.db, queue, 'nightly')).rejects.toThrow(/schedule\.retentionCron "nightly" is not a valid cron pattern/);
  });

  it('runs as a job on that queue: deletes an old audit line, keeps a recent one, logs counts and no value', async () => {
    await h.t.db.insertInto('eportfolio_sync.audit').values([
      { at: ago(400 * DAY), learner_id: 1, table_name: 'learner', row_id: '1', field: 'email', old_value: 'gone.person@example.com', new_value: 'x@example.com', direction: 'to_pics' },
      { at: ago(DAY), learner_id: 2, table_name: 'learner', row_id: '2', field: 'email', old_value: 'kept.person@example.com', new_value: 'y@example.com', direction: 'to_pics' },
    ]).execute();
    const queue = h.producer.queues[QUEUE.refreshLinks];
    await queue.add(JOB_NAME.pruneRetention, { reason: 'cli' }, { jobId: 'prune-retention-test' });
    const job = await h.waitForJob(queue, 'prune-retention-test');
    expect(await job.getState()).toBe('completed');
    expect(job.returnvalue).toEqual({ runsClosed: 0, auditDeleted: 1, syncLearnersDeleted: 0, jobOutcomesDeleted: 0, runsDeleted: 0, enrolBatchesDeleted: 0 });
    expect((await h.t.db.selectFrom('eportfolio_sync.audit').select('learner_id').execute()).map((a) => a.learner_id)).toEqual([2]);
    const line = h.logs.find((l) => l.includes('retention prune done'));
    expect(line).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({ auditDeleted: 1 });
    expect(h.logs.join('\n')).not.toContain('gone.person');
  }, 60_000);
});
