import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { loadConfig } from '../../src/config/load.js';
import { seedDemoPics } from '../../src/demo/seed-pics.js';
import { DEMO_CUSTOMER_TOKEN, DEMO_ONEFILE_ONLY_ASSESSORS, DEMO_ORGANISATION } from '../../src/demo/catalogue.js';
import { aimReadMethod, forgetAimSearchShape } from '../../src/eportfolio/onefile/aim-search-shape.js';
import { probeOneFile } from '../../src/eportfolio/onefile/probe.js';
import { seedFromLatestProbe } from '../../src/eportfolio/onefile/probe-seed.js';
import { customerKeyFromToken } from '../../src/limiter/customer-key.js';
import { createLogger } from '../../src/logging/logger.js';
import { createOneFileClientFactory } from '../../src/onefile/factory.js';
import type { ContractCheck } from '../../src/rules/wire-contract.js';
import { startSimulator, type SimulatorHandle, type SimulatorOptions } from '../../src/simulator/index.js';
import { startWorkerSimulator } from '../helpers/simulator.js';
import { latestProbeReport, type ProbeReport } from '../../src/store/probe-reports.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createTestRedis, type TestRedis } from '../helpers/redis.js';

// Issue 22: the read-only contract probe against the simulator in each of its shapes.

const ORG = DEMO_ORGANISATION.id;
const ASSESSOR = DEMO_ONEFILE_ONLY_ASSESSORS[0]!.id;
// Personal data the probe must never keep: seeded so the report can be searched for it.
const LEARNER = { FirstName: 'Zebedee', LastName: 'Quixleyworth', Email: 'zebedee.q@probe-test.example', MISID: 'ZQ0001', NINO: 'AB123456C' };

/** Three learners of the demo organisation, each with a learning aim and reviews (one held, one not). */
function oneFileLearners(sim: SimulatorHandle) {
  sim.seed({
    users: [0, 1, 2].map((i) => ({
      ID: 910_001 + i, OrganisationID: ORG, Role: 1, ...LEARNER, MISID: `${LEARNER.MISID}${i}`, DOB: '2004-05-01T00:00:00.000Z',
      ULN: '1234567890', L12: '31', L13: 'F', L15: '98', StartOn: '2026-09-01T00:00:00.000Z', PlannedEndDate: '2028-03-01T00:00:00.000Z',
    })),
    learningAims: [0, 1, 2].map((i) => ({
      ID: 920_001 + i, UserID: 910_001 + i, StandardID: 41301, Status: 0, StartDate: '2026-09-01T00:00:00.000Z',
      PlannedEnd: '2028-03-01T00:00:00.000Z', TotalCriteria: 120, CompletedCriteria: 10 * i, Progress: 8.3 * i,
    })),
    reviews: [0, 1, 2].flatMap((i) => [
      { ID: 930_001 + 2 * i, LearnerID: 910_001 + i, AssessorID: ASSESSOR, ScheduledFor: '2026-11-02T10:00:00.000Z', EndTime: '2026-11-02T11:00:00.000Z', StartedOn: '2026-11-02T10:05:00.000Z', Status: 1 },
      { ID: 930_002 + 2 * i, LearnerID: 910_001 + i, AssessorID: ASSESSOR, ScheduledFor: '2027-01-12T10:00:00.000Z', EndTime: '2027-01-12T11:00:00.000Z', Status: 0 },
    ]),
  });
}

const byId = (report: ProbeReport) => Object.fromEntries(report.checks.map((c) => [c.id, c])) as Record<string, ContractCheck>;

