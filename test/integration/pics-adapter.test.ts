import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  PicsConflictError, SettingsError, findLearnerByIdent, listLearnersInSyncScope, loadLearnerGraph, readOneFileSettings,
  setLearnerOneFileId, setOfficerOtherSystemId,
} from '../../src/pics/index.js';
import { loadConfig } from '../../src/config/load.js';
import { seedDemoPics } from '../../src/demo/seed-pics.js';
import { DEMO_CUSTOMER_TOKEN, DEMO_LEARNER_COUNT } from '../../src/demo/catalogue.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

const TODAY = '2026-11-23';

describe('PICS adapter on the demo provider', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await seedDemoPics(t.db, { today: TODAY });
  });
  afterAll(async () => {
    await t.drop();
  });

  it('the demo seed is a realistic provider', async () => {
    const count = async (table: 'pics.learner' | 'pics.review' | 'pics.placement' | 'pics.learner_unit') =>
      Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
    expect(await count('pics.learner')).toBe(DEMO_LEARNER_COUNT);
    expect(await count('pics.review')).toBeGreaterThan(DEMO_LEARNER_COUNT * 2);
    expect(await count('pics.learner_unit')).toBeGreaterThan(0);
    const types = await t.db.selectFrom('pics.placement').select('placement_type').distinct().execute();
    expect(types.map((r) => r.placement_type).sort()).toEqual(['P', 'S', 'W']);
    const linked = await t.db.selectFrom('pics.officer').select('id').where('other_system_id', 'is not', null).execute();
    const unlinked = await t.db.selectFrom('pics.officer').select('id').where('other_system_id', 'is', null).execute();
    expect(linked.length).toBeGreaterThan(0);
    expect(unlinked.length).toBeGreaterThan(0);
  });

  it('reads the settings row, typed, with the token kept for the client only', async () => {
    const settings = await readOneFileSettings(t.db);
    expect(settings).toMatchObject({ integrationEnabled: true, environment: 'practice', organisationId: 5740, uploadReviews: true });
    expect(settings?.customerToken).toBe(DEMO_CUSTOMER_TOKEN);
    expect(settings?.additionalAssessorRoles).toEqual(['Mentor']);
  });

  it('rejects an invalid setting with the field named', async () => {
    await t.db.updateTable('pics.onefile_settings').set({ learner_demographics_mode: 'both' }).execute();
    await expect(readOneFileSettings(t.db)).rejects.toThrow(SettingsError);
    await expect(readOneFileSettings(t.db)).rejects.toThrow(/learner_demographics_mode is "both"/);
    await t.db.updateTable('pics.onefile_settings').set({ learner_demographics_mode: 'none' }).execute();
  });

  it('loads a whole learner graph in a fixed number of queries', async () => {
    // Every query the adapter sends through this handle, counted as Kysely compiles it.
    const sent: string[] = [];
    const counted = t.db.withPlugin({
      transformQuery: (args) => { sent.push(args.node.kind); return args.node; },
      transformResult: async (args) => args.result,
    });
    const queriesFor = async (learnerId: number) => {
      sent.length = 0;
      await loadLearnerGraph(counted, learnerId);
      return sent.length;
    };
    // The smallest and the largest graph in the demo (by reviews and qualifications) take the same six queries.
    const sizes = await t.db.selectFrom('pics.learner as l')
      .select((eb) => ['l.id', eb.selectFrom('pics.review as r').select((c) => c.fn.countAll<string>().as('n')).whereRef('r.learner_id', '=', 'l.id').as('reviews')])
      .orderBy('reviews').orderBy('l.id').execute();
    const [smallest, largest] = [sizes[0]!, sizes.at(-1)!];
    expect(Number(largest.reviews)).toBeGreaterThan(Number(smallest.reviews));
    expect([await queriesFor(smallest.id), await queriesFor(largest.id)]).toEqual([6, 6]);
    const ref = await findLearnerByIdent(t.db, 'L0002');
    expect(await queriesFor(ref!.id)).toBe(6);
    const graph = await loadLearnerGraph(t.db, ref!.id);
    expect(graph?.learner.ident).toBe('L0002');
    expect(graph?.learner.birthDate).toMatch(/^\d{4}-\d{2}-\d{2}$/); // dates stay calendar strings
    expect(graph?.officers.get(graph!.learner.mainOfficerId!)?.ident).toMatch(/^O\d{4}$/);
    expect(graph?.roles.length).toBeGreaterThan(0);
    expect(graph?.placements.length).toBeGreaterThan(0);
    expect(graph?.placements[0]?.organisation?.name).toBeTruthy();
    expect(graph?.qualifications[0]?.qualification?.title).toBeTruthy();
    expect(graph?.reviews.length).toBeGreaterThan(1);
    // Every officer the graph refers to is loaded.
    const referenced = [
      graph!.learner.mainOfficerId, ...graph!.roles.map((r) => r.officerId),
      ...graph!.qualifications.map((q) => q.assessorOfficerId), ...graph!.reviews.map((r) => r.officerId),
    ].filter((id): id is number => id !== null);
    for (const id of referenced) expect(graph!.officers.has(id)).toBe(true);
  });

  it('counts units per qualification', async () => {
    const withUnits = await t.db.selectFrom('pics.learner_unit as u').innerJoin('pics.learner_qualification as lq', 'lq.id', 'u.learner_qualification_id')
      .select(['lq.learner_id', 'lq.id']).executeTakeFirstOrThrow();
    const graph = await loadLearnerGraph(t.db, withUnits.learner_id!);
    expect(graph!.qualifications.find((q) => q.id === withUnits.id)?.unitCount).toBe(2);
  });

  it('returns null for an unknown learner', async () => {
    expect(await loadLearnerGraph(t.db, 999_999)).toBeNull();
  });

  it('pages the daily-sync scope by keyset: OneFile id, Live, in learning or ended within the window', async () => {
    const learners = await t.db.selectFrom('pics.learner').select(['id', 'status', 'actual_end_date']).orderBy('id').execute();
    for (const l of learners) await setLearnerOneFileId(t.db, l.id, 900_000 + l.id);
    const expected = learners
      .filter((l) => l.status === 'Live' && (l.actual_end_date === null || l.actual_end_date >= '2026-10-24'))
      .map((l) => l.id);
    const seen: number[] = [];
    let afterId = 0;
    for (;;) {
      const page = await listLearnersInSyncScope(t.db, { afterId, limit: 7, today: TODAY, endedWithinDays: 30 });
      if (page.length === 0) break;
      seen.push(...page.map((p) => p.id));
      afterId = page.at(-1)!.id;
    }
    expect(seen).toEqual(expected);
    expect(seen.length).toBeLessThan(learners.length); // some are out of scope
  });

  describe('D2–D4 sync scope: ended learners stay in for their certificate dates (sync.endedLearnerWindowDays)', () => {
    const defaultWindow = loadConfig({ env: { NODE_ENV: 'test' } }).sync.endedLearnerWindowDays;
    const ended = { fourMonths: '2026-07-23', lastInDefault: '2025-11-23', firstOutOfDefault: '2025-11-22', dormantLastWeek: '2026-11-16' };
    const ids: Record<keyof typeof ended, number> = { fourMonths: 0, lastInDefault: 0, firstOutOfDefault: 0, dormantLastWeek: 0 };
    const inScope = async (endedWithinDays: number) =>
      new Set((await listLearnersInSyncScope(t.db, { afterId: 0, limit: 10_000, today: TODAY, endedWithinDays })).map((l) => l.id));

    beforeAll(async () => {
      const live = await t.db.selectFrom('pics.learner').select('id').where('status', '=', 'Live').orderBy('id').limit(4).execute();
      for (const [i, key] of (Object.keys(ended) as (keyof typeof ended)[]).entries()) {
        ids[key] = live[i]!.id;
        await t.db.updateTable('pics.learner').set({ actual_end_date: ended[key], onefile_id: 800_000 + live[i]!.id, status: key === 'dormantLastWeek' ? 'Dormant' : 'Live' })
          .where('id', '=', live[i]!.id).execute();
      }
    });

    it('by default a learner who ended 4 months ago is in scope, up to a year after the end; one ended earlier is not', async () => {
      expect(defaultWindow).toBe(365);
      const scope = await inScope(defaultWindow);
      expect(scope.has(ids.fourMonths)).toBe(true);
      expect(scope.has(ids.lastInDefault)).toBe(true); // ended exactly 365 days ago
      expect(scope.has(ids.firstOutOfDefault)).toBe(false); // 366 days ago
    });

    it('the window setting moves the edge', async () => {
      expect((await inScope(90)).has(ids.fourMonths)).toBe(false);
      expect((await inScope(123)).has(ids.fourMonths)).toBe(true); // 2026-07-23 is 123 days before 2026-11-23
      expect((await inScope(366)).has(ids.firstOutOfDefault)).toBe(true);
    });

    it('a Dormant learner is out, however recently ended (status is the record\'s Live/Dormant flag)', async () => {
      expect((await inScope(defaultWindow)).has(ids.dormantLastWeek)).toBe(false);
    });
  });

  it('never overwrites an id that PICS already holds', async () => {
    const ref = await findLearnerByIdent(t.db, 'L0003');
    await expect(setLearnerOneFileId(t.db, ref!.id, 1)).rejects.toThrow(PicsConflictError);
    const officer = await t.db.selectFrom('pics.officer').select('id').where('other_system_id', 'is not', null).executeTakeFirstOrThrow();
    await expect(setOfficerOtherSystemId(t.db, officer.id, '1')).rejects.toThrow(/already holds a different value/);
  });
});
