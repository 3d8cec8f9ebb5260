import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEMO_CUSTOMER_TOKEN } from '../../src/demo/catalogue.js';
import { aimReadMethod, forgetAimSearchShape } from '../../src/eportfolio/onefile/aim-search-shape.js';
import { probeOneFile } from '../../src/eportfolio/onefile/probe.js';
import { customerKeyFromToken } from '../../src/limiter/customer-key.js';
import { startupTasks } from '../../src/startup.js';
import { createLogger } from '../../src/logging/logger.js';
import { createOneFileClientFactory } from '../../src/onefile/factory.js';
import { QUEUE } from '../../src/queues/names.js';
import { readEnrolStatus } from '../../src/store/enrol.js';
import { startEnrolledHarness, type Harness } from '../helpers/harness.js';

// Issue 22: jobs refuse to start while the latest probe found answers they would turn into bad data, and go
// on once a later probe no longer does. (No report at all blocks nothing: every other test runs without one.)
describe('jobs and the latest contract probe report', () => {
  let h: Harness;
  let learnerId: number;
  const logger = createLogger({ level: 'silent', pretty: false });
  beforeAll(async () => {
    ({ h, learnerId } = await startEnrolledHarness());
  }, 90_000);
  afterAll(async () => {
    await h.close();
  });

  const probe = () => probeOneFile({
    db: h.t.db, createClient: createOneFileClientFactory({ redis: h.redis.redis, config: h.config, logger }), maxCalls: 60, logger,
  });

  it('a report with a blocking contradiction stops a learner sync, the daily run, an enrol and a links refresh, each with a message pointing at it', async () => {
    // Review rows without their ID: the probe sees it (the enrolled learner's reviews), and reports it as blocking.
    h.sim.setFaults({ badAnswers: [{ endpoint: 'POST /Review/Search/{page}/{size}', kind: 'missing-fields', fields: ['ID'] }] });
    const { id, report } = await probe();
    h.sim.setFaults({ badAnswers: [] });
    expect(report.blocking).toEqual(['record-ids']);
    const reason = new RegExp(`^(WireContractError: )?OneFile jobs are stopped: contract probe report #${id} \\(.+\\) found answers this worker would turn into bad data \\(record-ids: .*\\)\\. Read it with \`pics-worker probe --show\``);

    h.sim.resetStats();
    const sync = await h.producer.enqueueLearnerSync(learnerId);
    const synced = await h.waitForJob(h.producer.queues[QUEUE.dailySync], sync.jobId);
    expect(await synced.getState()).toBe('failed');
    expect(synced.failedReason).toMatch(reason);
    expect(synced.attemptsMade).toBe(1); // not retried: nothing changes until someone probes again

    const run = await h.producer.enqueueDailyRun();
    expect((await h.waitForJob(h.producer.queues[QUEUE.dailySync], run.jobId)).failedReason).toMatch(reason); // before any child is added

    const other = await h.producer.resolveLearnerIdent('L0002');
    const enrol = await h.producer.enqueueEnrol(other, { pathways: { 3: 41301 } });
    expect((await h.waitForJob(h.producer.queues[QUEUE.enrol], enrol.jobId)).failedReason).toMatch(reason);
    expect(await readEnrolStatus(h.t.db, other)).toMatchObject({ status: 'failed', errorMessage: expect.stringMatching(reason) });

    const links = await h.producer.enqueueRefreshLinks('cli');
    expect((await h.waitForJob(h.producer.queues[QUEUE.refreshLinks], links.jobId)).failedReason).toMatch(reason);
    expect(h.sim.stats().total).toBe(0); // refused before any OneFile call
  }, 60_000);

  it('a later report without one lets them run again', async () => {
    const { report } = await probe();
    expect(report.blocking).toEqual([]);
    const sync = await h.producer.enqueueLearnerSync(learnerId);
    const synced = await h.waitForJob(h.producer.queues[QUEUE.dailySync], sync.jobId);
    expect(synced.failedReason).toBeUndefined();
    expect(await synced.getState()).toBe('completed');
  }, 60_000);

  it('a worker starting up takes the latest report\'s learning-aim row shape as its first belief', async () => {
    forgetAimSearchShape();
    const key = customerKeyFromToken(DEMO_CUSTOMER_TOKEN);
    expect(aimReadMethod(key, 3)).toBe('search'); // nothing known: search first
    await startupTasks(h.daemon.deps);
    expect(aimReadMethod(key, 3)).toBe('get-each'); // the simulator's minimal rows, as the last probe saw them
    expect(h.logs.some((line) => line.includes('learning-aim search rows as the latest contract probe saw them'))).toBe(true);
  });
});
