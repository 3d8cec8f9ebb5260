import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import { jobActionFor } from '../../src/jobs/error-policy.js';
import { BudgetWaitAbortedError, BudgetWaitTooLongError } from '../../src/limiter/errors.js';
import type { OneFileClient } from '../../src/onefile/client.js';
import {
  OneFileAuthError, OneFileBadResponseError, OneFileNotFoundError, OneFileRateLimitedError, OneFileTransientError,
  OneFileValidationError,
} from '../../src/onefile/errors.js';
import { startSimulator, type BadAnswerKind } from '../../src/simulator/index.js';
import { useTestRedis } from '../helpers/redis.js';
import { useSimulator } from '../helpers/simulator.js';
import { ASSESSOR, ORG, STANDARD, callsTo, freshPrefix, thrown, workerProcess, type WorkerProcess } from './support.js';

// Every way a OneFile call fails, produced for real by the simulator, and what the job layer does with it.

const t = useTestRedis();
const sim = useSimulator({ rateLimit: 0 });
let proc: WorkerProcess;
let client: OneFileClient;
const FIRST_RUN = { attemptsStarted: 1, attemptsMade: 0 };

afterAll(() => proc?.close());

beforeEach(async () => {
  proc?.close();
  sim.reset();
  proc = workerProcess(sim, freshPrefix(t.prefix), { budget: { penaltyMs: 700 } });
  // Generous: a busy machine must not turn an ordinary answer into a timeout. The timeout case has its own.
  client = proc.client({ timeoutMs: 10_000 });
  await client.customer(); // logged in: faults below hit the call under test, not the login
  sim.resetStats();
});

let learnerSeq = 0;
async function learner(): Promise<number> {
  learnerSeq += 1;
  const { id } = await client.createUser({
    OrganisationID: ORG, Role: 1, FirstName: 'Err', LastName: `Case${learnerSeq}`, Email: `err${learnerSeq}@learners.example`,
    DefaultAssessorID: ASSESSOR, ClassroomID: 15379, PlacementID: 18928,
  });
  return id;
}

describe('4xx answers', () => {
  it('404 → not found (no retry)', async () => {
    const error = await thrown(() => client.getUser(987_654));
    expect(error).toBeInstanceOf(OneFileNotFoundError);
    expect(error).toMatchObject({ endpoint: 'GET /User/{id}', status: 404 });
    expect(jobActionFor(error, FIRST_RUN).kind).toBe('fail-permanently');
  });

  it("400 → validation error carrying OneFile's message (no retry)", async () => {
    const error = await thrown(() => client.createUser({ OrganisationID: ORG, Role: 1, FirstName: 'No', LastName: 'Email' }));
    expect(error).toBeInstanceOf(OneFileValidationError);
    expect((error as OneFileValidationError).oneFileMessage).toMatch(/Email.*required/);
    expect(error).toMatchObject({ endpoint: 'POST /User', status: 400 });
    const action = jobActionFor(error, FIRST_RUN);
    expect(action).toMatchObject({ kind: 'fail-permanently', reason: expect.stringMatching(/Email/) });
  });
});

