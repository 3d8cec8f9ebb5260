import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { QUEUE } from '../../src/queues/names.js';
import { readKnownClassroom } from '../../src/store/classrooms.js';
import { ROLE } from '../../src/simulator/schemas.js';
import { startHarness, type Harness } from '../helpers/harness.js';

/*
 * Issue 21, fewer calls per enrol — each saving only where the worker's own records prove it safe:
 * - E6: a classroom found or created once is remembered per organisation and name; when OneFile refuses the
 *   remembered id (the classroom was removed there), the enrol looks it up again and carries on.
 * - E7: the learner is looked for by MIS value before its create only when an earlier attempt sent that create
 *   (enrol-crash.test covers the lost answer); a first attempt creates at once.
 */

describe('enrol: calls saved on what the worker already knows (E6, E7)', () => {
  let h: Harness;
  const ids: Record<string, number> = {};
  const enrol = async (ident: string) => {
    const { jobId } = await h.producer.enqueueEnrol(ids[ident]!, { pathways: { 3: 41301 } });
    return h.waitForJob(h.producer.queues[QUEUE.enrol], jobId);
  };
  const classroomOf = async (ident: string) => {
    const l = await h.t.db.selectFrom('pics.learner').select('onefile_id').where('id', '=', ids[ident]!).executeTakeFirstOrThrow();
    return h.sim.state.users.get(l.onefile_id!)!.ClassroomID!;
  };

  beforeAll(async () => {
    h = await startHarness();
    const links = await h.producer.enqueueRefreshLinks('cli');
    await h.waitForJob(h.producer.queues[QUEUE.refreshLinks], links.jobId);
    for (const ident of ['L0001', 'L0002', 'L0003', 'L0004']) ids[ident] = await h.producer.resolveLearnerIdent(ident);
    // All four in one classroom: the default one, as a learner without a main tag gets.
    await h.t.db.updateTable('pics.learner').set({ main_tag_id: null }).where('id', 'in', Object.values(ids)).execute();
    // Every officer already linked to a OneFile assessor, so the only user searches left would be the learner's own.
    const unlinked = await h.t.db.selectFrom('pics.officer').select(['id', 'ident', 'forenames', 'surname']).where('other_system_id', 'is', null).execute();
    for (const [i, o] of unlinked.entries()) {
      h.sim.seed({ users: [{ ID: 400_000 + i, OrganisationID: 5740, Role: ROLE.assessor, FirstName: o.forenames, LastName: o.surname, MISID: o.ident }] });
      await h.t.db.updateTable('pics.officer').set({ other_system_id: String(400_000 + i) }).where('id', '=', o.id).execute();
    }
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('the first enrol searches the classrooms once and remembers the one it found; the next enrol searches none', async () => {
    h.sim.resetStats();
    expect((await enrol('L0001')).failedReason).toBeUndefined();
    const first = h.sim.stats().byEndpoint;
    expect(first['POST /Classroom/Search/{page}/{size}']).toEqual({ '200': 1 });
    // A first attempt: nothing of this enrol can be in OneFile yet, so no look-up by the learner's MIS value.
    expect(first['POST /User/Search/{page}/{size}']).toBeUndefined();
    const classroom = await classroomOf('L0001');
    const org = h.sim.state.classrooms.get(classroom)!.OrganisationID!;
    expect(await readKnownClassroom(h.t.db, org, 'All Learners')).toBe(classroom);

    h.sim.resetStats();
    expect((await enrol('L0002')).failedReason).toBeUndefined();
    const second = h.sim.stats().byEndpoint;
    expect(second['POST /Classroom/Search/{page}/{size}']).toBeUndefined();
    expect(second['POST /User/Search/{page}/{size}']).toBeUndefined();
    expect(await classroomOf('L0002')).toBe(classroom);
  });

  it('a remembered classroom removed in OneFile: the create is refused, the classroom looked up again (re-created), the learner enrolled once', async () => {
    const removed = await classroomOf('L0001');
    const org = h.sim.state.classrooms.get(removed)!.OrganisationID!;
    h.sim.state.classrooms.remove(removed);
    h.sim.resetStats();
    const job = await enrol('L0003');
    expect(job.failedReason).toBeUndefined();
    expect(job.attemptsMade).toBe(1); // handled within the attempt, not by a retry
    const calls = h.sim.stats().byEndpoint;
    expect(calls['POST /User']).toEqual({ '200': 1, '400': 1 });
    expect(calls['POST /Classroom/Search/{page}/{size}']).toBeDefined();
    const now = await classroomOf('L0003');
    expect(now).not.toBe(removed);
    expect(h.sim.state.classrooms.get(now)).toMatchObject({ Name: 'All Learners', OrganisationID: org });
    expect(await readKnownClassroom(h.t.db, org, 'All Learners')).toBe(now);
    expect([...h.sim.state.users.values()].filter((u) => u.MISID === 'L0003')).toHaveLength(1);
    expect(h.sim.duplicates()).toMatchObject({ total: 0 });
  });

  it('a refusal the classroom does not explain: one search shows the classroom is there, the create is not sent again, the enrol fails as before', async () => {
    const classroom = await classroomOf('L0003');
    const org = h.sim.state.classrooms.get(classroom)!.OrganisationID!;
    // The main officer's assessor removed in OneFile: OneFile refuses DefaultAssessorID, which no record of ours can fix.
    const learner = await h.t.db.selectFrom('pics.learner').select('main_officer_id').where('id', '=', ids.L0004!).executeTakeFirstOrThrow();
    const officer = await h.t.db.selectFrom('pics.officer').select('other_system_id').where('id', '=', learner.main_officer_id!).executeTakeFirstOrThrow();
    if (officer.other_system_id) h.sim.state.users.remove(Number(officer.other_system_id));
    else await h.t.db.updateTable('pics.officer').set({ other_system_id: '999999' }).where('id', '=', learner.main_officer_id!).execute();
    h.sim.resetStats();
    const job = await enrol('L0004');
    expect(await job.getState()).toBe('failed');
    expect(job.failedReason).toMatch(/DefaultAssessorID/);
    const calls = h.sim.stats().byEndpoint;
    expect(calls['POST /Classroom/Search/{page}/{size}']).toEqual({ '200': 1 });
    expect(calls['POST /User']).toEqual({ '400': 1 });
    expect(await readKnownClassroom(h.t.db, org, 'All Learners')).toBe(classroom);
  });
});
