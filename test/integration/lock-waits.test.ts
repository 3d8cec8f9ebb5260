import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pino from 'pino';
import { sql } from 'kysely';
import { EntityLockAbortedError, EntityLockBusyError, withEntityLock } from '../../src/db/entity-lock.js';
import { jobActionFor } from '../../src/jobs/error-policy.js';
import { holdLearner, LearnerWaitAbortedError } from '../../src/jobs/learner-exclusive.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

// Issue 17 item 4: every lock wait is bounded and abortable. A holder that never lets go — a worker process
// stopped (SIGSTOP, a frozen VM) with its Postgres connection still open — costs a waiting job a delay, and a
// shutdown ends the wait at once; neither spends one of the job's attempts.

const FIRST_RUN = { attemptsStarted: 1, attemptsMade: 0 };
const silent = pino({ level: 'silent' });

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

/** Takes the lock on its own pooled connection, as another process would, and keeps it until released. */
async function holder(key: string): Promise<{ release(): Promise<void> }> {
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => { release = resolve; });
  let acquired: () => void = () => {};
  const isHeld = new Promise<void>((resolve) => { acquired = resolve; });
  const done = withEntityLock(t.db, key, async () => {
    acquired();
    await held;
  });
  await isHeld;
  return { release: async () => { release(); await done; } };
}

/** Waits until `n` sessions wait in line for an advisory lock (Postgres shows them in pg_locks). */
async function waiters(n: number): Promise<void> {
  for (;;) {
    const rows = await sql<{ n: string }>`select count(*) as n from pg_locks where locktype = 'advisory' and not granted`.execute(t.db);
    if (Number(rows.rows[0]!.n) >= n) return;
    await sleep(10);
  }
}

describe('the shared-record lock (find or create of an assessor, placement, classroom; links refresh)', () => {
  it('held elsewhere past the wait: EntityLockBusyError, the step never runs, the job is delayed not failed', async () => {
    const other = await holder('test:busy');
    let ran = false;
    const error = await withEntityLock(t.db, 'test:busy', async () => { ran = true; }, { waitMs: 250 }).catch((e: unknown) => e);
    await other.release();
    expect(error).toBeInstanceOf(EntityLockBusyError);
    expect(ran).toBe(false);
    expect(jobActionFor(error, FIRST_RUN)).toMatchObject({ kind: 'wait', reason: expect.stringMatching(/^record busy/) });
  });

  it('a shutdown during the wait ends it at once: EntityLockAbortedError, put back without an attempt', async () => {
    const other = await holder('test:abort');
    const shutdown = new AbortController();
    // A wait far longer than the test: only the abort can end it.
    const waiting = withEntityLock(t.db, 'test:abort', async () => 'ran', { waitMs: 3_600_000, signal: shutdown.signal }).catch((e: unknown) => e);
    await waiters(1); // Postgres holds it in line: only the abort can end the wait
    shutdown.abort(new Error('shutdown'));
    const error = await waiting;
    await other.release();
    expect(error).toBeInstanceOf(EntityLockAbortedError);
    expect(jobActionFor(error, FIRST_RUN)).toMatchObject({ kind: 'wait', delayMs: 0, reason: expect.stringMatching(/^interrupted/) });
    // Nothing is left in line or held: the next taker gets the lock at once.
    await expect(withEntityLock(t.db, 'test:abort', async () => 'next', { waitMs: 0 })).resolves.toBe('next');
  });

  it('released during the wait: the waiter takes the lock and runs after the holder, not beside it', async () => {
    const order: string[] = [];
    const other = await holder('test:turns');
    const waiting = withEntityLock(t.db, 'test:turns', async () => { order.push('waiter'); }, { waitMs: 3_600_000 });
    await waiters(1);
    order.push('holder done');
    await other.release();
    await waiting;
    expect(order).toEqual(['holder done', 'waiter']);
  });

  it('the lock is released after the step fails, so the next job is not kept waiting', async () => {
    await expect(withEntityLock(t.db, 'test:throws', async () => { throw new Error('step failed'); })).rejects.toThrow('step failed');
    await expect(withEntityLock(t.db, 'test:throws', async () => 'next', { waitMs: 0 })).resolves.toBe('next');
  });
});

describe("the learner's lease (one learner, one job at a time)", () => {
  it('a shutdown during the wait ends it: LearnerWaitAbortedError, put back without an attempt', async () => {
    const first = await holdLearner(t.db, 999_101, 'job-1', { ttlMs: 30_000, waitMs: 300 }, new AbortController().signal, silent);
    const shutdown = new AbortController();
    const waiting = holdLearner(t.db, 999_101, 'job-2', { ttlMs: 30_000, waitMs: 3_600_000, pollMs: 20 }, shutdown.signal, silent).catch((e: unknown) => e);
    await sleep(100);
    shutdown.abort(new Error('shutdown'));
    const error = await waiting;
    await first.release();
    expect(error).toBeInstanceOf(LearnerWaitAbortedError);
    expect(jobActionFor(error, FIRST_RUN)).toMatchObject({ kind: 'wait', delayMs: 0 });
  });
});