/** Every PICS row, to show the probe changed none. */
async function picsRows(t: TestDatabase): Promise<string> {
  const tables = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = 'pics' order by 1`.execute(t.db);
  const dump: Record<string, unknown[]> = {};
  for (const { table_name } of tables.rows) dump[table_name] = (await sql`select * from ${sql.table(`pics.${table_name}`)} order by 1`.execute(t.db)).rows;
  return JSON.stringify(dump);
}

describe('the OneFile contract probe (issue 22)', () => {
  let t: TestDatabase;
  let redis: TestRedis;
  let sim: SimulatorHandle;
  const logger = createLogger({ level: 'silent', pretty: false });
  beforeAll(async () => {
    t = await createTestDatabase();
    await seedDemoPics(t.db, { today: new Date().toISOString().slice(0, 10) });
  });
  afterAll(async () => {
    await t.drop();
  });
  beforeEach(() => {
    redis = createTestRedis(); // a session of another test's simulator would mean nothing here
    forgetAimSearchShape();
  });
  afterEach(async () => {
    await sim.close();
    await redis.cleanup();
  });

  async function probe(options: SimulatorOptions, maxCalls = 60, seedLearners = true) {
    sim = await startWorkerSimulator({ rateLimit: 6_000, ...options });
    if (seedLearners) oneFileLearners(sim);
    sim.resetStats();
    const config = loadConfig({
      env: { NODE_ENV: 'test', DATABASE_URL: t.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: redis.prefix, ONEFILE_BASE_URL: sim.baseUrl, ONEFILE_CALLS_PER_MINUTE: '6000' },
    });
    const createClient = createOneFileClientFactory({ redis: redis.redis, config, logger });
    const before = await picsRows(t);
    const stored = await probeOneFile({ db: t.db, createClient, maxCalls, logger });
    expect(await picsRows(t)).toBe(before); // it never changes PICS
    return stored;
  }

  /** Every call the simulator saw was a read: a GET, a search, or a login. */
  function expectOnlyReads(): void {
    const endpoints = Object.keys(sim.stats().byEndpoint);
    expect(endpoints.length).toBeGreaterThan(0);
    for (const endpoint of endpoints) expect(endpoint).toMatch(/^(GET \/|POST \/\w+\/Search\/\{page\}\/\{size\}$|POST \/Authentication$)/);
  }

  it('the simulator\'s defaults (minimal aim and review rows, 204, a bare session, 401): confirmed, nothing blocks, only reads', async () => {
    const { id, report } = await probe({});
    const checks = byId(report);
    expect(checks['session-body']).toMatchObject({ verdict: 'confirmed', seen: 'a plain-text session' });
    expect(checks['refused-session']).toMatchObject({ verdict: 'confirmed', seen: 'status 401' });
    expect(checks['empty-search']).toMatchObject({ verdict: 'confirmed', seen: '204' });
    expect(checks['aim-search-rows']).toMatchObject({ verdict: 'confirmed', meaning: expect.stringContaining('the sync GETs each aim') });
    expect(checks['review-search-rows']).toMatchObject({ verdict: 'confirmed', meaning: 'review rows carry no StartedOn/LearnerSignedOn: open reviews are read each day (GET /Review/{id})' });
    for (const check of ['search-array', 'page-size', 'record-ids', 'dates', 'field-types', 'standard-codes', 'classroom-rows', 'placement-rows', 'review-detail', 'user-detail']) {
      expect(checks[check]).toMatchObject({ verdict: 'confirmed', blocks: false });
    }
    expect(report).toMatchObject({ complete: true, blocking: [], aimSearchRows: 'minimal', environment: 'practice', stoppedBecause: null, failures: [] });
    // The shapes are field names, types and counts: the learners' names, emails and ids of theirs are nowhere.
    expect(report.shapes['GET /User/{id}']).toMatchObject({ records: 2, fields: { FirstName: { present: 2, types: { string: 2 } } } });
    const text = JSON.stringify(report);
    for (const value of [...Object.values(LEARNER), '2004-05-01', '1234567890', 'Helen', 'Carter', 'Northgate']) expect(text).not.toContain(value);
    // Within its cap, through the same budget: the simulator counted exactly the calls the report states.
    expect(report.callsMade).toBe(sim.stats().total);
    expect(report.callsMade).toBeLessThanOrEqual(60);
    expectOnlyReads();
    // Stored for this customer and environment.
    const latest = await latestProbeReport(t.db, customerKeyFromToken(DEMO_CUSTOMER_TOKEN), 'practice');
    expect(latest).toEqual({ id, report });
  });

  it('full aim and review rows, 200 [], a quoted session and 403: each seen for what it is', async () => {
    const { report } = await probe({ learningAimRows: 'full', reviewRows: 'full', emptySearch: 'empty-array', sessionBody: 'quoted', refusedSessionStatus: 403 });
    const checks = byId(report);
    expect(checks['session-body']).toMatchObject({ verdict: 'confirmed', seen: 'a JSON-quoted session' });
    expect(checks['empty-search']).toMatchObject({ verdict: 'confirmed', seen: '200 []' });
    expect(checks['refused-session']).toMatchObject({ verdict: 'contradicted', seen: 'status 403', blocks: false });
    expect(checks['refused-session']!.meaning).toMatch(/does not log in again on a 403/);
    expect(checks['aim-search-rows']).toMatchObject({ verdict: 'confirmed', meaning: 'learning-aim search rows carry the progress fields: the sync will not GET each aim' });
    expect(checks['review-search-rows']).toMatchObject({ verdict: 'confirmed', meaning: expect.stringContaining('review rows carry what D6 reads') });
    expect(report).toMatchObject({ blocking: [], aimSearchRows: 'full', complete: true });
    expectOnlyReads();
  });

  it('review rows with Status only are told apart from minimal and full ones', async () => {
    const { report } = await probe({ reviewRows: 'status' });
    expect(byId(report)['review-search-rows']!.seen).toBe('6 rows: 0 with every field D6 reads, 6 with Status only, 0 with neither');
  });

  it('an organisation with no learners: what needs them is not testable, nothing blocks', async () => {
    const { report } = await probe({}, 60, false);
    const checks = byId(report);
    for (const check of ['aim-search-rows', 'aim-detail', 'review-search-rows', 'review-detail', 'user-detail']) expect(checks[check]!.verdict).toBe('not-testable');
    expect(checks['standard-codes']!.verdict).toBe('confirmed');
    expect(report.blocking).toEqual([]);
    expect(report.aimSearchRows).toBeNull();
  });

  it('never makes more calls than probe.maxCalls, and says it stopped', async () => {
    const { report } = await probe({}, 7);
    // Stopped by the cap, not before: it keeps room for one call and its re-login (CALL_RESERVE = 2).
    expect(sim.stats().total).toBeLessThanOrEqual(7);
    expect(sim.stats().total).toBeGreaterThanOrEqual(7 - 1);
    expect(report.callsMade).toBe(sim.stats().total);
    expect(report).toMatchObject({ complete: false, stoppedBecause: 'the call cap was reached (probe.maxCalls = 7)' });
    expectOnlyReads();
  });

  it('records without an ID and dates in an unknown form are contradictions that block jobs', async () => {
    const { report } = await probeWithFaults([
      { endpoint: 'POST /Review/Search/{page}/{size}', kind: 'missing-fields', fields: ['ID'] },
      { endpoint: 'GET /LearningAim/{id}', kind: 'wrong-types' },
    ]);
    const checks = byId(report);
    expect(checks['record-ids']).toMatchObject({ verdict: 'contradicted', blocks: true, seen: expect.stringContaining('POST /Review/Search/{page}/{size} records without one') });
    expect(checks.dates).toMatchObject({ verdict: 'contradicted', blocks: true, seen: expect.stringContaining('GET /LearningAim/{id} StartDate') });
    expect(report.blocking).toEqual(['record-ids', 'dates']);
  });

  async function probeWithFaults(badAnswers: NonNullable<SimulatorOptions['faults']>['badAnswers']) {
    sim = await startWorkerSimulator({ rateLimit: 6_000, faults: { badAnswers } });
    oneFileLearners(sim);
    const config = loadConfig({ env: { NODE_ENV: 'test', DATABASE_URL: t.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: redis.prefix, ONEFILE_BASE_URL: sim.baseUrl, ONEFILE_CALLS_PER_MINUTE: '6000' } });
    return probeOneFile({ db: t.db, createClient: createOneFileClientFactory({ redis: redis.redis, config, logger }), maxCalls: 60, logger });
  }

  it('what it saw of learning-aim rows seeds how the sync reads aims, in its own process and at a worker\'s start', async () => {
    const key = customerKeyFromToken(DEMO_CUSTOMER_TOKEN);
    await probe({ learningAimRows: 'full' });
    expect(aimReadMethod(key, 3)).toBe('search');
    await sim.close();
    sim = await startSimulator({ seed: 'empty' }); // for afterEach
    forgetAimSearchShape();
    expect(await seedFromLatestProbe(t.db, { customerToken: DEMO_CUSTOMER_TOKEN, environment: 'practice' })).toBe('full');
    expect(aimReadMethod(key, 3)).toBe('search');
    expect(await seedFromLatestProbe(t.db, { customerToken: DEMO_CUSTOMER_TOKEN, environment: 'live' })).toBeNull(); // another environment's report says nothing
  });

  it('minimal rows seed reading each aim by id, without the search', async () => {
    await probe({ learningAimRows: 'minimal' });
    expect(aimReadMethod(customerKeyFromToken(DEMO_CUSTOMER_TOKEN), 3)).toBe('get-each');
  });
});
