import { describe, expect, it } from '@jest/globals';
import { UnrecoverableError } from 'bullmq';
import { exponentialJitterBackoff, jobActionFor, waitsSoFar, type JobAttempts } from '../../src/jobs/error-policy.js';
import { EnrolInvalidError } from '../../src/eportfolio/errors.js';
import { WireContractError } from '../../src/jobs/contract-gate.js';
import { ConnectionTestError } from '../../src/jobs/connection-test.js';
import { PicsConflictError, SettingsError } from '../../src/pics/index.js';
import { ScheduleError } from '../../src/queues/schedule.js';
import { SmartAssessorRefusedError, SmartAssessorTransientError } from '../../src/smartassessor/errors.js';
import { DEFAULT_JOB_OPTIONS, EXPONENTIAL_JITTER_BACKOFF } from '../../src/queues/job-options.js';
import { BudgetWaitAbortedError, BudgetWaitTooLongError } from '../../src/limiter/errors.js';
import { EntityLockAbortedError, EntityLockBusyError } from '../../src/db/entity-lock.js';
import { LearnerBusyError, LearnerLeaseLostError, LearnerWaitAbortedError } from '../../src/jobs/learner-exclusive.js';
import {
  OneFileAuthError,
  OneFileBadResponseError,
  OneFileNotFoundError,
  OneFileRateLimitedError,
  OneFileTransientError,
  OneFileValidationError,
} from '../../src/onefile/errors.js';

const endpoint = 'POST /User/{id}';
const firstRun: JobAttempts = { attemptsStarted: 1, attemptsMade: 0 };
const noJitter = { waitJitter: 0 };

describe('jobActionFor', () => {
  it.each([
    ['auth (after the re-login)', new OneFileAuthError({ endpoint, status: 401 })],
    ['validation', new OneFileValidationError({ endpoint, message: 'MISID is required' })],
    ['not found', new OneFileNotFoundError({ endpoint, status: 404 })],
    ['bad response', new OneFileBadResponseError({ endpoint: 'POST /User', field: 'ID', expected: 'a positive integer', received: 'abc' })],
    ['UnrecoverableError', new UnrecoverableError('PICS learner has no ULN')],
  ])('fails permanently on %s, with the error as the reason', (_, error) => {
    expect(jobActionFor(error, firstRun)).toEqual({ kind: 'fail-permanently', reason: `${error.name}: ${error.message}` });
  });

  it('keeps OneFile’s own message in the reason of a validation failure', () => {
    const action = jobActionFor(new OneFileValidationError({ endpoint, message: 'Email is not valid' }), firstRun);
    expect(action.reason).toContain('Email is not valid');
  });

  it.each([
    ['a 5xx', new OneFileTransientError({ endpoint, status: 503, reason: 'server error' })],
    ['a dropped connection', new OneFileTransientError({ endpoint, reason: 'ECONNRESET' })],
    ['an unknown error', new Error('connection terminated unexpectedly')],
    ['a non-Error throw', 'boom'],
  ])('retries %s (BullMQ attempts + backoff)', (_, error) => {
    expect(jobActionFor(error, firstRun).kind).toBe('retry');
  });

  it('waits for Retry-After on a 429, or the configured delay without one', () => {
    const withHeader = new OneFileRateLimitedError({ endpoint, retryAfterMs: 7_000 });
    expect(jobActionFor(withHeader, firstRun, noJitter)).toMatchObject({ kind: 'wait', delayMs: 7_000 });
    const without = new OneFileRateLimitedError({ endpoint });
    expect(jobActionFor(without, firstRun, { ...noJitter, rateLimitedDelayMs: 12_000 })).toMatchObject({
      kind: 'wait',
      delayMs: 12_000,
    });
  });

  it('waits out a budget refusal for the wait the budget quoted, and resumes an interrupted wait at once', () => {
    expect(jobActionFor(new BudgetWaitTooLongError(42_000, 10_000), firstRun, noJitter)).toMatchObject({
      kind: 'wait',
      delayMs: 42_000,
    });
    expect(jobActionFor(new BudgetWaitAbortedError(), firstRun, noJitter)).toMatchObject({ kind: 'wait', delayMs: 0 });
  });

  it('puts a job whose request was aborted by shutdown back at once, without spending an attempt (issue 17 item 4)', () => {
    const aborted = new OneFileTransientError({ endpoint: 'GET /User/{id}', reason: 'aborted' });
    expect(jobActionFor(aborted, firstRun, noJitter)).toMatchObject({ kind: 'wait', delayMs: 0 });
    // A dropped connection is still OneFile's failure: a counted retry.
    expect(jobActionFor(new OneFileTransientError({ endpoint: 'GET /User/{id}', reason: 'ECONNRESET' }), firstRun, noJitter)).toMatchObject({ kind: 'retry' });
  });

  it('adds up to waitJitter of random extra delay to a wait', () => {
    const error = new BudgetWaitTooLongError(10_000, 5_000);
    expect(jobActionFor(error, firstRun, { waitJitter: 0.2, random: () => 0 })).toMatchObject({ delayMs: 10_000 });
    expect(jobActionFor(error, firstRun, { waitJitter: 0.2, random: () => 0.999 })).toMatchObject({ delayMs: 11_998 });
  });

  it('bounds the waits: after maxWaits the job fails for good', () => {
    const error = new OneFileRateLimitedError({ endpoint, retryAfterMs: 1_000 });
    // Started 4 times, one counted failure, this run in progress → 2 waits taken.
    const job = { attemptsStarted: 4, attemptsMade: 1 };
    expect(waitsSoFar(job)).toBe(2);
    expect(jobActionFor(error, job, { maxWaits: 3 }).kind).toBe('wait');
    const action = jobActionFor(error, job, { maxWaits: 2 });
    expect(action.kind).toBe('fail-permanently');
    expect(action.reason).toMatch(/gave up after 2 waits/);
  });

  it('does not let waits consume retries: a transient error still retries after many waits', () => {
    const job = { attemptsStarted: 30, attemptsMade: 0 };
    expect(jobActionFor(new OneFileTransientError({ endpoint, reason: 'timeout' }), job, { maxWaits: 3 }).kind).toBe('retry');
  });
});

