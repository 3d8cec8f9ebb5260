import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { startDaemon, type Daemon } from '../../src/daemon.js';
import { DEMO_CUSTOMER_TOKEN } from '../../src/demo/catalogue.js';
import { createLogger } from '../../src/logging/logger.js';
import { QUEUE } from '../../src/queues/names.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { storedSessions } from './support.js';

/*
 * A full enrol and a Refresh with OneFile, logged at trace level (every OneFile call, every session and budget
 * event), then every line searched for the customer token, every session OneFile handed out, and the learner's
 * name and email. A forced re-login (sessions expired in the simulator) puts a 401 on the path too.
 */
describe('logs of a full enrol and sync carry no secret and no personal data', () => {
  let h: Harness;
  let daemon: Daemon;
  const lines: string[] = [];
  beforeAll(async () => {
    h = await startHarness({ workers: false });
    const sink = new Writable({ write(chunk, _enc, done) { lines.push(...String(chunk).split('\n').filter(Boolean)); done(); } });
    daemon = await startDaemon(h.config, createLogger({ level: 'trace', pretty: false }, sink), { startupTasks: false });
  }, 60_000);
  afterAll(async () => {
    await daemon.stop('test over');
    await h.close();
  });

  it('enrol, then sync that learner: no log line contains the token, a session, or the learner\'s name or email', async () => {
    const links = await h.producer.enqueueRefreshLinks('user');
    await h.waitForJob(h.producer.queues[QUEUE.refreshLinks], links.jobId);
    const learnerId = await h.producer.resolveLearnerIdent('L0002');
    const enrol = await h.producer.enqueueEnrol(learnerId, { pathways: { 3: 41301 } });
    expect((await h.waitForJob(h.producer.queues[QUEUE.enrol], enrol.jobId)).failedReason).toBeUndefined();
    const sessionsBefore = await storedSessions(h);

    // Every session expires (the simulator's clock jumps a day): the sync meets a 401 and logs in again.
    h.sim.clock.advance(25 * 3600_000);
    const sync = await h.producer.enqueueLearnerSync(learnerId);
    expect((await h.waitForJob(h.producer.queues[QUEUE.dailySync], sync.jobId)).failedReason).toBeUndefined();
    const sessions = [...new Set([...sessionsBefore, ...(await storedSessions(h))])];
    expect(sessions.length).toBeGreaterThanOrEqual(2); // the first session and the one after the re-login

    const learner = await h.t.db.selectFrom('pics.learner').select(['first_name', 'surname', 'email']).where('id', '=', learnerId).executeTakeFirstOrThrow();
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    // The log really covers what it should: OneFile calls, the re-login, both jobs with their child logger fields.
    expect(entries.some((e) => e.msg === 'OneFile call' && e.endpoint === 'POST /Authentication')).toBe(true);
    // ... and the client's lines carry the job they were made for (the ops trail from a call to its learner).
    expect(entries.find((e) => typeof e.msg === 'string' && e.msg.includes('logging in again'))).toMatchObject({ queue: QUEUE.dailySync, jobId: sync.jobId, learnerId });
    const calls = entries.filter((e) => e.msg === 'OneFile call');
    expect(calls.filter((e) => typeof e.jobId !== 'string' || typeof e.queue !== 'string')).toEqual([]);
    expect(new Set(calls.filter((e) => e.endpoint === 'POST /Review/Search/{page}/{size}').map((e) => e.jobId))).toEqual(new Set([sync.jobId]));
    expect(calls.find((e) => e.endpoint === 'POST /User')).toMatchObject({ queue: QUEUE.enrol, jobId: enrol.jobId, learnerId });
    for (const [queue, jobId] of [[QUEUE.enrol, enrol.jobId], [QUEUE.dailySync, sync.jobId]] as const) {
      expect(entries.find((e) => e.msg === 'job finished' && e.jobId === jobId)).toMatchObject({ queue, jobId, learnerId, outcome: 'completed' });
    }
    for (const line of lines) {
      expect(line).not.toContain(DEMO_CUSTOMER_TOKEN);
      for (const session of sessions) expect(line).not.toContain(session);
      expect(line).not.toContain(learner.email!);
      expect(line).not.toContain(`${learner.first_name} ${learner.surname}`);
    }
    // Nor do the metrics (which count the learner's sync, unlabelled by learner) or the job records in Redis.
    const metrics = await fetch(`${daemon.http.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/^daily_sync_learners_total\{outcome="(changed|unchanged)"\} 1$/m);
    expect(metrics).toMatch(new RegExp(`^worker_jobs_total\\{queue="${QUEUE.enrol}",outcome="completed"\\} 1$`, 'm'));
    expect(metrics).not.toContain(DEMO_CUSTOMER_TOKEN);
    for (const key of await h.redis.redis.keys(`${h.redis.prefix}:${QUEUE.enrol}:*`)) {
      if ((await h.redis.redis.type(key)) !== 'hash') continue;
      const job = JSON.stringify(await h.redis.redis.hgetall(key));
      expect(job).not.toContain(DEMO_CUSTOMER_TOKEN);
      for (const session of sessions) expect(job).not.toContain(session);
    }
  });
});
