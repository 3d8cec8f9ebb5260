import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { QUEUE } from '../../src/queues/names.js';
import { readQualificationLinks } from '../../src/producer/qualifications.js';
import { startHarness, type Harness } from '../helpers/harness.js';

async function refresh(h: Harness) {
  const { jobId } = await h.producer.enqueueRefreshLinks('user');
  const job = await h.waitForJob(h.producer.queues[QUEUE.refreshLinks], jobId);
  expect(await job.getState()).toBe('completed');
  return job.returnvalue as Record<string, number>;
}

describe('Q1–Q3 refresh, then OneFile standards change', () => {
  let h: Harness;
  beforeAll(async () => {
    // A page size smaller than the catalogue would be a different test; the demo fits one page.
    h = await startHarness({ seed: { learners: 5 } });
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });

  it('marks a standard that disappears as gone, links a new one, and records what changed', async () => {
    const first = await refresh(h);
    expect(first).toMatchObject({ linksAdded: 9, linksGone: 0, qualificationsLinked: 8 });

    // OneFile drops the Warehouse Operative standard and adds a second Team Leader pathway.
    h.sim.seed({ standards: [
      { ID: 55901, OrganisationID: 9999 },
      { ID: 55775, OrganisationID: 5740, Title: 'Team Leader or Supervisor - Retail pathway [ST0384]' },
    ] });
    const second = await refresh(h);
    expect(second).toMatchObject({ linksAdded: 1, linksGone: 1, qualificationsLinked: 7, qualificationsNotAvailable: 3 });

    const view = await readQualificationLinks(h.t.db);
    expect(view.qualifications.find((q) => q.title === 'Warehouse Operative')).toMatchObject({ available: false, standards: [] });
    expect(view.qualifications.find((q) => q.title === 'Team Leader or Supervisor')?.standards.map((s) => s.standardId)).toEqual([55774, 55775]);
    const gone = await h.t.db.selectFrom('eportfolio_sync.qualification_link').selectAll().where('standard_id', '=', 55901).executeTakeFirstOrThrow();
    expect(gone.status).toBe('gone'); // kept, never silently deleted
    expect(gone.gone_at).not.toBeNull();
    const refreshes = await h.t.db.selectFrom('eportfolio_sync.link_refresh').selectAll().orderBy('id').execute();
    expect(refreshes.map((r) => [r.status, r.links_added, r.links_gone])).toEqual([['completed', 9, 0], ['completed', 1, 1]]);

    // Nothing changed: a third refresh adds and removes nothing.
    expect(await refresh(h)).toMatchObject({ linksAdded: 0, linksGone: 0 });
  });

  it('S1: with the integration disabled the job ends at once as "integration disabled", calling nothing', async () => {
    await h.t.db.updateTable('pics.onefile_settings').set({ integration_enabled: false }).execute();
    h.sim.resetStats();
    const result = await refresh(h);
    expect(result).toEqual({ skipped: 'integration disabled' });
    expect(h.sim.stats().total).toBe(0);
    await h.t.db.updateTable('pics.onefile_settings').set({ integration_enabled: true }).execute();
  });
});
