import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { withEntityLock } from '../../src/db/entity-lock.js';
import { linksRefreshLockKey } from '../../src/eportfolio/onefile/links-refresh.js';
import { QUEUE } from '../../src/queues/names.js';
import { finishLinkRefresh, startLinkRefresh } from '../../src/store/links.js';
import { startHarness, type Harness } from '../helpers/harness.js';

const STANDARD_SEARCH = 'POST /Standard/Search/{page}/{size}';
const ORGANISATION = 5740; // the demo's OneFile organisation
const CHOICES = { pathways: { 3: 41301 } };

async function enrol(h: Harness, ident: string) {
  const learnerId = await h.producer.resolveLearnerIdent(ident);
  const { jobId } = await h.producer.enqueueEnrol(learnerId, CHOICES);
  const job = await h.waitForJob(h.producer.queues[QUEUE.enrol], jobId);
  expect(job.failedReason).toBeUndefined();
  return { learnerId, jobId };
}

const aimIds = async (h: Harness, learnerId: number) =>
  (await h.t.db.selectFrom('pics.learner_qualification').select('onefile_learning_aim_id').where('learner_id', '=', learnerId).execute())
    .map((lq) => lq.onefile_learning_aim_id);

const refreshes = (h: Harness) => h.t.db.selectFrom('eportfolio_sync.link_refresh').selectAll().orderBy('id').execute();

/** Ages every recorded refresh past links.maxAgeHours (24 h by default). */
const ageRefreshes = (h: Harness) =>
  sql`update eportfolio_sync.link_refresh set finished_at = finished_at - interval '25 hours'`.execute(h.t.db);

describe('E2/Q1: an enrol never drops qualifications for want of fresh links', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });

  it('E2: links never refreshed — the enrol refreshes them first (recording the refresh) and the learner gets its learning aims', async () => {
    expect(await refreshes(h)).toEqual([]);
    h.sim.resetStats();
    const { learnerId, jobId } = await enrol(h, 'L0002');
    const aims = await aimIds(h, learnerId);
    expect(aims.length).toBeGreaterThan(0);
    for (const id of aims) expect(id).not.toBeNull(); // every qualification of L0002 is available in the simulator
    expect(h.sim.stats().byEndpoint[STANDARD_SEARCH]).toEqual({ '200': 1 });
    const rows = await refreshes(h);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'completed', organisation_id: ORGANISATION, job_id: jobId, qualifications_linked: 8 });
    expect(await h.producer.enrolStatus(learnerId)).toMatchObject({ status: 'completed', notLinked: [] });
  });

  it('E2: links refreshed within links.maxAgeHours — the enrol makes no standards call and records no refresh', async () => {
    h.sim.resetStats();
    const { learnerId } = await enrol(h, 'L0003');
    expect((await aimIds(h, learnerId)).filter((id) => id !== null).length).toBeGreaterThan(0);
    expect(h.sim.stats().byEndpoint[STANDARD_SEARCH]).toBeUndefined();
    expect(await refreshes(h)).toHaveLength(1);
  });

  it('E2: links older than links.maxAgeHours — enrols side by side make one refresh between them', async () => {
    await ageRefreshes(h);
    h.sim.resetStats();
    const ids = await Promise.all(['L0004', 'L0005', 'L0006'].map((ident) => h.producer.resolveLearnerIdent(ident)));
    const jobs = await Promise.all(ids.map((id) => h.producer.enqueueEnrol(id, CHOICES)));
    for (const { jobId } of jobs) expect((await h.waitForJob(h.producer.queues[QUEUE.enrol], jobId)).failedReason).toBeUndefined();
    expect(h.sim.stats().byEndpoint[STANDARD_SEARCH]).toEqual({ '200': 1 });
    expect((await refreshes(h)).map((r) => r.status)).toEqual(['completed', 'completed']);
    for (const id of ids) expect((await aimIds(h, id)).filter((a) => a !== null).length).toBeGreaterThan(0);
  });

  it('E2: an enrol that finds a refresh running waits for it, then uses its links instead of refreshing again', async () => {
    await ageRefreshes(h);
    const before = (await refreshes(h)).length;
    h.sim.resetStats();
    const learnerId = await h.producer.resolveLearnerIdent('L0008');
    let jobId = '';
    // This test holds the refresh lock, as a running refresh job does, and finishes "its" refresh once the enrol waits.
    await withEntityLock(h.t.db, linksRefreshLockKey(ORGANISATION), async (conn) => {
      const refreshId = await startLinkRefresh(conn, ORGANISATION, 'test-refresh');
      ({ jobId } = await h.producer.enqueueEnrol(learnerId, CHOICES));
      for (let i = 0; ; i++) {
        const waiting = await sql<{ n: string }>`select count(*) as n from pg_locks where locktype = 'advisory' and not granted`.execute(h.t.db);
        if (Number(waiting.rows[0]!.n) > 0) break;
        if (i > 2_000) throw new Error('the enrol never waited for the refresh lock');
        await new Promise((r) => setTimeout(r, 10));
      }
      await finishLinkRefresh(conn, refreshId, {
        status: 'completed', counts: { standardsSeen: 11, qualificationsLinked: 8, qualificationsNotAvailable: 2, linksAdded: 0, linksGone: 0, callsMade: 0 },
      });
    });
    expect((await h.waitForJob(h.producer.queues[QUEUE.enrol], jobId)).failedReason).toBeUndefined();
    expect(h.sim.stats().byEndpoint[STANDARD_SEARCH]).toBeUndefined();
    expect(await refreshes(h)).toHaveLength(before + 1);
    expect((await aimIds(h, learnerId)).filter((a) => a !== null).length).toBeGreaterThan(0);
  });

  it('Q1: the refresh job takes the same lock: it waits for a refresh running elsewhere, then runs its own', async () => {
    const before = (await refreshes(h)).length;
    let jobId = '';
    await withEntityLock(h.t.db, linksRefreshLockKey(ORGANISATION), async () => {
      ({ jobId } = await h.producer.enqueueRefreshLinks('user'));
      for (let i = 0; ; i++) {
        const waiting = await sql<{ n: string }>`select count(*) as n from pg_locks where locktype = 'advisory' and not granted`.execute(h.t.db);
        if (Number(waiting.rows[0]!.n) > 0) break;
        if (i > 2_000) throw new Error('the refresh job never waited for the refresh lock');
        await new Promise((r) => setTimeout(r, 10));
      }
      // Still waiting: it has recorded nothing yet.
      expect(await refreshes(h)).toHaveLength(before);
    });
    const job = await h.waitForJob(h.producer.queues[QUEUE.refreshLinks], jobId);
    expect(job.returnvalue).toMatchObject({ organisationId: ORGANISATION, standardsSeen: 11, callsMade: 1 });
    expect(await refreshes(h)).toHaveLength(before + 1);
  });
});
