import { describe, expect, it } from '@jest/globals';
import {
  DEMO_EXISTING_CLASSROOMS, DEMO_OFFICERS, DEMO_ONEFILE_ONLY_ASSESSORS, DEMO_ORGANISATIONS, DEMO_QUALIFICATIONS,
  DEMO_UNMATCHED_STANDARDS,
} from '../../src/demo/catalogue.js';
import { useSimulator } from '../helpers/simulator.js';
import { admin, client } from './support.js';

const ORG = 5740;

describe('demo seed', () => {
  const sim = useSimulator({ seed: 'demo' });

  it('holds the catalogue: linked assessors (MISID = officer ident), the OneFile-only one, placements, classrooms, every standard', async () => {
    const state = (await admin(sim, 'GET', '/state')).json();
    expect(state.customers).toEqual([expect.objectContaining({ ID: 2070 })]);
    expect(state.organisations).toEqual([expect.objectContaining({ ID: ORG, CustomerID: 2070 })]);
    const linked = DEMO_OFFICERS.filter((o) => o.oneFileAssessorId !== undefined);
    expect(state.users.map((u: { ID: number; MISID: string; Role: number }) => [u.ID, u.MISID, u.Role])).toEqual([
      ...linked.map((o) => [o.oneFileAssessorId, o.ident, 5]),
      ...DEMO_ONEFILE_ONLY_ASSESSORS.map((a) => [a.id, a.misId, 5]),
    ]);
    const placements = DEMO_ORGANISATIONS.filter((o) => o.oneFilePlacementId !== undefined);
    expect(state.placements.map((p: { ID: number; MISID: string }) => [p.ID, p.MISID]))
      .toEqual(placements.map((o) => [o.oneFilePlacementId, o.ident]));
    expect(state.classrooms.map((c: { ID: number; Name: string }) => ({ id: c.ID, name: c.Name }))).toEqual(DEMO_EXISTING_CLASSROOMS);
    const standardIds = [...DEMO_QUALIFICATIONS.flatMap((q) => q.standards), ...DEMO_UNMATCHED_STANDARDS].map((s) => s.id);
    expect(state.standards.map((s: { ID: number }) => s.ID).sort()).toEqual(standardIds.sort());
    expect(sim.duplicates().total).toBe(0);
  });
});