describe('exponentialJitterBackoff', () => {
  it('doubles from the base per attempt, up to the cap', () => {
    const top = exponentialJitterBackoff({ baseMs: 1_000, maxMs: 30_000, jitter: 0.5, random: () => 1 });
    expect([1, 2, 3, 4, 5, 6, 10].map((attempt) => top(attempt))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000,
    ]);
  });

  it('randomises the top `jitter` share of each delay', () => {
    const low = exponentialJitterBackoff({ baseMs: 1_000, jitter: 0.5, random: () => 0 });
    expect(low(3)).toBe(2_000);
    const real = exponentialJitterBackoff({ baseMs: 1_000, jitter: 0.5 });
    const samples = Array.from({ length: 200 }, () => real(3) as number);
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(2_000);
    expect(Math.max(...samples)).toBeLessThanOrEqual(4_000);
    expect(new Set(samples).size).toBeGreaterThan(50);
  });
});

// Issue 23: what the tests above left open (test/MUTATION.md).
describe('jobActionFor: every wait says why, with the error', () => {
  it.each([
    ['OneFile rate limited', new OneFileRateLimitedError({ endpoint, retryAfterMs: 1_000 }), 1_000],
    ['OneFile call budget busy', new BudgetWaitTooLongError(42_000, 10_000), 42_000],
    ['interrupted', new BudgetWaitAbortedError(), 0],
    ['interrupted', new OneFileTransientError({ endpoint, reason: 'aborted' }), 0],
    ['learner busy', new LearnerBusyError(7, 'job 12', 5_000), 4_000],
    ['learner lease lost', new LearnerLeaseLostError(7, 'renewal failed'), 4_000],
    ['record busy', new EntityLockBusyError('onefile:officer:5740:3', 120_000), 4_000],
    ['interrupted', new EntityLockAbortedError('onefile:officer:5740:3'), 0],
    ['interrupted', new LearnerWaitAbortedError(7), 0],
  ])('%s', (why, error, delayMs) => {
    expect(jobActionFor(error, firstRun, { ...noJitter, learnerBusyDelayMs: 4_000 })).toEqual({ kind: 'wait', delayMs, reason: `${why}: ${error.name}: ${error.message}` });
  });

  it('one learner, one job at a time: a busy learner or a lost lease waits without spending an attempt, within the bound on waits', () => {
    const job = { attemptsStarted: 4, attemptsMade: 1 };
    expect(jobActionFor(new LearnerBusyError(7, null, 5_000), job, { maxWaits: 2 }).kind).toBe('fail-permanently');
    expect(jobActionFor(new LearnerLeaseLostError(7, 'renewal failed'), job, { maxWaits: 3 }).kind).toBe('wait');
  });

  it('the reason of a non-Error throw is its text, and of an Error its name and message', () => {
    expect(jobActionFor('boom', firstRun)).toEqual({ kind: 'retry', reason: 'boom' });
    const quiet = new Error('');
    expect(jobActionFor(quiet, firstRun)).toEqual({ kind: 'retry', reason: 'Error: ' });
  });
});

describe('jobActionFor: our errors say whether a retry can help (WorkerError.permanent)', () => {
  it.each([
    ['a Smart Assessor refusal', new SmartAssessorRefusedError('insertLearner', 'duplicate'), 'fail-permanently'],
    ['a Smart Assessor network failure', new SmartAssessorTransientError('getAllLearners', 'ECONNRESET'), 'retry'],
    ['an enrol a PICS user must fix', new EnrolInvalidError([{ field: 'email', message: 'learner L0007 has no email' }]), 'fail-permanently'],
    ['a contract probe that stops OneFile jobs', new WireContractError('stopped'), 'fail-permanently'],
    ['a stored setting a PICS user must fix', new SettingsError('pics.onefile_settings.visit_type is "bus"; expected one of not_specified, remote, face_to_face'), 'fail-permanently'],
    ['a connection test with no settings row to test', new ConnectionTestError('pics.onefile_settings has no row'), 'fail-permanently'],
    ['a schedule the configuration must change', new ScheduleError('schedule.dailySyncCron "5 7 * * *" runs inside the release window'), 'fail-permanently'],
    // The retry reads PICS again and takes what it finds (a hand-made link, the row gone).
    ['an id write-back PICS refused', new PicsConflictError('cannot store OneFile id 5 on learner 1'), 'retry'],
  ] as const)('%s → %s', (_what, error, kind) => {
    expect(jobActionFor(error, firstRun).kind).toBe(kind);
  });
});

describe('the job backoff', () => {
  it('every queue names a backoff type of its own, which BullMQ hands to the worker’s backoffStrategy (not a built-in one)', () => {
    for (const options of Object.values(DEFAULT_JOB_OPTIONS)) expect(options.backoff).toEqual({ type: EXPONENTIAL_JITTER_BACKOFF });
    expect(EXPONENTIAL_JITTER_BACKOFF).toMatch(/^[a-z-]+$/);
    expect(['fixed', 'exponential']).not.toContain(EXPONENTIAL_JITTER_BACKOFF);
  });
});
