import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { startDaemon, type Daemon } from '../../src/daemon.js';
import { DEMO_CUSTOMER } from '../../src/demo/catalogue.js';
import { createLogger } from '../../src/logging/logger.js';
import { QUEUE } from '../../src/queues/names.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { allJobs, getJson, sleep, waitForJobs, waitForQueueToSettle } from './support.js';

/*
 * Secrets (S2): after a full run — connection test, links refresh, every demo learner enrolled, a daily sync,
 * a Refresh with OneFile, sessions expired twice (so several sessions exist), a login answered with an HTML
 * page, and a wrong customer token refused — neither the customer token, the wrong token, any session
 * OneFile handed out nor the dashboard password is in a log line (at trace level), a job's data, return
 * value, failure reason or stack, a Redis key or value other than the one session-store key, a message the
 * worker recorded in its schema, a dashboard answer or /metrics. The tokens are random, so a match cannot
 * come from anywhere else. Production refusing to start with a secret missing: test/integration/daemon.test.ts.
 */

const DASHBOARD_PASSWORD = `dash-${randomBytes(12).toString('hex')}`;
const basic = `Basic ${Buffer.from(`ops:${DASHBOARD_PASSWORD}`).toString('base64')}`;

describe('no secret outside the session store after a full run', () => {
  let h: Harness;
  let daemon: Daemon;
  const lines: string[] = [];
  const token = `tok-${randomBytes(24).toString('hex')}`;
  const wrongToken = `tok-${randomBytes(24).toString('hex')}`;
  /*
   * Every session OneFile handed out during the run, from the simulator's own record of its logins: the
   * source, so a session that lived a few milliseconds (renewed at once after a forced expiry) is as much
   * looked for as one that lasted the run. Sampling the session store would miss those.
   */
  let sessions: readonly string[] = [];

  beforeAll(async () => {
    h = await startHarness({ workers: false, env: { DASHBOARD_PASSWORD, RETRY_BACKOFF_MS: '100' } });
    h.sim.seed({ customers: [{ ID: DEMO_CUSTOMER.id, Name: DEMO_CUSTOMER.name, Token: token }] });
    await h.t.db.updateTable('pics.onefile_settings').set({ customer_token: token }).execute();
    const sink = new Writable({ write(chunk, _enc, done) { lines.push(...String(chunk).split('\n').filter(Boolean)); done(); } });
    daemon = await startDaemon(h.config, createLogger({ level: 'trace', pretty: false }, sink), { startupTasks: false });

    const q = h.producer.queues;
    const wait = async (queue: keyof typeof QUEUE, jobId: string) => (await waitForJobs(q[QUEUE[queue]], [jobId], 60_000))[0]!;
    expect((await wait('refreshLinks', (await h.producer.enqueueConnectionTest('user')).jobId)).failedReason).toBeUndefined();
    expect((await wait('refreshLinks', (await h.producer.enqueueRefreshLinks('user')).jobId)).failedReason).toBeUndefined();
    const learners = await h.t.db.selectFrom('pics.learner').select('id').orderBy('id').execute();
    for (const [i, l] of learners.entries()) {
      await h.producer.enqueueEnrol(l.id, { pathways: { 3: 41301 } });
      if (i === 30) h.sim.setFaults({ expireSessions: true });
    }
    await waitForQueueToSettle(q[QUEUE.enrol], 90_000);
    const daily = (await h.producer.enqueueDailyRun()).jobId;
    await sleep(200);
    h.sim.setFaults({ expireSessions: true });
    expect(await (await wait('dailySync', daily)).getState()).toBe('completed');
    const learnerId = await h.producer.resolveLearnerIdent('L0002');
    expect(await (await wait('dailySync', (await h.producer.enqueueLearnerSync(learnerId)).jobId)).getState()).toBe('completed');
    // A login answered with an HTML page: the job fails, saying only that the session was unreadable.
    h.sim.setFaults({ expireSessions: true, badAnswers: [{ endpoint: 'POST /Authentication', kind: 'html-200', times: 1 }] });
    expect(await (await wait('dailySync', (await h.producer.enqueueLearnerSync(learnerId)).jobId)).getState()).toBe('failed');
    // A wrong token: refused by OneFile, for the connection test (recorded as not connected) and for a sync.
    await h.t.db.updateTable('pics.onefile_settings').set({ customer_token: wrongToken }).execute();
    expect((await wait('refreshLinks', (await h.producer.enqueueConnectionTest('user')).jobId)).returnvalue).toMatchObject({ ok: false });
    expect(await (await wait('dailySync', (await h.producer.enqueueLearnerSync(await h.producer.resolveLearnerIdent('L0003'))).jobId)).getState()).toBe('failed');
    // The right token again: one more sync, so the session store holds a session at the end.
    await h.t.db.updateTable('pics.onefile_settings').set({ customer_token: token }).execute();
    expect(await (await wait('dailySync', (await h.producer.enqueueLearnerSync(await h.producer.resolveLearnerIdent('L0004'))).jobId)).getState()).toBe('completed');
    sessions = h.sim.sessionsIssued();
  }, 150_000);

  afterAll(async () => {
    await daemon?.stop('test over');
    await h?.close();
  });

  const secrets = () => [token, wrongToken, DASHBOARD_PASSWORD, ...sessions];
  /** The secrets found in `text`, named (never printed: a failure message must not leak them either). */
  const found = (text: string) => secrets().flatMap((s, i) => (text.includes(s) ? [i === 0 ? 'token' : i === 1 ? 'wrong token' : i === 2 ? 'dashboard password' : 'a session'] : []));

  it('the run really exercised them: several sessions, re-logins, a refused token, failures with reasons', async () => {
    // Logins: the first, one after each of the three forced expiries, the HTML one (unread), the refused token's none.
    expect(sessions.length).toBeGreaterThanOrEqual(4);
    // The search finds what it looks for, every session included.
    expect(found(`{"x":"${token}"}`)).toEqual(['token']);
    expect(sessions.map((s) => found(`X-TokenID: ${s}`))).toEqual(sessions.map(() => ['a session']));
    expect(lines.length).toBeGreaterThan(500);
    expect(lines.some((l) => l.includes('POST /Authentication') && l.includes('401'))).toBe(true);
    const failed = (await Promise.all(Object.values(h.producer.queues).map((q) => q.getJobs(['failed'])))).flat();
    expect(failed.length).toBeGreaterThanOrEqual(5); // E8 learners, the HTML login, the refused token
  });

  it('no log line (trace level) holds a secret', () => {
    const leaks = lines.map((line, n) => ({ n, found: found(line) })).filter((l) => l.found.length);
    expect(leaks).toEqual([]);
    expect(h.logs.filter((l) => found(l).length)).toEqual([]);
  });

  it("no job's data, return value, failure reason or stack holds one", async () => {
    const jobs = (await Promise.all(Object.values(h.producer.queues).map(allJobs))).flat();
    expect(jobs.length).toBeGreaterThan(60);
    const leaks = jobs.map((j) => ({ id: j.id, found: found(JSON.stringify([j.data, j.returnvalue, j.failedReason, j.stacktrace, j.opts])) })).filter((j) => j.found.length);
    expect(leaks).toEqual([]);
  });

  it('no Redis key or value holds one, except the session store key, which holds the session alone', async () => {
    const keys = await h.redis.redis.keys(`${h.redis.prefix}*`);
    expect(keys.length).toBeGreaterThan(20);
    const leaks: { key: string; found: string[] }[] = [];
    let sessionKeys = 0;
    for (const key of keys) {
      const type = await h.redis.redis.type(key);
      const value = type === 'string' ? await h.redis.redis.get(key)
        : type === 'hash' ? await h.redis.redis.hgetall(key)
          : type === 'list' ? await h.redis.redis.lrange(key, 0, -1)
            : type === 'set' ? await h.redis.redis.smembers(key)
              : type === 'zset' ? await h.redis.redis.zrange(key, '0', '-1', 'WITHSCORES')
                : type === 'stream' ? await h.redis.redis.xrange(key, '-', '+') : null;
      const text = `${key} ${JSON.stringify(value)}`;
      if (/:onefile:session:[^:]+$/.test(key)) {
        sessionKeys++;
        // The session store: the current session, and nothing else secret.
        expect(Object.keys(value as object).sort()).toEqual(['createdAt', 'session']);
        expect(found(JSON.stringify({ ...(value as object), session: '' }))).toEqual([]);
        expect(found(key)).toEqual([]);
        continue;
      }
      if (found(text).length) leaks.push({ key, found: found(text) });
    }
    expect(sessionKeys).toBeGreaterThanOrEqual(1);
    expect(leaks).toEqual([]);
  });

  it("no message the worker recorded (job outcomes, enrol errors, sync errors, audit) holds one", async () => {
    const tables = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = 'eportfolio_sync'`.execute(h.t.db);
    expect(tables.rows.length).toBeGreaterThan(5);
    const leaks: string[] = [];
    let rows = 0;
    for (const { table_name: table } of tables.rows) {
      const dump = await sql<{ row: string }>`select row_to_json(t)::text as row from ${sql.table(`eportfolio_sync.${table}`)} t`.execute(h.t.db);
      rows += dump.rows.length;
      for (const { row } of dump.rows) if (found(row).length) leaks.push(`${table}: ${found(row).join(', ')}`);
    }
    expect(rows).toBeGreaterThan(100);
    expect(leaks).toEqual([]);
    const reasons = await h.t.db.selectFrom('eportfolio_sync.job_outcome').select('reason').where('outcome', '=', 'failed').execute();
    expect(reasons.some((r) => /POST \/Authentication: 401 unauthorised/.test(r.reason ?? ''))).toBe(true); // the refused token, named without it
  });

  it('no dashboard answer or /metrics holds one', async () => {
    const base = daemon.http.url;
    const texts: string[] = [];
    const get = async (path: string) => {
      const response = await getJson(`${base}${path}`, { headers: { authorization: basic } });
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
      texts.push(response.text);
      return response;
    };
    await get('/admin/queues/api/queues');
    await get('/admin/queues/api/redis/stats');
    for (const queue of Object.values(QUEUE)) {
      for (const status of ['completed', 'failed']) await get(`/admin/queues/api/queues?activeQueue=${queue}&status=${status}&page=1&jobsPerPage=50`);
      const jobs = (await allJobs(h.producer.queues[queue])).slice(0, 40);
      for (const job of jobs) await get(`/admin/queues/api/queues/${queue}/${encodeURIComponent(job.id!)}`);
    }
    texts.push((await getJson(`${base}/metrics`)).text, (await getJson(`${base}/readyz`)).text, (await getJson(`${base}/healthz`)).text);
    expect(texts.length).toBeGreaterThan(50);
    expect(texts.map((t, i) => ({ i, found: found(t) })).filter((t) => t.found.length)).toEqual([]);
  });
});