describe('429', () => {
  it('with Retry-After: penalises the shared budget by it and throws the wait, without retrying', async () => {
    sim.setFaults({ burst429: 1 });
    const error = await thrown(() => client.customer());
    expect(error).toBeInstanceOf(OneFileRateLimitedError);
    expect((error as OneFileRateLimitedError).retryAfterMs).toBe(1000);
    expect(callsTo(sim, 'GET /Customer')).toEqual({ 429: 1 });
    expect(proc.budget.stats()).toMatchObject({ rateLimitedReports: 1, penaltiesApplied: 1 });
    const action = jobActionFor(error, FIRST_RUN, { random: () => 0 });
    expect(action).toMatchObject({ kind: 'wait', delayMs: 1000 });

    // The next call waits out the penalty in the budget, then succeeds.
    const started = performance.now();
    await client.customer();
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('without Retry-After: the budget applies its configured penalty and the error carries no wait', async () => {
    const quiet = await startSimulator({ rateLimit: 0, retryAfter: false });
    const p = workerProcess(quiet, freshPrefix(t.prefix), { budget: { penaltyMs: 700 } });
    try {
      const c = p.client();
      await c.customer();
      quiet.setFaults({ burst429: 1 });
      const error = await thrown(() => c.customer());
      expect(error).toBeInstanceOf(OneFileRateLimitedError);
      expect((error as OneFileRateLimitedError).retryAfterMs).toBeUndefined();
      expect(jobActionFor(error, FIRST_RUN, { random: () => 0, rateLimitedDelayMs: 10_000 })).toMatchObject({ kind: 'wait', delayMs: 10_000 });
      const started = performance.now();
      await c.customer();
      expect(performance.now() - started).toBeGreaterThanOrEqual(600);
    } finally {
      p.close();
      await quiet.close();
    }
  });
});

describe('no usable answer → transient (retried with backoff by the job)', () => {
  const only = (endpoint: string) => ({ endpoints: [endpoint], seed: 7 });

  it('5xx', async () => {
    sim.setFaults({ ...only('GET /Customer'), errors: { rate: 1, statuses: [503] } });
    const error = await thrown(() => client.customer());
    expect(error).toBeInstanceOf(OneFileTransientError);
    expect(error).toMatchObject({ endpoint: 'GET /Customer', status: 503 });
    expect(jobActionFor(error, FIRST_RUN).kind).toBe('retry');
  });

  it('a dropped connection', async () => {
    sim.setFaults({ ...only('GET /Customer'), drops: { rate: 1 } });
    const error = await thrown(() => client.customer());
    expect(error).toBeInstanceOf(OneFileTransientError);
    expect(error).toMatchObject({ endpoint: 'GET /Customer', status: undefined });
    expect((error as OneFileTransientError).reason).toMatch(/^E[A-Z_]+$/);
    expect(jobActionFor(error, FIRST_RUN).kind).toBe('retry');
  });

  it('a timeout (answer slower than timeoutMs)', async () => {
    // Held back a minute: only the client's 300 ms timeout ends it (a busy machine only makes it later).
    sim.setFaults({ ...only('GET /Customer'), latency: { kind: 'fixed', ms: 60_000, when: 'after' } });
    const hurried = proc.client({ timeoutMs: 300 });
    const error = await thrown(() => hurried.customer());
    expect(error).toBeInstanceOf(OneFileTransientError);
    expect((error as OneFileTransientError).reason).toBe('timeout');
    expect(jobActionFor(error, FIRST_RUN).kind).toBe('retry');
  });

  it('an HTML error page with a 500', async () => {
    sim.setFaults({ badAnswers: [{ endpoint: 'GET /Customer', kind: 'html-500', times: 1 }] });
    const error = await thrown(() => client.customer());
    expect(error).toBeInstanceOf(OneFileTransientError);
    expect(error).toMatchObject({ status: 500 });
  });
});

describe('answers the client cannot use → bad response naming endpoint and field (no retry)', () => {
  // [endpoint, fault, call, field named, fields the fault removes]; always five items (Jest would take a
  // missing last argument for a done callback).
  const cases: Array<[string, BadAnswerKind, () => Promise<unknown>, string, string[] | null]> = [
    ['GET /Customer', 'html-200', () => client.customer(), 'body', null],
    ['GET /Customer', 'missing-fields', () => client.customer(), 'Name', ['Name']],
    ['GET /Customer', 'wrong-types', () => client.customer(), 'ID', null],
    ['GET /User/{id}', 'truncated-json', async () => client.getUser(await learner()), 'body', null],
    ['GET /User/{id}', 'missing-fields', async () => client.getUser(await learner()), 'ID', null],
    ['POST /User', 'missing-fields', () => learner(), 'ID', null],
    ['POST /User/Search/{page}/{size}', 'wrong-types', () => client.findUsers({ OrganisationID: ORG }), '[0].ID', null],
    ['POST /User/Search/{page}/{size}', 'truncated-json', () => client.findUsers({ OrganisationID: ORG }), 'body', null],
    ['POST /Standard/Search/{page}/{size}', 'missing-fields', () => client.searchStandards(ORG).all(), '[0].Title', ['Title']],
    ['POST /Standard/{id}/Assign/{learnerId}', 'truncated-json', async () => client.assignStandard(STANDARD, await learner()), 'body', null],
    ['POST /Standard/{id}/Assign/{learnerId}', 'html-200', async () => client.assignStandard(STANDARD, await learner()), 'body', null],
    ['POST /Placement', 'wrong-types', () => client.createPlacement({ OrganisationID: ORG, Name: 'Wrong types' }), 'ID', null],
    ['POST /Visit', 'missing-fields', async () => client.createVisit({
      LearnerID: await learner(), OrganisationID: ORG, AssessorID: ASSESSOR, DateFrom: '2026-09-01T09:00:00.000Z',
      DateTo: '2026-09-01T10:00:00.000Z', VisitTypeID: 0,
    }), 'body', null],
  ];

  it.each(cases)('%s answered %s', async (endpoint, kind, call, field, fields) => {
    sim.setFaults({ badAnswers: [{ endpoint, kind, times: 1, ...(fields ? { fields } : {}) }] });
    const error = await thrown(call);
    expect(error).toBeInstanceOf(OneFileBadResponseError);
    expect(error).toMatchObject({ endpoint, field });
    expect((error as Error).message).toContain(`${endpoint}: field ${field}:`);
    expect(jobActionFor(error, FIRST_RUN).kind).toBe('fail-permanently');
  });

  it('an HTML page instead of a session: a bad response that does not show the body', async () => {
    const p = workerProcess(sim, freshPrefix(t.prefix));
    try {
      sim.setFaults({ badAnswers: [{ endpoint: 'POST /Authentication', kind: 'html-200', times: 1 }] });
      const error = await thrown(() => p.client().customer());
      expect(error).toBeInstanceOf(OneFileBadResponseError);
      expect(error).toMatchObject({ endpoint: 'POST /Authentication', field: 'session' });
      expect((error as Error).message).toMatch(/hidden/);
      expect((error as Error).message).not.toContain('DOCTYPE');
    } finally {
      p.close();
    }
  });
});

describe('budget and abort signals', () => {
  it('a slot further away than maxWaitMs: nothing is sent, the job is delayed', async () => {
    await proc.budget.penalise(client.customerKey, 5_000);
    const hurried = proc.client({ maxWaitMs: 100 });
    const error = await thrown(() => hurried.customer());
    expect(error).toBeInstanceOf(BudgetWaitTooLongError);
    expect(hurried.callsMade()).toBe(0);
    const action = jobActionFor(error, FIRST_RUN, { random: () => 0 });
    expect(action.kind).toBe('wait');
    expect((action as { delayMs: number }).delayMs).toBeGreaterThan(4_000);
  });

  it('shutdown aborts a budget wait (the job goes back without an attempt charged)', async () => {
    // A minute's penalty: the call can only end in time by the abort (missed, it would wait the minute out).
    await proc.budget.penalise(client.customerKey, 60_000);
    const shutdown = new AbortController();
    const c = proc.client({ signal: shutdown.signal, maxWaitMs: 120_000 });
    setTimeout(() => shutdown.abort(new Error('shutdown')), 50);
    const error = await thrown(() => c.customer());
    expect(error).toBeInstanceOf(BudgetWaitAbortedError);
    expect(c.callsMade()).toBe(0);
    expect(jobActionFor(error, FIRST_RUN)).toMatchObject({ kind: 'wait', delayMs: 0 });
  });

  it('a per-call signal aborts a request in flight', async () => {
    // The answer is made and then held back far past the test: only the abort can end the call in time.
    sim.setFaults({ endpoints: ['GET /Customer'], latency: { kind: 'fixed', ms: 60_000, when: 'after' } });
    const c = proc.client({ timeoutMs: 120_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await thrown(() => c.customer({ signal: controller.signal }));
    expect(error).toBeInstanceOf(OneFileTransientError);
    expect((error as OneFileTransientError).reason).toBe('aborted');
  });
});

describe('authentication', () => {
  it('a token refused at login → authentication error, failed for good', async () => {
    const p = workerProcess(sim, freshPrefix(t.prefix), { token: 'revoked-token' });
    try {
      const error = await thrown(() => p.client().customer());
      expect(error).toBeInstanceOf(OneFileAuthError);
      expect(jobActionFor(error, FIRST_RUN).kind).toBe('fail-permanently');
    } finally {
      p.close();
    }
  });
});
