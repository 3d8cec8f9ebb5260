import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { RedisClient } from '../redis.js';
import type { Logger } from 'pino';
import { OneFileTransientError } from './errors.js';

/*
 * One OneFile session per customer, shared by every worker process through Redis (SPEC "The OneFile wire
 * contract": a session lives 24 h, refresh before 23 h, several processes share one rather than each
 * logging in). The session is a credential: it is stored in Redis under the non-secret customer key and is
 * never put in a log line, an error message or a key name.
 *
 * Redis state per customer:
 *   {prefix}session:{customerKey}       hash {session, createdAt (ms)}, expires after ttlMs
 *   {prefix}session-lock:{customerKey}  random owner id, SET NX PX lockTtlMs while one process logs in
 */

const INVALIDATE = 'oneFileSessionInvalidate';
const UNLOCK = 'oneFileSessionUnlock';

// Compare-and-delete: when 50 calls fail with 401 at once, only the first delete finds the bad session, so
// a session another caller has already renewed is never thrown away and there is one re-login, not 50.
const INVALIDATE_LUA = `
if redis.call('HGET', KEYS[1], 'session') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

// Release the login lock only if we still own it (it may have expired and been taken by another process).
const UNLOCK_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

interface SessionCommands {
  [INVALIDATE](key: string, badSession: string): Promise<number>;
  [UNLOCK](key: string, owner: string): Promise<number>;
}

const HOUR = 3_600_000;

export interface SessionStoreOptions {
  redis: RedisClient;
  keyPrefix: string;
  /**
   * Logs in to OneFile for this customer (POST /Authentication, through the call budget) → the session. A
   * caller of get() may pass its own instead (the client does: it knows the token and base URL).
   */
  login?: LoginFn;
  /** Renew a session older than this. Default 23 h (OneFile sessions live 24 h). */
  refreshAfterMs?: number;
  /** Redis expiry of a stored session; must exceed refreshAfterMs. Default 23 h 50 min. */
  ttlMs?: number;
  /** Longest one login may hold the cross-process lock; keep the login's HTTP timeout below it. Default 30 s. */
  lockTtlMs?: number;
  /** How often a process waiting for another's login looks for the result. Default 50 ms. */
  pollMs?: number;
  /** How long to wait for a session before giving up (a transient error). Default 2 × lockTtlMs. */
  waitForLoginMs?: number;
  logger?: Logger;
}

export type LoginFn = (customerKey: string) => Promise<string>;

export interface SessionStore {
  /**
   * The shared session for this customer, logging in (once, across all processes) when there is none.
   * `login` replaces the store's own for this call; when several callers wait for one login, the first one's runs.
   */
  get(customerKey: string, login?: LoginFn): Promise<string>;
  /** OneFile refused `badSession` (401): forget it, unless it has already been replaced. */
  invalidate(customerKey: string, badSession: string): Promise<void>;
}

interface Stored {
  session: string;
  createdAt: number;
}

export function createSessionStore(options: SessionStoreOptions): SessionStore {
  const { redis, keyPrefix, logger } = options;
  const refreshAfterMs = options.refreshAfterMs ?? 23 * HOUR;
  const ttlMs = options.ttlMs ?? 23 * HOUR + 50 * 60_000;
  const lockTtlMs = options.lockTtlMs ?? 30_000;
  const pollMs = options.pollMs ?? 50;
  const waitForLoginMs = options.waitForLoginMs ?? 2 * lockTtlMs;
  if (!(refreshAfterMs > 0 && ttlMs > refreshAfterMs)) {
    throw new RangeError(`session store: need 0 < refreshAfterMs (${refreshAfterMs}) < ttlMs (${ttlMs})`);
  }

  if (!(INVALIDATE in redis)) redis.defineCommand(INVALIDATE, { numberOfKeys: 1, lua: INVALIDATE_LUA });
  if (!(UNLOCK in redis)) redis.defineCommand(UNLOCK, { numberOfKeys: 1, lua: UNLOCK_LUA });
  const commands = redis as unknown as SessionCommands;

  // Callers in this process that need a login share one promise per customer (single-flight).
  const inFlight = new Map<string, Promise<string>>();

  const sessionKey = (customerKey: string): string => {
    if (!customerKey) throw new Error('session store: empty customer key');
    return `${keyPrefix}session:${customerKey}`;
  };
  const lockKey = (customerKey: string): string => `${keyPrefix}session-lock:${customerKey}`;
  const isFresh = (stored: Stored): boolean => Date.now() - stored.createdAt < refreshAfterMs;

  async function read(customerKey: string): Promise<Stored | undefined> {
    const [session, createdAt] = await redis.hmget(sessionKey(customerKey), 'session', 'createdAt');
    if (!session || !createdAt) return undefined;
    return { session, createdAt: Number(createdAt) };
  }

  async function loginAndStore(customerKey: string, current: Stored | undefined, login: LoginFn): Promise<string> {
    let session: string;
    try {
      session = await login(customerKey);
    } catch (error) {
      // A proactive renewal failed but the current session has about an hour left: keep working with it.
      if (current) {
        // Name and message only: a raw HTTP error would carry the login request's headers (the token).
        const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        logger?.warn({ customerKey, reason }, 'OneFile session renewal failed; keeping the current session');
        return current.session;
      }
      throw error;
    }
    if (typeof session !== 'string' || session.trim() === '') {
      throw new Error('OneFile login returned an empty session'); // never echo what it did return
    }
    await redis
      .multi()
      .hset(sessionKey(customerKey), { session, createdAt: Date.now() })
      .pexpire(sessionKey(customerKey), ttlMs)
      .exec();
    logger?.info({ customerKey, renewed: current !== undefined }, 'logged in to OneFile; session shared through Redis');
    return session;
  }

  /** Log in, or wait for whichever process is logging in, and return the new session. */
  async function obtain(customerKey: string, login: LoginFn): Promise<string> {
    const deadline = Date.now() + waitForLoginMs;
    for (;;) {
      const current = await read(customerKey);
      if (current && isFresh(current)) return current.session;

      const owner = randomUUID();
      if ((await redis.set(lockKey(customerKey), owner, 'PX', lockTtlMs, 'NX')) === 'OK') {
        try {
          // Another process may have stored a session between our read and taking the lock.
          const latest = await read(customerKey);
          if (latest && isFresh(latest)) return latest.session;
          return await loginAndStore(customerKey, latest, login);
        } finally {
          await commands[UNLOCK](lockKey(customerKey), owner);
        }
      }
      // Someone else is logging in. A session due for renewal is still valid meanwhile: use it.
      if (current) return current.session;
      if (Date.now() >= deadline) {
        throw new OneFileTransientError({
          endpoint: 'POST /Authentication',
          reason: `no session after waiting ${waitForLoginMs} ms for another process to log in`,
        });
      }
      await delay(pollMs);
    }
  }

  return {
    async get(customerKey, login = options.login) {
      const stored = await read(customerKey);
      if (stored && isFresh(stored)) return stored.session;
      let pending = inFlight.get(customerKey);
      if (!pending) {
        if (!login) throw new Error('session store: no login function for this customer');
        pending = obtain(customerKey, login).finally(() => inFlight.delete(customerKey));
        inFlight.set(customerKey, pending);
      }
      return pending;
    },

    async invalidate(customerKey, badSession) {
      const deleted = await commands[INVALIDATE](sessionKey(customerKey), badSession);
      if (deleted === 1) logger?.info({ customerKey }, 'OneFile refused the shared session; dropped it for a re-login');
    },
  };
}
