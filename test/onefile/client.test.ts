import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createOneFileClientFactory } from '../../src/onefile/factory.js';
import { oneFileBaseUrl } from '../../src/onefile/base-url.js';
import type { OneFileClient } from '../../src/onefile/client.js';
import { ONEFILE_ROLE, VISIT_TYPE_ID } from '../../src/onefile/types.js';
import { useTestRedis } from '../helpers/redis.js';
import { useSimulator } from '../helpers/simulator.js';
import {
  ASSESSOR, DEMO_CUSTOMER_TOKEN, ORG, PLACEMENT, STANDARD, callsTo, freshPrefix, logins, total,
  workerProcess, type WorkerProcess,
} from './support.js';
import { standaloneRedis } from '../../src/redis.js';

// Every client method against the simulator over real HTTP: what it sends, what it returns, what it costs.

const t = useTestRedis();
const sim = useSimulator({ rateLimit: 0 });
let proc: WorkerProcess;
let client: OneFileClient;

beforeEach(() => {
  proc?.close();
  sim.resetStats();
  proc = workerProcess(sim, freshPrefix(t.prefix));
  client = proc.client();
});

afterAll(() => proc?.close());

describe('OneFile client against the simulator', () => {
  it('customer(): logs in once, then GET /Customer', async () => {
    expect(await client.customer()).toEqual({ id: 2070, name: 'Northgate Training (demo)' });
    expect(await client.customer()).toEqual({ id: 2070, name: 'Northgate Training (demo)' });
    expect(logins(sim)).toBe(1);
    expect(callsTo(sim, 'GET /Customer')).toEqual({ 200: 2 });
    expect(client.callsMade()).toBe(3);
  });

  it('walks the whole enrol path: placement, classroom, learner, aim, assignment, visit and review', async () => {
    // Placements
    const placementId = await client.createPlacement({ OrganisationID: ORG, Name: 'Acme Widgets', MISID: 'E9001' });
    expect(placementId).toBeGreaterThan(0);
    expect(await client.getPlacement(placementId)).toMatchObject({ id: placementId, name: 'Acme Widgets', misId: 'E9001' });
    await client.updatePlacement(placementId, { Name: 'Acme Widgets Ltd' });
    const placements = await client.searchPlacements(ORG).all();
    expect(placements).toContainEqual(expect.objectContaining({ id: placementId, name: 'Acme Widgets Ltd', misId: 'E9001' }));
    expect(placements).toContainEqual(expect.objectContaining({ id: PLACEMENT }));

    // Classrooms
    const classroomId = await client.createClassroom({ OrganisationID: ORG, Name: 'Cohort 26' });
    expect(await client.searchClassrooms(ORG).all()).toContainEqual({ id: classroomId, name: 'Cohort 26', misId: null });

    // Learner
    const { id: learnerId } = await client.createUser({
      OrganisationID: ORG, Role: ONEFILE_ROLE.learner, FirstName: 'Ada', LastName: 'Lovelace', Email: 'ada@learners.example',
      MISID: 'L0042', DOB: '2001-04-02T00:00:00.000Z', StartOn: '2026-06-01T00:00:00.000Z', L12: '31', L13: 'F',
      DefaultAssessorID: ASSESSOR, ClassroomID: classroomId, PlacementID: placementId,
    });
    const learner = await client.getUser(learnerId);
    expect(learner).toMatchObject({
      id: learnerId, role: 1, organisationId: ORG, firstName: 'Ada', lastName: 'Lovelace', misId: 'L0042',
      dob: '2001-04-02', startOn: '2026-06-01', plannedEndDate: null, l12: '31', l13: 'F',
      defaultAssessorId: ASSESSOR, classroomId, placementId, archived: false,
    });
    expect(learner.lastModified).toMatch(/Z$/);
    await client.updateUser(learnerId, { MobileNumber: '07700 900123', PlannedEndDate: '2027-06-01T00:00:00.000Z' });
    expect(await client.getUser(learnerId)).toMatchObject({ mobile: '07700 900123', plannedEndDate: '2027-06-01' });
    expect(await client.findUsers({ OrganisationID: ORG, MISID: 'L0042' })).toEqual([
      { id: learnerId, firstName: 'Ada', lastName: 'Lovelace', misId: 'L0042', email: 'ada@learners.example', role: 1, archived: false },
    ]);

    // Learning aim: assigned, read (search rows are minimal by default, so full is null), updated
    const aimId = await client.assignStandard(STANDARD, learnerId, { StartDate: '2026-06-01T00:00:00.000Z' });
    const [summary] = await client.searchLearningAims(learnerId).all();
    expect(summary).toEqual({ id: aimId, standardId: STANDARD, userId: learnerId, status: 0, full: null });
    await client.updateLearningAim(aimId, { RegistrationNumber: 'REG-1', RegistrationDate: '2026-07-01T00:00:00.000Z' });
    expect(await client.getLearningAim(aimId)).toEqual({
      id: aimId, userId: learnerId, standardId: STANDARD, status: 0, startDate: '2026-06-01', plannedEnd: null,
      achievedDate: null, registrationNumber: 'REG-1', registrationDate: '2026-07-01', certificateAppliedDate: null,
      certificateReceivedDate: null, totalCriteria: expect.any(Number), completedCriteria: 0, progress: 0,
    });
    await client.assignUser(ASSESSOR, { LearnerID: learnerId, Level: 3, StandardID: STANDARD });
    expect([...sim.state.assignments.values()]).toContainEqual(expect.objectContaining({ UserID: ASSESSOR, LearnerID: learnerId, Level: 3 }));

    // Visit and review
    const visitId = await client.createVisit({
      LearnerID: learnerId, OrganisationID: ORG, AssessorID: ASSESSOR, DateFrom: '2026-09-01T09:00:00.000Z',
      DateTo: '2026-09-01T10:00:00.000Z', VisitTypeID: VISIT_TYPE_ID.remote,
    });
    const reviewId = await client.createReview({
      LearnerID: learnerId, AssessorID: ASSESSOR, ScheduledFor: '2026-09-01T09:00:00.000Z', EndTime: '2026-09-01T10:00:00.000Z', VisitID: visitId,
    });
    expect(await client.searchReviews(learnerId).all()).toEqual([{ id: reviewId, learnerId, scheduledFor: '2026-09-01T09:00:00.000Z', full: null }]);
    expect(await client.getReview(reviewId)).toEqual({
      id: reviewId, learnerId, assessorId: ASSESSOR, status: 0, scheduledFor: '2026-09-01T09:00:00.000Z',
      endTime: '2026-09-01T10:00:00.000Z', startedOn: null, assessorSignedOn: null, learnerSignedOn: null, visitId,
    });

    // One call per method call (plus the one login): nothing retried, nothing hidden.
    expect(client.callsMade()).toBe(total(Object.fromEntries(Object.entries(sim.stats().byEndpoint).map(([k, v]) => [k, total(v)]))));
    expect(logins(sim)).toBe(1);
  });

  it('searchStandards(): an async iterator of pages of {id, title, code}', async () => {
    const pages = [];
    for await (const page of client.searchStandards(ORG)) pages.push(page);
    expect(pages).toHaveLength(1);
    expect(pages[0]).toContainEqual({ id: STANDARD, title: 'Team Leader or Supervisor [ST0384]', code: null });
    expect(pages[0]).toContainEqual({ id: 272, title: 'Diploma in Hairdressing', code: '60012345' });
  });

  it('pages until the first page shorter than the size, one call per page', async () => {
    sim.seed({ users: Array.from({ length: 25 }, (_, i) => ({ ID: 9_100_000 + i, OrganisationID: ORG, Role: 40, FirstName: 'E', LastName: `Mp${i}` })) });
    const pages = [];
    for await (const page of client.searchUsers({ OrganisationID: ORG, Role: 40 }, { pageSize: 10 })) pages.push(page.length);
    expect(pages).toEqual([10, 10, 5]);
    expect(callsTo(sim, 'POST /User/Search/{page}/{size}')).toEqual({ 200: 3 });

    // An exact multiple of the page size ends with an empty page (204).
    sim.resetStats();
    const rows = await client.findUsers({ OrganisationID: ORG, Role: 40 }, { pageSize: 5 });
    expect(rows).toHaveLength(25);
    expect(rows.map((r) => r.id)).toEqual(Array.from({ length: 25 }, (_, i) => 9_100_000 + i));
    expect(callsTo(sim, 'POST /User/Search/{page}/{size}')).toEqual({ 200: 5, 204: 1 });

    // A caller that stops after the first page spends nothing more.
    sim.resetStats();
    for await (const page of client.searchUsers({ OrganisationID: ORG, Role: 40 }, { pageSize: 10 })) {
      expect(page).toHaveLength(10);
      break;
    }
    expect(callsTo(sim, 'POST /User/Search/{page}/{size}')).toEqual({ 200: 1 });
  });

  it('an empty search (204) is no rows, in one call', async () => {
    expect(await client.findUsers({ OrganisationID: ORG, MISID: 'NOBODY' })).toEqual([]);
    expect(await client.searchReviews(999_999_999).all()).toEqual([]);
    expect(callsTo(sim, 'POST /User/Search/{page}/{size}')).toEqual({ 204: 1 });
    expect(callsTo(sim, 'POST /Review/Search/{page}/{size}')).toEqual({ 204: 1 });
  });

  it('refuses a date it would send in the wrong form before spending a call', async () => {
    await expect(client.updateUser(1, { DOB: '2001-04-02' })).rejects.toThrow(/DOB must be an ISO instant/);
    await expect(client.getUser(0)).rejects.toThrow(RangeError);
    expect(client.callsMade()).toBe(0);
  });
});

