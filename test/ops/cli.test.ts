import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { DEMO_CUSTOMER_TOKEN } from '../../src/demo/catalogue.js';
import { QUEUE } from '../../src/queues/names.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { startHarness, type Harness } from '../helpers/harness.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The compiled CLI, as an operator runs it, against this file's database, Redis prefix and simulator. */
function cli(h: Harness, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.resolve('dist/src/cli.js'), ...args], {
      env: {
        PATH: process.env.PATH ?? '', NODE_ENV: 'test', DATABASE_URL: h.t.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: h.redis.prefix,
        ONEFILE_BASE_URL: h.sim.baseUrl, ...env,
      },
      timeout: 30_000,
    }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const json = (run: Run) => JSON.parse(run.stdout) as Record<string, unknown>;

describe('CLI (node dist/src/cli.js) against a real database, Redis and the simulator', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });

  it('status: counts per queue and state (table and --json), no run yet', async () => {
    const table = await cli(h, ['status']);
    expect(table).toMatchObject({ code: 0, stderr: '' });
    for (const name of Object.values(QUEUE)) expect(table.stdout).toMatch(new RegExp(`^  ${name}\\s+0\\s+0`, 'm'));
    expect(table.stdout).toContain('Last daily run\n  none yet');
    const status = json(await cli(h, ['status', '--json']));
    expect(Object.keys(status.queues as object).sort()).toEqual(Object.values(QUEUE).sort());
    expect((status.queues as Record<string, Record<string, number>>)[QUEUE.enrol]).toEqual({
      waiting: 0, prioritized: 0, active: 0, delayed: 0, 'waiting-children': 0, completed: 0, failed: 0,
    });
    expect(status).toMatchObject({ lastRun: null, connection: { ok: null } });
  });

  it('connection-test: runs directly, prints the result and records it', async () => {
    const run = await cli(h, ['connection-test']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/OneFile connection: connected/);
    expect(run.stdout).toMatch(/API version: +v2\.1/);
    expect(run.stdout).not.toContain(DEMO_CUSTOMER_TOKEN);
    const row = await h.t.db.selectFrom('pics.onefile_settings').select(['connection_ok', 'connection_version']).executeTakeFirstOrThrow();
    expect(row).toEqual({ connection_ok: true, connection_version: 'v2.1' });
  });

  it('preview: what enrol would send (exit 0), or every problem (exit 1); no OneFile call', async () => {
    h.sim.resetStats();
    const ok = await cli(h, ['preview', 'L0002']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/learner L0002 \(#\d+\) is ready to enrol/);
    expect(ok.stdout).toMatch(/MISID: +L0002/);
    // No refresh has run yet: the preview says the links may change (E2), still without calling OneFile.
    expect(ok.stdout).toMatch(/^note: qualification links have never been refreshed for this OneFile organisation: the enrol will refresh them first/m);
    const bad = await cli(h, ['preview', 'L0007', '--json']);
    expect(bad.code).toBe(1);
    expect(json(bad)).toMatchObject({ ident: 'L0007', kind: 'invalid', problems: [{ field: 'email', message: 'learner L0007 has no email' }] });
    expect(json(bad).links).toMatchObject({ freshness: 'never', refreshedAt: null });
    expect(h.sim.stats().byEndpoint).toEqual({});
  });

  it('enqueue refresh-links, enqueue enrol (with a pathway), enrol-status and report learner', async () => {
    const links = json(await cli(h, ['enqueue', 'refresh-links', '--json']));
    await h.waitForJob(h.producer.queues[QUEUE.refreshLinks], String(links.jobId));
    const enrol = await cli(h, ['enqueue', 'enrol', 'L0002', '--pathway', '3=41301', '--json']);
    expect(enrol.code).toBe(0);
    const enqueued = json(enrol);
    expect(enqueued).toMatchObject({ jobId: `enrol-${String(enqueued.learnerId)}`, queued: true });
    const job = await h.waitForJob(h.producer.queues[QUEUE.enrol], String(enqueued.jobId));
    expect(job.data).toEqual({ learnerId: enqueued.learnerId, pathways: { 3: 41301 } });
    expect(job.failedReason).toBeUndefined();

    const status = json(await cli(h, ['enrol-status', 'L0002', '--json']));
    expect(status).toMatchObject({ ident: 'L0002', enrol: { status: 'completed', externalLearnerId: expect.any(String) } });
    const report = await cli(h, ['report', 'learner', 'L0002']);
    expect(report.code).toBe(0);
    expect(report.stdout).toMatch(/enrol: +completed \(OneFile id \d+\)/);
    expect(report.stdout).toMatch(/enrol-learner +enrol-\d+ +completed/);
    // A second enrol is refused before anything is queued (E7), with a message and exit 1.
    const again = await cli(h, ['enqueue', 'enrol', 'L0002']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already has OneFile id \d+: link by hand/);
  });

  it('enqueue sync, then sync-all; report run shows the last daily run', async () => {
    const sync = json(await cli(h, ['enqueue', 'sync', 'L0002', '--json']));
    expect((await h.waitForJob(h.producer.queues[QUEUE.dailySync], String(sync.jobId))).failedReason).toBeUndefined();
    const all = json(await cli(h, ['enqueue', 'sync-all', '--json']));
    expect((await h.waitForJob(h.producer.queues[QUEUE.dailySync], String(all.jobId))).failedReason).toBeUndefined();
    const report = json(await cli(h, ['report', 'run', '--json']));
    expect(report).toMatchObject({ run: { kind: 'daily', status: 'completed', learnersSynced: 1, learnersFailed: 0 }, failed: [] });
    const status = json(await cli(h, ['status', '--json']));
    expect(status).toMatchObject({ lastRun: { kind: 'daily', status: 'completed' }, lastSynchronisedAt: expect.any(String) });
  });

  it('enrol-batch add (idents and a file) and enrol-batch status: the cohort queued as batch work, refusals named, progress to the end (issue 21)', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'cohort-')), 'cohort.txt');
    writeFileSync(file, '# the cohort\nL0041\nL0002\n');
    const added = await cli(h, ['enrol-batch', 'add', 'L0040', '--file', file, '--pathway', '3=41301']);
    expect(added.code).toBe(0);
    // L0002 was enrolled by the test above: refused with the reason; the other two queued.
    expect(added.stdout).toMatch(/^batch (\d+): 2 queued, 0 already queued, 1 refused$/m);
    expect(added.stdout).toMatch(/refused learner #\d+: learner L0002 already has OneFile id \d+/);
    const batchId = Number(/^batch (\d+)/m.exec(added.stdout)![1]);
    const ids = await Promise.all(['L0040', 'L0041'].map((i) => h.producer.resolveLearnerIdent(i)));
    const jobs = await Promise.all(ids.map((id) => h.waitForJob(h.producer.queues[QUEUE.enrolBatch], `batch-enrol-${id}`)));
    expect(jobs.map((j) => j.data)).toEqual(ids.map((learnerId) => ({ learnerId, batchId, pathways: { 3: 41301 } })));
    const status = json(await cli(h, ['enrol-batch', 'status', String(batchId), '--json']));
    expect(status).toMatchObject({ batchId, learners: 3, finished: true, states: { completed: 2, 'refused-when-asked': 1 } });
    const latest = await cli(h, ['enrol-batch', 'status']);
    expect(latest.stdout).toContain(`#${batchId} (cli), 3 learners, finished`);
    expect((await cli(h, ['enrol-batch', 'add'])).code).toBe(2);
    expect((await cli(h, ['enrol-batch', 'status', '999999'])).stderr).toContain('no enrol batch 999999');
  });

  it('retry-failed: puts failed jobs back to waiting, per queue', async () => {
    const enrol = json(await cli(h, ['enqueue', 'enrol', 'L0007', '--json']));
    await h.waitForJob(h.producer.queues[QUEUE.enrol], String(enrol.jobId));
    const retried = await cli(h, ['retry-failed', QUEUE.enrol, '--json']);
    expect(retried.code).toBe(0);
    expect(json(retried)).toEqual({ retried: { [QUEUE.enrol]: 1 } });
    // It runs again and fails again (still no email): proof it was retried, not just counted.
    const job = await h.waitForJob(h.producer.queues[QUEUE.enrol], String(enrol.jobId));
    expect(job.attemptsMade).toBeGreaterThanOrEqual(1);
    expect(job.failedReason).toContain('has no email');
  });

  it('directory: refresh, list, and link an officer and an organisation (A1), with clear refusals', async () => {
    const before = await cli(h, ['directory', 'list', 'assessor']);
    expect(before.code).toBe(0);
    expect(before.stdout).toMatch(/read from it:\s+never: run `directory refresh`/);
    const { organisation_id: oneFileOrganisation } = await h.t.db.selectFrom('pics.onefile_settings').select('organisation_id').executeTakeFirstOrThrow();
    h.sim.seed({ placements: [{ OrganisationID: oneFileOrganisation, Name: 'Directory Test Employer Ltd', Active: true }] });
    const refresh = await cli(h, ['directory', 'refresh', '--json']);
    expect(refresh.code).toBe(0);
    const { jobId } = json(refresh) as { jobId: string };
    expect((await h.waitForJob(h.producer.queues[QUEUE.refreshLinks], jobId)).returnvalue).toMatchObject({ provider: 'onefile' });

    const listed = json(await cli(h, ['directory', 'list', 'assessor', '--json'])) as { provider: string; entries: Array<{ externalId: string; linkedTo: unknown[] }> };
    expect(listed.provider).toBe('onefile');
    const free = listed.entries.find((e) => e.linkedTo.length === 0)!;
    expect(free).toBeDefined();
    const officers = await h.t.db.selectFrom('pics.officer').select(['id', 'ident']).where('other_system_id', 'is', null).orderBy('id').limit(2).execute();
    const linked = await cli(h, ['directory', 'link-officer', officers[0]!.ident!, free.externalId]);
    expect(linked).toMatchObject({ code: 0, stdout: `officer ${officers[0]!.ident} is now linked to OneFile assessor ${free.externalId}\n` });
    const stored = await h.t.db.selectFrom('pics.officer').select('other_system_id').where('id', '=', officers[0]!.id).executeTakeFirstOrThrow();
    expect(stored.other_system_id).toBe(free.externalId);
    const table = await cli(h, ['directory', 'list', 'assessor', '--search', free.externalId]);
    expect(table.stdout).toContain(officers[0]!.ident!);

    // One id, one officer: the second is refused and keeps what it had.
    const taken = await cli(h, ['directory', 'link-officer', officers[1]!.ident!, free.externalId]);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toBe(`${free.externalId} is already the Other System ID of ${officers[0]!.ident} (${(await h.t.db.selectFrom('pics.officer').select(['forenames', 'surname']).where('id', '=', officers[0]!.id).executeTakeFirstOrThrow().then((o) => `${o.forenames} ${o.surname}`))}): unlink it there first\n`);
    const employers = json(await cli(h, ['directory', 'list', 'employer', '--json'])) as { entries: Array<{ externalId: string; linkedTo: unknown[] }> };
    const freeEmployer = employers.entries.find((e) => e.linkedTo.length === 0);
    const organisation = await h.t.db.selectFrom('pics.organisation').select(['id', 'ident']).where('additional_id', 'is', null).orderBy('id').executeTakeFirstOrThrow();
    expect(freeEmployer).toBeDefined();
    const org = json(await cli(h, ['directory', 'link-employer', organisation.ident!, freeEmployer!.externalId, '--json']));
    expect(org).toMatchObject({ provider: 'onefile', id: organisation.id, externalId: freeEmployer!.externalId, previous: null, ident: organisation.ident });
    const unknownId = await cli(h, ['directory', 'link-employer', organisation.ident!, '999999999']);
    expect(unknownId).toMatchObject({ code: 1, stderr: 'OneFile has no employer 999999999 in the last look-up: refresh the list and choose again\n' });
    expect(await cli(h, ['directory', 'link-officer', 'O9999', free.externalId])).toMatchObject({ code: 1, stderr: 'no officer with ident "O9999" in PICS\n' });
    expect(await cli(h, ['directory', 'list', 'learners'])).toMatchObject({ code: 2, stderr: 'the list is "assessor" or "employer", not "learners"\n' });
  });

  it('probe: the read-only contract probe prints its report, stores it, and --show reads it back without a call', async () => {
    h.sim.resetStats();
    const table = await cli(h, ['probe']);
    expect(table).toMatchObject({ code: 0, stderr: '' });
    expect(table.stdout).toMatch(/^ {2}jobs blocked by: +nothing$/m);
    expect(table.stdout).toMatch(/^ {2}session-body +confirmed +a plain-text session +the worker uses the body as X-TokenID$/m);
    expect(table.stdout).not.toContain(DEMO_CUSTOMER_TOKEN);
    const calls = h.sim.stats().total;
    const report = json(await cli(h, ['probe', '--show', '--json']));
    expect(h.sim.stats().total).toBe(calls);
    expect(report).toMatchObject({ environment: 'practice', maxCalls: 60, callsMade: calls, blocking: [] });
    expect(report.checks).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'empty-search', verdict: 'confirmed', seen: '204' })]));
    const capped = json(await cli(h, ['probe', '--json'], { PROBE_MAX_CALLS: '5' }));
    expect(capped).toMatchObject({ maxCalls: 5, complete: false, stoppedBecause: 'the call cap was reached (probe.maxCalls = 5)' });
    // Stopped by the cap, not before: it keeps room for one call and its re-login.
    expect(capped.callsMade as number).toBeLessThanOrEqual(5);
    expect(capped.callsMade as number).toBeGreaterThanOrEqual(5 - 1);
    expect(capped.id as number).toBeGreaterThan(report.id as number);
  });

  it('prune: the retention prune once, counts as a table and as --json (issue 17)', async () => {
    const old = new Date(Date.now() - 400 * 86_400_000);
    await h.t.db.insertInto('eportfolio_sync.job_outcome').values({ queue: 'enrol-learner', job_id: 'enrol-ancient', outcome: 'completed', at: old }).execute();
    await h.t.db.insertInto('eportfolio_sync.audit').values({
      at: old, learner_id: 1, table_name: 'learner', row_id: '1', field: 'email', old_value: 'a@example.com', new_value: 'b@example.com', direction: 'to_pics',
    }).execute();
    const run = await cli(h, ['prune', '--json']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(json(run)).toMatchObject({ runsClosed: 0, auditDeleted: 1, syncLearnersDeleted: 0, jobOutcomesDeleted: 1, runsDeleted: 0 });
    expect(await h.t.db.selectFrom('eportfolio_sync.job_outcome').select('id').where('job_id', '=', 'enrol-ancient').execute()).toEqual([]);
    const table = await cli(h, ['prune']);
    expect(table).toMatchObject({ code: 0, stderr: '' });
    expect(table.stdout).toMatch(/audit lines deleted \(before \d{4}-\d\d-\d\dT[^)]*\): +0/);
    expect(table.stdout).toMatch(/job outcomes deleted \(before [^)]*\): +0/);
  });

  it('fails with a clear message and a non-zero exit code', async () => {
    const unknown = await cli(h, ['enqueue', 'sync', 'L9999']);
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toBe('no learner with ident "L9999" in PICS\n');
    const badQueue = await cli(h, ['retry-failed', 'nope']);
    expect(badQueue.code).toBe(2);
    expect(badQueue.stderr).toMatch(/unknown queue "nope"/);
    const badConfig = await cli(h, ['status'], { ONEFILE_HEADROOM: '3' });
    expect(badConfig.code).toBe(78);
    expect(badConfig.stderr).toMatch(/onefile\.headroom/);
    const badPathway = await cli(h, ['enqueue', 'enrol', 'L0003', '--pathway', 'three']);
    expect(badPathway.code).toBe(1);
    expect(badPathway.stderr).toMatch(/<qualificationId>=<standardId>/);
    // Fails rather than retrying for ever (the test's own timeout would catch a hang); how fast is not asserted.
    const noRedis = await cli(h, ['status'], { REDIS_URL: 'redis://:hunter2secret@127.0.0.1:1' });
    expect(noRedis.code).toBe(1);
    expect(noRedis.stderr).toMatch(/^Redis \(redis\.url\) is unreachable: connect ECONNREFUSED/);
    expect(noRedis.stderr).not.toContain('hunter2secret');
  });
});
