import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { OneFileCtx } from '../../src/eportfolio/onefile/context.js';
import { resolveClassroom, resolveOfficer, resolvePlacement } from '../../src/eportfolio/onefile/find-or-create.js';
import { createLogger } from '../../src/logging/logger.js';
import { createOneFileClientFactory } from '../../src/onefile/factory.js';
import { ONEFILE_ROLE } from '../../src/onefile/types.js';
import { readOneFileSettings } from '../../src/pics/index.js';
import type { EmployerUpload, OfficerUpload } from '../../src/rules/enrol-plan.js';
import { startHarness, type Harness } from '../helpers/harness.js';

/*
 * E4–E6: the OneFile records many learners share, found or created by one shape (find-or-create.ts): the id
 * PICS holds, else under the record's lock the id stored meanwhile, a search, a create, the write-back. Each
 * step is seen here in the OneFile calls it costs and in what PICS holds after, against the simulator.
 */

describe('find or create a shared OneFile record', () => {
  let h: Harness;
  let ctx: OneFileCtx;
  let org: number;
  let n = 0;

  /** OneFile calls since the last reset, by endpoint, logins left out. */
  const calls = () => Object.fromEntries(Object.entries(h.sim.stats().byEndpoint).filter(([e]) => e !== 'POST /Authentication')
    .map(([e, byStatus]) => [e, Object.values(byStatus).reduce((a, b) => a + b, 0)]));

  async function newOfficer(otherSystemId: string | null = null): Promise<OfficerUpload> {
    const ident = `OFC${++n}`;
    const row = await h.t.db.insertInto('pics.officer').values({ ident, forenames: 'Fay', surname: `Cole${n}`, email: `fay${n}@provider.example`, other_system_id: otherSystemId })
      .returning('id').executeTakeFirstOrThrow();
    return { officerId: row.id, ident, oneFileId: otherSystemId === null ? null : Number(otherSystemId), firstName: 'Fay', lastName: `Cole${n}`, email: `fay${n}@provider.example`, reasons: ['main'] };
  }

  async function newEmployer(): Promise<EmployerUpload> {
    const ident = `EFC${++n}`;
    const row = await h.t.db.insertInto('pics.organisation').values({ ident, name: `Fabrication ${n} Ltd` }).returning('id').executeTakeFirstOrThrow();
    return { organisationId: row.id, ident, oneFileId: null, name: `Fabrication ${n} Ltd`, placementId: 0 };
  }

  const otherSystemId = async (officerId: number) =>
    (await h.t.db.selectFrom('pics.officer').select('other_system_id').where('id', '=', officerId).executeTakeFirstOrThrow()).other_system_id;
  const assessorsWithMis = (mis: string) => [...h.sim.state.users.values()].filter((u) => u.MISID === mis && u.Role === ONEFILE_ROLE.assessor);

  beforeAll(async () => {
    h = await startHarness({ workers: false });
    const settings = (await readOneFileSettings(h.t.db))!;
    org = settings.organisationId!;
    const client = createOneFileClientFactory({ redis: h.redis.redis, config: h.config })(settings);
    ctx = { db: h.t.db, client, settings, logger: createLogger({ level: 'silent', pretty: false }) };
    await client.customer(); // logged in once: the calls counted below are the records' own
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });
  beforeEach(() => h.sim.resetStats());

  it('E4: an officer PICS links already is that assessor, without a OneFile call', async () => {
    const officer = await newOfficer('122762');
    expect(await resolveOfficer(ctx, org, officer)).toBe(122762);
    expect(calls()).toEqual({});
  });

  it('E4: an unlinked officer costs one search and one create, and its id is written back', async () => {
    const officer = await newOfficer();
    const id = await resolveOfficer(ctx, org, officer);
    expect(assessorsWithMis(officer.ident!).map((u) => u.ID)).toEqual([id]);
    expect(await otherSystemId(officer.officerId)).toBe(String(id));
    expect(calls()).toEqual({ 'POST /User/Search/{page}/{size}': 1, 'POST /User': 1 });
  });

  it('E4: a job that read PICS before another stored the id finds it stored under the lock: no OneFile call', async () => {
    const officer = await newOfficer();
    const first = await resolveOfficer(ctx, org, officer);
    h.sim.resetStats();
    expect(await resolveOfficer(ctx, org, { ...officer, oneFileId: null })).toBe(first);
    expect(calls()).toEqual({});
  });

  it('E4: created in OneFile but not written back (a crash between): found by MIS value, not created again', async () => {
    const officer = await newOfficer();
    const left = h.sim.state.users.insert({ OrganisationID: org, Role: ONEFILE_ROLE.assessor, FirstName: 'Fay', LastName: officer.lastName, Email: officer.email, MISID: officer.ident! });
    expect(await resolveOfficer(ctx, org, officer)).toBe(left.ID);
    expect(assessorsWithMis(officer.ident!)).toHaveLength(1);
    expect(await otherSystemId(officer.officerId)).toBe(String(left.ID));
    expect(calls()).toEqual({ 'POST /User/Search/{page}/{size}': 1 });
  });

  it('E5: four jobs at once for one unlinked employer: one placement, searched and created once, stored back', async () => {
    const employer = await newEmployer();
    const ids = await Promise.all([0, 1, 2, 3].map(() => resolvePlacement(ctx, org, employer)));
    expect(new Set(ids).size).toBe(1);
    expect([...h.sim.state.placements.values()].filter((p) => p.MISID === employer.ident)).toHaveLength(1);
    const stored = await h.t.db.selectFrom('pics.organisation').select('additional_id').where('id', '=', employer.organisationId).executeTakeFirstOrThrow();
    expect(stored.additional_id).toBe(String(ids[0]));
    expect(calls()).toEqual({ 'POST /Placement/Search/{page}/{size}': 1, 'POST /Placement': 1 });
  });

  it('E6: a classroom is found by name in OneFile once, then remembered whatever the case; created once however many jobs ask at once', async () => {
    const name = `Cohort ${++n}`;
    h.sim.state.classrooms.insert({ OrganisationID: org, Name: name });
    const found = await resolveClassroom(ctx, org, name.toUpperCase());
    expect(found.remembered).toBe(false);
    expect(calls()).toEqual({ 'POST /Classroom/Search/{page}/{size}': 1 });
    h.sim.resetStats();
    expect(await resolveClassroom(ctx, org, `  ${name.toLowerCase()} `)).toEqual({ id: found.id, remembered: true });
    expect(calls()).toEqual({});
    const fresh = `Cohort ${++n}`;
    const all = await Promise.all([0, 1, 2].map(() => resolveClassroom(ctx, org, fresh)));
    expect(new Set(all.map((c) => c.id)).size).toBe(1);
    expect(all.filter((c) => !c.remembered)).toHaveLength(1); // the others waited and read what the first kept
    expect(calls()['POST /Classroom']).toBe(1);
  });

  it('multi-centre: Other System ID names no centre, so it is neither used nor written; the id is kept per centre', async () => {
    const multi = { ...ctx, settings: { ...ctx.settings, multiCentre: true } };
    const officer = await newOfficer('122762');
    const created = await resolveOfficer(multi, org, officer);
    expect(created).not.toBe(122762);
    expect(assessorsWithMis(officer.ident!).map((u) => u.ID)).toEqual([created]);
    expect(await otherSystemId(officer.officerId)).toBe('122762');
    h.sim.resetStats();
    expect(await resolveOfficer(multi, org, officer)).toBe(created);
    expect(calls()).toEqual({});
  });
});