describe('admin routes', () => {
  const sim = useSimulator({ seed: 'empty' });

  it('seeds from a JSON body (merging rows by ID), from the demo, and resets', async () => {
    expect((await admin(sim, 'GET', '/state')).json().users).toEqual([]);
    const seeded = await admin(sim, 'POST', '/seed', {
      customers: [{ ID: 1, Name: 'C', Token: 't1' }],
      organisations: [{ ID: 10, CustomerID: 1, Name: 'O' }],
      users: [{ ID: 100, organisationID: 10, Role: 5, FirstName: 'A', LastName: 'B', LastModified: '2026-01-01T00:00:00' }],
    });
    expect(seeded.status).toBe(200);
    expect(seeded.json().seeded).toMatchObject({ customers: 1, organisations: 1, users: 1 });
    await admin(sim, 'POST', '/seed', { users: [{ ID: 100, MISID: 'X1' }] });
    expect((await admin(sim, 'GET', '/state')).json().users).toEqual([expect.objectContaining({
      ID: 100, OrganisationID: 10, FirstName: 'A', MISID: 'X1', LastModified: '2026-01-01T00:00:00.000Z' })]);
    const api = await client(sim, 't1');
    expect((await api.call('GET', '/User/100')).status).toBe(200);

    expect((await admin(sim, 'POST', '/seed', { bogus: [] })).status).toBe(400);
    expect((await admin(sim, 'POST', '/seed', { users: [{ ID: 'x' }] })).status).toBe(400);

    await admin(sim, 'POST', '/seed/demo');
    expect((await admin(sim, 'GET', '/state')).json().customers).toHaveLength(2);
    await admin(sim, 'POST', '/reset', {});
    const empty = (await admin(sim, 'GET', '/state')).json();
    expect([empty.customers, empty.users]).toEqual([[], []]);
    expect((await api.call('GET', '/Customer')).status).toBe(401); // sessions went with the reset
    await admin(sim, 'POST', '/reset', { seed: 'demo' });
    expect((await admin(sim, 'GET', '/state')).json().standards).toHaveLength(11);
  });

  it('reports calls per endpoint template and status, and clears them', async () => {
    await admin(sim, 'POST', '/reset', { seed: 'demo' });
    const api = await client(sim);
    await api.call('GET', '/User/122762');
    await api.call('GET', '/User/999');
    await api.call('POST', '/Review/Search/1/10', { LearnerID: 1 });
    await api.call('GET', '/Nowhere/1');
    const stats = (await admin(sim, 'GET', '/stats')).json();
    expect(stats).toEqual({
      total: 5, overLimit: 0, forced429: 0, dropped: 0, abandoned: 0, writesAwaitingAnswer: 0,
      byEndpoint: {
        'POST /Authentication': { 200: 1 },
        'GET /User/{id}': { 200: 1, 404: 1 },
        'POST /Review/Search/{page}/{size}': { 204: 1 },
        'GET (no route)': { 404: 1 },
      },
    });
    expect((await admin(sim, 'POST', '/stats/reset')).json().total).toBe(0);
    expect(sim.stats().total).toBe(0);
  });

  it('finds duplicates: one MISID twice (archived included), aims, reviews, placements and classrooms', async () => {
    await admin(sim, 'POST', '/reset', { seed: 'demo' });
    sim.seed({ users: [
      { ID: 500001, OrganisationID: ORG, Role: 5, FirstName: 'Ravi', LastName: 'Patel', MISID: 'O0008', Archived: true },
      { ID: 500002, OrganisationID: ORG, Role: 5, FirstName: 'Ravi', LastName: 'Patel', MISID: 'o0008 ' },
    ] });
    const api = await client(sim);
    const learner = (await api.call('POST', '/User', { OrganisationID: ORG, Role: 1, FirstName: 'D', LastName: 'Up',
      Email: 'd@example.com', DefaultAssessorID: 122762, ClassroomID: 15379, PlacementID: 18928 })).json().ID;
    const aims = [];
    for (let i = 0; i < 2; i++) aims.push((await api.call('POST', `/Standard/55774/Assign/${learner}`)).json());
    const reviews = [];
    for (let i = 0; i < 2; i++) {
      reviews.push((await api.call('POST', '/Review', { LearnerID: learner, AssessorID: 122762, ScheduledFor: '2027-01-05T10:00:00Z' })).json());
    }
    await api.call('POST', '/Review', { LearnerID: learner, AssessorID: 122763, ScheduledFor: '2027-01-05T10:00:00Z' });
    const visit = { LearnerID: learner, OrganisationID: ORG, AssessorID: 122762, DateFrom: '2027-01-05T10:00:00Z', DateTo: '2027-01-05T11:00:00Z', VisitTypeID: 1 };
    const visits = [];
    for (let i = 0; i < 2; i++) visits.push((await api.call('POST', '/Visit', visit)).json());
    await api.call('POST', '/Visit', { ...visit, DateFrom: '2027-01-06T10:00:00Z', DateTo: '2027-01-06T11:00:00Z' });
    await api.call('POST', '/Placement', { OrganisationID: ORG, Name: 'brightwater logistics ltd' });
    await api.call('POST', '/Classroom', { OrganisationID: ORG, Name: 'All Learners' });

    const report = (await admin(sim, 'GET', '/duplicates')).json();
    expect(report.usersSameMisId).toEqual([{ OrganisationID: ORG, MISID: 'O0008', UserIDs: [500001, 500002], Archived: [true, false] }]);
    expect(report.learningAimsSameStandard).toEqual([{ UserID: learner, StandardID: 55774, LearningAimIDs: aims }]);
    expect(report.reviewsSameSlot).toEqual([{ LearnerID: learner, AssessorID: 122762, ScheduledFor: '2027-01-05T10:00:00.000Z', ReviewIDs: reviews }]);
    expect(report.placementsSameName).toEqual([expect.objectContaining({ OrganisationID: ORG, PlacementIDs: [18928, expect.any(Number)] })]);
    expect(report.classroomsSameName).toEqual([expect.objectContaining({ Name: 'All Learners', ClassroomIDs: [15379, expect.any(Number)] })]);
    expect(report.visitsSameSlot).toEqual([{ LearnerID: learner, AssessorID: 122762, DateFrom: '2027-01-05T10:00:00.000Z', VisitIDs: visits.map((v) => (typeof v === 'number' ? v : v.ID)) }]);
    expect(report.total).toBe(6);
  });

  it('shows and advances the simulated clock', async () => {
    const before = (await admin(sim, 'GET', '/clock')).json();
    expect(before).toMatchObject({ now: expect.stringMatching(/Z$/), speed: 1 });
    const after = (await admin(sim, 'POST', '/clock', { advanceMs: 3_600_000 })).json();
    expect(after.epochMs - before.epochMs).toBeGreaterThanOrEqual(3_600_000);
    expect((await admin(sim, 'POST', '/clock', { advanceMs: -1 })).status).toBe(400);
  });
});