describe('documented variants the simulator can be switched to', () => {
  const variant = useSimulator({ rateLimit: 0, createAnswer: 'object', learningAimRows: 'full' });

  it('create answering the record as JSON, and learning-aim rows carrying every field', async () => {
    const p = workerProcess(variant, freshPrefix(t.prefix));
    try {
      const c = p.client();
      const placementId = await c.createPlacement({ OrganisationID: ORG, Name: 'JSON answer Ltd' });
      expect((await c.getPlacement(placementId)).name).toBe('JSON answer Ltd');
      const classroomId = await c.createClassroom({ OrganisationID: ORG, Name: 'JSON cohort' });
      expect(classroomId).toBeGreaterThan(0);
      const { id: learnerId } = await c.createUser({
        OrganisationID: ORG, Role: 1, FirstName: 'Bo', LastName: 'Full', Email: 'bo@learners.example',
        DefaultAssessorID: ASSESSOR, ClassroomID: classroomId, PlacementID: placementId,
      });
      const aimId = await c.assignStandard(STANDARD, learnerId);
      const [row] = await c.searchLearningAims(learnerId).all();
      expect(row!.full).toEqual(await c.getLearningAim(aimId));
    } finally {
      p.close();
    }
  });
});

describe('oneFileBaseUrl and the factory', () => {
  it('maps S3 environments, and the override wins', () => {
    expect(oneFileBaseUrl('live')).toBe('https://wsapi.onefile.co.uk/api/v2.1');
    expect(oneFileBaseUrl('beta', '')).toBe('https://wsapibeta.onefile.co.uk/api/v2.1');
    expect(oneFileBaseUrl('practice')).toBe('https://wsapi2.onefile.co.uk/api/v2.1');
    expect(oneFileBaseUrl('live', 'http://127.0.0.1:8099/api/v2.1/')).toBe('http://127.0.0.1:8099/api/v2.1');
  });

  it('builds clients for the settings over one budget and one session, keyed under {prefix}:onefile:', async () => {
    const prefix = freshPrefix(t.prefix).slice(0, -1).replace(/:/g, '_');
    const config = {
      redis: standaloneRedis('', prefix),
      onefile: {
        callsPerMinute: 600_000, headroom: 1, burst: 3, maxWaitMs: 5_000, bulkMaxWaitMs: 5_000, batchHorizonSlots: 1, penaltyMs: 1_000, timeoutMs: 5_000, maxResponseBytes: 1_048_576,
        baseUrlOverride: sim.baseUrl, allowHttpBaseUrl: false,
      },
    };
    const factory = createOneFileClientFactory({ redis: t.redis, config });
    const settings = { customerToken: DEMO_CUSTOMER_TOKEN, environment: 'live' as const };
    const seen: string[] = [];
    const a = factory(settings, { onRequest: (info) => seen.push(`${info.endpoint} ${info.statusClass} ${info.outcome}`) });
    const b = factory(settings);
    await Promise.all([a.customer(), b.customer()]);
    expect(logins(sim)).toBe(1);
    expect(seen).toEqual(expect.arrayContaining(['GET /Customer 2xx ok']));
    expect(factory.budget.stats().acquired).toBe(3);
    const keys = await t.redis.keys(`${prefix}:onefile:*`);
    expect(keys.sort()).toEqual([`${prefix}:onefile:budget:${a.customerKey}`, `${prefix}:onefile:session:${a.customerKey}`]);
    expect(keys.join()).not.toContain(DEMO_CUSTOMER_TOKEN);
    await t.redis.del(...keys);

    expect(() => factory({ customerToken: null, environment: 'live' })).toThrow(
      'OneFile customer token is not set in pics.onefile_settings',
    );
    expect(() => factory({ customerToken: '', environment: 'live' })).toThrow(/not set/);
  });
});
