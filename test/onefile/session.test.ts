import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import { customerKeyFromToken } from '../../src/limiter/customer-key.js';
import { OneFileAuthError, OneFileTransientError } from '../../src/onefile/errors.js';
import { createSessionStore, type SessionStoreOptions } from '../../src/onefile/session.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { createTestRedis, type TestRedis } from '../helpers/redis.js';

// Real Redis; two clients with a store each stand in for two worker processes. The login is a counting
// stand-in for POST /Authentication that hands out a new random session each time.

let t: TestRedis;
let other: Redis;
let keyPrefix: string;

beforeAll(() => {
  t = createTestRedis();
  other = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  keyPrefix = `${t.prefix}:`;
});

afterAll(async () => {
  other.disconnect();
  await t.cleanup();
});

function fakeLogin(options: { delayMs?: number } = {}) {
  const issued: string[] = [];
  let failNext = false;
  return {
    issued,
    failNextWith() {
      failNext = true;
    },
    login: async () => {
      await delay(options.delayMs ?? 20);
      if (failNext) {
        failNext = false;
        throw new OneFileAuthError({ endpoint: 'POST /Authentication', status: 401 });
      }
      const session = `sess-${randomUUID()}`;
      issued.push(session);
      return session;
    },
  };
}

function stores(login: SessionStoreOptions['login'], options: Partial<SessionStoreOptions> = {}) {
  const base = { keyPrefix, login, pollMs: 10, ...options };
  return [createSessionStore({ redis: t.redis, ...base }), createSessionStore({ redis: other, ...base })] as const;
}

const customer = (): string => customerKeyFromToken(randomUUID());

describe('createSessionStore', () => {
  it('two processes asking at once share one login', async () => {
    const auth = fakeLogin({ delayMs: 100 });
    const [a, b] = stores(auth.login);
    const key = customer();
    const got = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).get(key)));
    expect(auth.issued).toHaveLength(1);
    expect(new Set(got)).toEqual(new Set(auth.issued));
    // Later callers read it from Redis without logging in.
    expect(await b.get(key)).toBe(auth.issued[0]);
    expect(auth.issued).toHaveLength(1);
  });

  it('stores the session under the customer key with a TTL', async () => {
    const auth = fakeLogin();
    const [a] = stores(auth.login, { ttlMs: 60_000, refreshAfterMs: 30_000 });
    const token = `tok-${randomUUID()}`;
    const key = customerKeyFromToken(token);
    await a.get(key);
    const ttl = await t.redis.pttl(`${keyPrefix}session:${key}`);
    expect(ttl).toBeGreaterThan(59_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    const keys = await t.redis.keys(`${keyPrefix}*`);
    expect(keys.some((k) => k.includes(token))).toBe(false);
    expect(await t.redis.exists(`${keyPrefix}session-lock:${key}`)).toBe(0); // lock released
  });

  it('renews proactively once the session is older than refreshAfterMs, with one login across processes', async () => {
    const auth = fakeLogin({ delayMs: 100 });
    const [a, b] = stores(auth.login, { refreshAfterMs: 300, ttlMs: 10_000 });
    const key = customer();
    const first = await a.get(key);
    expect(await b.get(key)).toBe(first);
    await delay(350);

    const during = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).get(key)));
    expect(auth.issued).toHaveLength(2);
    const renewed = auth.issued[1]!;
    // Callers either waited for the renewal or kept the still-valid old session while it ran: every one of them.
    expect(during.filter((s) => s !== first && s !== renewed)).toEqual([]);
    expect(await a.get(key)).toBe(renewed);
    expect(await b.get(key)).toBe(renewed);
  });

  it('keeps the current session when a proactive renewal fails', async () => {
    const auth = fakeLogin();
    const [a] = stores(auth.login, { refreshAfterMs: 100, ttlMs: 10_000 });
    const key = customer();
    const first = await a.get(key);
    await delay(150);
    auth.failNextWith();
    expect(await a.get(key)).toBe(first);
    expect(await a.get(key)).not.toBe(first); // the next call renews
  });

  it('50 concurrent 401s in two processes lead to exactly one re-login', async () => {
    const auth = fakeLogin({ delayMs: 50 });
    const [a, b] = stores(auth.login);
    const key = customer();
    const bad = await a.get(key);

    // The 401s arrive spread over 150 ms, so some land after the re-login has already stored a new session.
    const after = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const store = i % 2 ? a : b;
        await delay(i * 3);
        await store.invalidate(key, bad);
        return store.get(key);
      }),
    );
    expect(auth.issued).toHaveLength(2);
    expect(new Set(after)).toEqual(new Set([auth.issued[1]]));
  });

  it('does not drop a session that has already replaced the bad one', async () => {
    const auth = fakeLogin();
    const [a] = stores(auth.login);
    const key = customer();
    await a.get(key);
    await a.invalidate(key, 'some-older-session');
    expect(await a.get(key)).toBe(auth.issued[0]);
    expect(auth.issued).toHaveLength(1);
  });

  it('takes over the login when the process holding the lock died', async () => {
    const auth = fakeLogin();
    const [a] = stores(auth.login, { lockTtlMs: 5_000 });
    const key = customer();
    await t.redis.set(`${keyPrefix}session-lock:${key}`, 'crashed-process', 'PX', 300);
    const started = performance.now();
    expect(await a.get(key)).toBe(auth.issued[0]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);
    expect(auth.issued).toHaveLength(1);
  });

  it('gives up with a transient error when no session arrives in time', async () => {
    const auth = fakeLogin();
    const [a] = stores(auth.login, { lockTtlMs: 5_000, waitForLoginMs: 200 });
    const key = customer();
    await t.redis.set(`${keyPrefix}session-lock:${key}`, 'slow-process', 'PX', 5_000);
    await expect(a.get(key)).rejects.toBeInstanceOf(OneFileTransientError);
    expect(auth.issued).toHaveLength(0);
  });

  it('passes a failed first login to the caller, and the next call tries again', async () => {
    const auth = fakeLogin();
    const [a] = stores(auth.login);
    const key = customer();
    auth.failNextWith();
    await expect(a.get(key)).rejects.toBeInstanceOf(OneFileAuthError);
    expect(await a.get(key)).toBe(auth.issued[0]);
  });

  it('never writes a session to the log', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    // A plain logger without the app's redaction paths: the store itself must keep sessions out.
    const logger: Logger = pino({ level: 'trace' }, sink);
    const auth = fakeLogin();
    const [a, b] = stores(auth.login, { logger, refreshAfterMs: 100, ttlMs: 10_000 });
    const key = customer();

    const first = await a.get(key);
    await a.invalidate(key, first);
    const second = await b.get(key);
    await delay(150);
    auth.failNextWith();
    await b.get(key); // renewal fails, logged with its error
    await a.get(key); // renewal succeeds

    const output = lines.join('');
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(output).toContain(key);
    expect(auth.issued.length).toBeGreaterThanOrEqual(3);
    for (const session of [...auth.issued, first, second]) expect(output).not.toContain(session);
    expect(output).not.toMatch(/sess-/);
  });
});
