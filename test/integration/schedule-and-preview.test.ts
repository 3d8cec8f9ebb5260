import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { sql } from 'kysely';
import { seedDemoPics } from '../../src/demo/seed-pics.js';
import { previewEnrol } from '../../src/producer/preview.js';
import { registerDailySchedule, ScheduleError, validateDailySchedule, DAILY_SCHEDULER_ID } from '../../src/queues/schedule.js';
import { findLearnerByIdent, readOneFileSettings } from '../../src/pics/index.js';
import { decideEnrol } from '../../src/eportfolio/onefile/enrol-input.js';
import { recordEnrolStep } from '../../src/store/enrol.js';
import { finishLinkRefresh, startLinkRefresh } from '../../src/store/links.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { createTestRedis, type TestRedis } from '../helpers/redis.js';

describe('daily schedule', () => {
  it.each(['0 2 * * *', '30 7 * * *', '0 21 * * 1-5'])('accepts %s', (pattern) => {
    expect(() => validateDailySchedule(pattern, new Date('2026-11-23T00:00:00Z'))).not.toThrow();
  });

  it.each([
    ['0 7 * * *', /07:00 UK time, inside OneFile's 07:00–07:30 release window/],
    ['15 7 * * *', /07:15/],
    ['*/10 * * * *', /07:00/],
    ['not a cron', /not a valid cron pattern/],
  ])('refuses %s', (pattern, message) => {
    expect(() => validateDailySchedule(pattern)).toThrow(ScheduleError);
    expect(() => validateDailySchedule(pattern)).toThrow(message);
  });

  it('reads the pattern in UK time all year: 06:15 stays 06:15 across BST', () => {
    expect(() => validateDailySchedule('15 6 * * *', new Date('2026-03-01T00:00:00Z'))).not.toThrow();
  });

  describe('registration', () => {
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

    it('registers one cron scheduler in Europe/London however many workers start at once, and updates it in place', async () => {
      const outcomes = await Promise.all([1, 2, 3, 4].map(() => registerDailySchedule(t.db, queue, '0 2 * * *')));
      expect(outcomes).toContain('registered');
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers).toHaveLength(1);
      expect(schedulers[0]).toMatchObject({ key: DAILY_SCHEDULER_ID, pattern: '0 2 * * *', tz: 'Europe/London' });
      await registerDailySchedule(t.db, queue, '30 1 * * *');
      const updated = await queue.getJobSchedulers();
      expect(updated.map((s) => s.pattern)).toEqual(['30 1 * * *']);
      expect(await queue.getDelayedCount()).toBe(1); // one next run, not one per registration
    });
  });
});

describe('enrol preview (E8, no ePortfolio write)', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await seedDemoPics(t.db, { today: '2026-11-23' });
  });
  afterAll(async () => {
    await t.drop();
  });

  it('shows what would be sent for a valid learner', async () => {
    const learner = await findLearnerByIdent(t.db, 'L0002');
    const view = await previewEnrol(t.db, learner!.id);
    expect(view.provider).toBe('onefile');
    expect(view.decision).toMatchObject({ kind: 'plan', plan: { learnerIdent: 'L0002', learner: { MISID: 'L0002', Role: 1 } } });
  });

  it('lists every problem for an invalid learner, and answers for an unknown one', async () => {
    const learner = await findLearnerByIdent(t.db, 'L0013');
    expect((await previewEnrol(t.db, learner!.id)).decision).toEqual({
      kind: 'invalid', problems: [{ field: 'main_officer_id', message: 'learner L0013 has no main officer' }],
    });
    expect((await previewEnrol(t.db, 999_999)).decision).toMatchObject({ kind: 'invalid', problems: [{ message: 'learner #999999 does not exist in PICS' }] });
  });

  it('E2/E8: says when the qualification links behind it were never refreshed or are too old (and calls no OneFile)', async () => {
    const learner = await findLearnerByIdent(t.db, 'L0002');
    const never = await previewEnrol(t.db, learner!.id);
    expect(never.links).toMatchObject({ freshness: 'never', refreshedAt: null, note: expect.stringMatching(/^qualification links have never been refreshed .*the enrol will refresh them first/) });
    const refreshId = await startLinkRefresh(t.db, 5740, 'test');
    await finishLinkRefresh(t.db, refreshId, { status: 'completed', counts: { standardsSeen: 0, qualificationsLinked: 0, qualificationsNotAvailable: 0, linksAdded: 0, linksGone: 0, callsMade: 0 } });
    expect((await previewEnrol(t.db, learner!.id)).links).toMatchObject({ freshness: 'fresh', note: null });
    await sql`update eportfolio_sync.link_refresh set finished_at = now() - interval '25 hours' where id = ${refreshId}`.execute(t.db);
    const stale = await previewEnrol(t.db, learner!.id);
    expect(stale.links).toMatchObject({ freshness: 'stale', note: expect.stringMatching(/last refreshed at .*, more than 24 h ago: the enrol will refresh them first/) });
    // links.maxAgeHours moves the edge; another organisation's refresh is not this one's.
    expect((await previewEnrol(t.db, learner!.id, {}, { linksMaxAgeHours: 48 })).links?.freshness).toBe('fresh');
    expect((await previewEnrol(t.db, learner!.id, { organisationId: 6000 })).links?.freshness).toBe('never');
  });

  it('E7: an enrol whose own learner step is recorded carries on; an id set by hand is refused', async () => {
    const learner = await findLearnerByIdent(t.db, 'L0004');
    const settings = (await readOneFileSettings(t.db))!;
    await t.db.updateTable('pics.learner').set({ onefile_id: 4242 }).where('id', '=', learner!.id).execute();
    expect((await decideEnrol(t.db, learner!.id, settings, {})).decision.kind).toBe('refused');
    await recordEnrolStep(t.db, learner!.id, 'learner', '4242');
    const resumed = await decideEnrol(t.db, learner!.id, settings, {});
    expect(resumed).toMatchObject({ resuming: true, decision: { kind: 'plan' } });
  });
});
