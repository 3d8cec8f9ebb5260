import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { createCallBudget, type CallBudgetOptions } from '../../src/limiter/call-budget.js';
import { customerKeyFromToken } from '../../src/limiter/customer-key.js';
import { BudgetWaitAbortedError, BudgetWaitTooLongError } from '../../src/limiter/errors.js';
import { GCRA_LUA } from '../../src/limiter/gcra-script.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { createTestRedis, type TestRedis } from '../helpers/redis.js';

// Real Redis throughout. Two ioredis clients with a budget each stand in for two worker processes: they
// share nothing but Redis. Timing asserts use the Redis-side schedule where possible and generous
// tolerances elsewhere (CI has 2 cores and other suites run beside this one).

let t: TestRedis;
let other: Redis; // the "second process"
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

const customer = (): string => customerKeyFromToken(randomUUID());

function budget(redis: Redis, options: Partial<CallBudgetOptions> = {}) {
  return createCallBudget({ redis, keyPrefix, headroom: 1, ...options });
}

async function redisNowMs(redis: Redis): Promise<number> {
  const [s, us] = await redis.time();
  return Number(s) * 1000 + Number(us) / 1000;
}

async function tatMs(redis: Redis, key: string): Promise<number | null> {
  const tat = await redis.hget(key, 'tat');
  return tat === null ? null : Number(tat) / 1000;
}

