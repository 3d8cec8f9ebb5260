import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { runUrgent } from '../util/urgent-calls.js';
import type { DB } from './types.js';

/**
 * Serialises "find or create" of one shared ePortfolio record (an assessor, placement or classroom used by
 * many learners) across every job and every worker process, so two enrols never both create it. A Postgres
 * session advisory lock: released by unlock, or by Postgres itself if the process dies.
 *
 * The wait is bounded and abortable, which pg_advisory_lock alone is not: a free lock is taken with one
 * pg_try_advisory_lock (as cheap as before); a held one is waited for by Postgres itself (in line, visible in
 * pg_locks) under a transaction-local lock_timeout, and a shutdown cancels that wait with pg_cancel_backend
 * from another pooled connection. A holder frozen with its connection open (a stopped process) then costs a
 * waiting job a delay, never a worker slot for ever.
 */

/** Another job held the lock for longer than the caller would wait: the job steps aside and comes back. */
export class EntityLockBusyError extends Error {
  override readonly name = 'EntityLockBusyError';
  constructor(
    readonly key: string,
    readonly waitMs: number,
  ) {
    super(`${key} was held by another job for over ${waitMs} ms: trying again later`);
  }
}

/** The wait was cut short by shutdown or by the job's own signal. */
export class EntityLockAbortedError extends Error {
  override readonly name = 'EntityLockAbortedError';
  constructor(readonly key: string) {
    super(`the wait for ${key} was interrupted`);
  }
}

export interface EntityLockOptions {
  /** Longest wait for the lock. Default 2 minutes: a holder makes a few OneFile calls, each time-limited. */
  waitMs?: number;
  signal?: AbortSignal | undefined;
  /**
   * Whether a user's click may wait for this lock, so the holder's OneFile calls go in the interactive lane
   * (util/urgent-calls.ts). Default true; false for a lock only the same learner's jobs take (one learner, one job).
   */
  clicksWait?: boolean;
}

const DEFAULT_ENTITY_LOCK_WAIT_MS = 120_000;

const LOCK_NOT_AVAILABLE = '55P03';

export async function withEntityLock<T>(
  db: Kysely<DB>, key: string, fn: (conn: Kysely<DB>) => Promise<T>, options: EntityLockOptions = {},
): Promise<T> {
  const { waitMs = DEFAULT_ENTITY_LOCK_WAIT_MS, signal, clicksWait = true } = options;
  const digest = createHash('sha256').update(key).digest();
  const a = digest.readInt32BE(0);
  const b = digest.readInt32BE(4);
  return db.connection().execute(async (conn) => {
    if (signal?.aborted) throw new EntityLockAbortedError(key);
    const free = await sql<{ ok: boolean }>`select pg_try_advisory_lock(${a}::int, ${b}::int) as ok`.execute(conn);
    if (!free.rows[0]?.ok) await waitForLock(db, conn, key, [a, b], waitMs, signal);
    try {
      // The caller's database work runs on the locked connection: a pool never has to lend it a second one.
      return await (clicksWait ? runUrgent(() => fn(conn)) : fn(conn));
    } finally {
      await sql`select pg_advisory_unlock(${a}::int, ${b}::int)`.execute(conn);
    }
  });
}

async function waitForLock(
  db: Kysely<DB>, conn: Kysely<DB>, key: string, [a, b]: [number, number], waitMs: number, signal: AbortSignal | undefined,
): Promise<void> {
  const pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(conn)).rows[0]!.pid;
  let cancelled = false;
  const cancel = () => {
    cancelled = true;
    void sql`select pg_cancel_backend(${pid})`.execute(db).catch(() => {}); // the wait then fails with 57014
  };
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    // A session lock taken inside a transaction outlives it; lock_timeout set locally ends with it.
    await conn.transaction().execute(async (trx) => {
      await sql`select set_config('lock_timeout', ${`${Math.max(1, waitMs)}ms`}, true)`.execute(trx);
      await sql`select pg_advisory_lock(${a}::int, ${b}::int)`.execute(trx);
    });
  } catch (error) {
    if (cancelled || signal?.aborted) throw new EntityLockAbortedError(key);
    if ((error as { code?: unknown }).code === LOCK_NOT_AVAILABLE) throw new EntityLockBusyError(key, waitMs);
    throw error;
  } finally {
    signal?.removeEventListener('abort', cancel);
  }
  if (cancelled) {
    // The cancel came as the lock was granted: give it back, the job is going away.
    await sql`select pg_advisory_unlock(${a}::int, ${b}::int)`.execute(conn);
    throw new EntityLockAbortedError(key);
  }
}