describe('createCallBudget', () => {
  it('spaces calls evenly at the budget rate, after a burst of at most `burst`', async () => {
    const b = budget(t.redis, { callsPerMinute: 600, burst: 3 }); // one slot per 100 ms
    const key = customer();
    const redisStart = await redisNowMs(t.redis);
    const start = performance.now();
    const done = await Promise.all(
      Array.from({ length: 40 }, () => b.acquire(key).then(() => performance.now() - start)),
    );
    done.sort((a, z) => a - z);

    // Redis side: 40 reservations moved the schedule exactly 40 slots on from when they began.
    const tat = (await tatMs(t.redis, b.keyFor(key)))!;
    expect(tat - redisStart).toBeGreaterThanOrEqual(4000);
    expect(tat - redisStart).toBeLessThan(4000 + 100);

    // Client side: 3 at once, then one every 100 ms. No call ever runs before its slot (that is the rate
    // guarantee); lateness only depends on how busy the event loop is, so its bound is generous.
    expect(done.filter((ms) => ms < 50)).toHaveLength(3);
    done.forEach((ms, i) => {
      const ideal = Math.max(0, i - 2) * 100;
      expect(ms).toBeGreaterThanOrEqual(ideal - 5);
      expect(ms).toBeLessThan(ideal + 150);
    });
    const gaps = done.slice(3).map((ms, i) => ms - done[i + 2]!);
    const meanGap = gaps.reduce((a, g) => a + g, 0) / gaps.length;
    expect(meanGap).toBeGreaterThan(95);
    expect(meanGap).toBeLessThan(105);
    expect(b.stats()).toMatchObject({ reservations: 40, acquired: 40, refusals: 0 });
  });

  it('shares one budget fairly between two processes and holds the total rate', async () => {
    const key = customer();
    const a = budget(t.redis, { callsPerMinute: 6000, burst: 1 }); // one slot per 10 ms
    const b = budget(other, { callsPerMinute: 6000, burst: 1 });
    const calls: { who: 'a' | 'b'; at: number }[] = [];
    const start = performance.now();
    const runMs = 2000;
    const looper = async (who: 'a' | 'b', lim: typeof a) => {
      while (performance.now() - start < runMs) {
        await lim.acquire(key);
        calls.push({ who, at: performance.now() - start });
      }
    };
    await Promise.all([0, 1, 2, 3].flatMap(() => [looper('a', a), looper('b', b)]));

    const inRun = calls.filter((c) => c.at <= runMs);
    // Budget 100 calls/s: about 200 in 2 s, never more than the schedule allows. Calls never run early, but
    // late ones (a busy event loop) can bunch into the next window, hence the allowance on windows.
    expect(inRun.length).toBeGreaterThan(180);
    expect(inRun.length).toBeLessThanOrEqual(201);
    for (let from = 0; from + 1000 <= runMs; from += 100) {
      const inWindow = inRun.filter((c) => c.at >= from && c.at < from + 1000).length;
      expect(inWindow).toBeLessThanOrEqual(100 + 1 + 10);
    }
    // Both processes get about half, in every half-second, and they interleave rather than take turns.
    for (let from = 0; from < runMs; from += 500) {
      const slice = inRun.filter((c) => c.at >= from && c.at < from + 500);
      const shareA = slice.filter((c) => c.who === 'a').length / slice.length;
      expect(shareA).toBeGreaterThan(0.3);
      expect(shareA).toBeLessThan(0.7);
    }
    let longestRun = 0;
    let run = 0;
    inRun.forEach((c, i) => {
      run = i > 0 && inRun[i - 1]!.who === c.who ? run + 1 : 1;
      longestRun = Math.max(longestRun, run);
    });
    expect(longestRun).toBeLessThanOrEqual(8);
  });

  it('a 429 reported by one process delays the other, including a caller already asleep in its slot', async () => {
    const key = customer();
    const a = budget(t.redis, { callsPerMinute: 600, burst: 1 }); // one slot per 100 ms
    const b = budget(other, { callsPerMinute: 600, burst: 1 });
    await b.acquire(key); // immediate
    const asleep = b.acquire(key).then(() => performance.now()); // slot in ~100 ms
    await delay(20);
    const penalisedAt = performance.now();
    await a.penalise(key, 800);
    const wokeAt = await asleep;
    expect(wokeAt - penalisedAt).toBeGreaterThanOrEqual(795);
    expect(wokeAt - penalisedAt).toBeLessThan(800 + 300);

    // Calls resume one slot apart after the penalty, not as a burst.
    const nextAt = await b.acquire(key).then(() => performance.now());
    expect(nextAt - penalisedAt).toBeGreaterThanOrEqual(895);
    expect(a.stats()).toMatchObject({ rateLimitedReports: 1, penaltiesApplied: 1 });
    expect(b.stats().reservations).toBe(4); // 1 + (slot before the penalty, re-reserved after it) + 1
  });

  it('penalises by penaltyMs without Retry-After, and never pulls the schedule earlier', async () => {
    const key = customer();
    const a = budget(t.redis, { callsPerMinute: 600, penaltyMs: 5000 });
    const before = await redisNowMs(t.redis);
    await a.penalise(key);
    const pen = Number(await t.redis.hget(a.keyFor(key), 'pen')) / 1000;
    expect(pen - before).toBeGreaterThanOrEqual(5000);
    expect(pen - before).toBeLessThan(5100);
    const ttl = await t.redis.pttl(a.keyFor(key));
    expect(ttl).toBeGreaterThan(5000);
    expect(ttl).toBeLessThanOrEqual(5000 + 200 + 1000 + 50); // penalty + 2 slots of burst tolerance + slack

    await a.penalise(key, 100); // shorter than the running penalty: no effect
    expect(Number(await t.redis.hget(a.keyFor(key), 'pen')) / 1000).toBe(pen);
    expect(a.stats()).toMatchObject({ rateLimitedReports: 2, penaltiesApplied: 1 });
    await expect(a.acquire(key, { maxWaitMs: 1000 })).rejects.toBeInstanceOf(BudgetWaitTooLongError);
  });

  it('refuses a wait longer than maxWaitMs and reserves nothing', async () => {
    const key = customer();
    const b = budget(t.redis, { callsPerMinute: 60, burst: 1, maxWaitMs: 200 }); // one slot per second
    await b.acquire(key);
    const tatBefore = await tatMs(t.redis, b.keyFor(key));

    const refused = await b.acquire(key).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(BudgetWaitTooLongError);
    const { waitMs, maxWaitMs } = refused as BudgetWaitTooLongError;
    expect(waitMs).toBeGreaterThan(800);
    expect(waitMs).toBeLessThanOrEqual(1000);
    expect(maxWaitMs).toBe(200);
    expect(await tatMs(t.redis, b.keyFor(key))).toBe(tatBefore);
    // A per-call maxWaitMs overrides the default.
    await expect(b.acquire(key, { maxWaitMs: 100 })).rejects.toBeInstanceOf(BudgetWaitTooLongError);
    expect(b.stats()).toMatchObject({ reservations: 1, refusals: 2, acquired: 1 });
  });

  it('aborts the sleep on its signal, and reserves nothing for an already-aborted signal', async () => {
    const key = customer();
    const b = budget(t.redis, { callsPerMinute: 60, burst: 1 });
    await b.acquire(key);

    const controller = new AbortController();
    const started = performance.now();
    const waiting = b.acquire(key, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('shutdown')), 50);
    await expect(waiting).rejects.toBeInstanceOf(BudgetWaitAbortedError);
    expect(performance.now() - started).toBeLessThan(500);

    const tatBefore = await tatMs(t.redis, b.keyFor(key));
    await expect(b.acquire(key, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(BudgetWaitAbortedError);
    expect(await tatMs(t.redis, b.keyFor(key))).toBe(tatBefore);
    expect(b.stats()).toMatchObject({ reservations: 2, aborts: 2, acquired: 1 });
  });

  it('gives each key a TTL so an idle customer leaves nothing behind', async () => {
    const key = customer();
    const b = budget(t.redis, { callsPerMinute: 6000 });
    await b.acquire(key);
    const ttl = await t.redis.pttl(b.keyFor(key));
    expect(ttl).toBeGreaterThan(900);
    expect(ttl).toBeLessThanOrEqual(1000 + 10 + 1);
    await delay(ttl + 100);
    expect(await t.redis.exists(b.keyFor(key))).toBe(0);
  });

  it('keys by the customer key and never by the token', async () => {
    const token = `tok-${randomUUID()}`;
    const b = budget(t.redis);
    await b.acquire(customerKeyFromToken(token));
    const keys = await t.redis.keys(`${keyPrefix}*`);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.some((k) => k.includes(token))).toBe(false);
  });

  it('survives SCRIPT FLUSH (NOSCRIPT) on a connection that had loaded the script', async () => {
    const key = customer();
    const b = budget(t.redis, { callsPerMinute: 6000 });
    await b.acquire(key);
    const sha = createHash('sha1').update(GCRA_LUA).digest('hex');
    await t.redis.script('FLUSH');
    expect(await t.redis.script('EXISTS', sha)).toEqual([0]);
    await expect(b.acquire(key)).resolves.toHaveProperty('waitedMs');
    expect(await t.redis.script('EXISTS', sha)).toEqual([1]);
    expect(b.stats().acquired).toBe(2);
  });

  it('reports each wait to onWait', async () => {
    const seen: [number, string][] = [];
    const key = customer();
    // Slots 100 ms apart: the second call waits unless the machine stalls for most of that between the two.
    const b = budget(t.redis, { callsPerMinute: 600, burst: 1, onWait: (ms, k) => seen.push([ms, k]) });
    await b.acquire(key);
    await b.acquire(key);
    expect(seen.map(([, k]) => k)).toEqual([key, key]);
    expect(seen[1]![0]).toBeGreaterThan(5);
    expect(b.stats().lastWaitMs).toBe(seen[1]![0]);
  });

  it('rejects nonsensical settings', () => {
    expect(() => budget(t.redis, { headroom: 0 })).toThrow(RangeError);
    expect(() => budget(t.redis, { headroom: 1.2 })).toThrow(RangeError);
    expect(() => budget(t.redis, { burst: 0 })).toThrow(RangeError);
    expect(() => budget(t.redis, { burst: 1.5 })).toThrow(RangeError);
    expect(() => budget(t.redis, { callsPerMinute: -1 })).toThrow(RangeError);
  });
});
