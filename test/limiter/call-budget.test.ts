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
// share nothing but Redis. No stopwatch: the assertions are on the Redis-side schedule (waits and TAT on
// Redis's own clock), on order and counts, and on lower bounds a busy machine only makes safer. Rates,
// evenness and fairness over real time are measured in bench/limiter.

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
  it('spaces calls evenly at the budget rate, after a burst of at most `burst` (the Redis-side schedule)', async () => {
    // 40 reservations in one MULTI: Redis runs them back to back, so the waits it hands out are the schedule
    // itself, untouched by how busy this machine is: 3 at once, then one slot (100 ms) apart.
    const b = budget(t.redis, { callsPerMinute: 600, burst: 3 });
    const key = b.keyFor(customer());
    const emissionUs = 100_000;
    const multi = t.redis.multi();
    for (let i = 0; i < 40; i++) multi.eval(GCRA_LUA, 1, key, 'reserve', emissionUs, 2 * emissionUs, 60_000_000);
    const answers = (await multi.exec())!.map(([error, reply]) => {
      if (error) throw error;
      return reply as [number, number];
    });
    expect(answers.map(([status]) => status)).toEqual(Array(40).fill(1)); // each one reserved a slot
    // To 10 ms: Redis's clock still moves a few microseconds from one script to the next inside the MULTI.
    const waitsMs = answers.map(([, us]) => Math.max(0, Math.round(us / 10_000) * 10));
    expect(waitsMs).toEqual(Array.from({ length: 40 }, (_, i) => Math.max(0, i - 2) * 100));
  });

  it('spaces real callers by the schedule: none runs before its slot, and 40 take at least 37 slots', async () => {
    const b = budget(t.redis, { callsPerMinute: 600, burst: 3 }); // one slot per 100 ms
    const key = customer();
    const redisStart = await redisNowMs(t.redis);
    const start = performance.now();
    const done = await Promise.all(Array.from({ length: 40 }, () => b.acquire(key).then(() => performance.now() - start)));
    done.sort((a, z) => a - z);
    // Redis side: 40 reservations moved the schedule at least 40 slots on from when they began.
    expect((await tatMs(t.redis, b.keyFor(key)))! - redisStart).toBeGreaterThanOrEqual(4000);
    // Never early (the rate guarantee); how late is the event loop's business, measured in bench/limiter.
    done.forEach((ms, i) => expect(ms).toBeGreaterThanOrEqual(Math.max(0, i - 2) * 100 - 5));
    expect(b.stats()).toMatchObject({ reservations: 40, acquired: 40, refusals: 0 });
  });

  it('two processes share one schedule: together never faster than the budget, each served', async () => {
    const key = customer();
    const a = budget(t.redis, { callsPerMinute: 6000, burst: 1 }); // one slot per 10 ms
    const b = budget(other, { callsPerMinute: 6000, burst: 1 });
    const order: ('a' | 'b')[] = [];
    const redisStart = await redisNowMs(t.redis);
    const looper = async (who: 'a' | 'b', lim: typeof a) => {
      for (let i = 0; i < 25; i++) {
        await lim.acquire(key);
        order.push(who);
      }
    };
    await Promise.all([0, 1, 2, 3].flatMap(() => [looper('a', a), looper('b', b)]));
    // 200 calls on one schedule of 10 ms slots: at least 199 slots of Redis time, whoever made them.
    expect((await tatMs(t.redis, a.keyFor(key)))! - redisStart).toBeGreaterThanOrEqual(2000);
    expect([order.filter((w) => w === 'a').length, order.filter((w) => w === 'b').length]).toEqual([100, 100]);
    expect(a.stats().acquired + b.stats().acquired).toBe(200);
    // Fairness and evenness over time are measured in bench/limiter, not asserted here.
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
    const after = await redisNowMs(t.redis);
    // Redis's own clock at the penalty, plus 5 s: between the Redis times read either side of the call.
    const pen = Number(await t.redis.hget(a.keyFor(key), 'pen')) / 1000;
    expect(pen - before).toBeGreaterThanOrEqual(5000);
    expect(pen - after).toBeLessThanOrEqual(5000);
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
    const b = budget(t.redis, { callsPerMinute: 6, burst: 1, maxWaitMs: 200 }); // one slot per 10 s
    await b.acquire(key);
    const tatBefore = await tatMs(t.redis, b.keyFor(key));

    const refused = await b.acquire(key).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(BudgetWaitTooLongError);
    const { waitMs, maxWaitMs } = refused as BudgetWaitTooLongError;
    expect(waitMs).toBeGreaterThan(200);
    expect(waitMs).toBeLessThanOrEqual(10_000);
    expect(maxWaitMs).toBe(200);
    expect(await tatMs(t.redis, b.keyFor(key))).toBe(tatBefore);
    // A per-call maxWaitMs overrides the default.
    await expect(b.acquire(key, { maxWaitMs: 100 })).rejects.toBeInstanceOf(BudgetWaitTooLongError);
    expect(b.stats()).toMatchObject({ reservations: 1, refusals: 2, acquired: 1 });
  });

  it('aborts the sleep on its signal, and reserves nothing for an already-aborted signal', async () => {
    const key = customer();
    // Slots 60 s apart: the wait can only end in time by the abort (a missed abort resolves, or times the test out).
    const b = budget(t.redis, { callsPerMinute: 1, burst: 1 });
    await b.acquire(key);

    const controller = new AbortController();
    const waiting = b.acquire(key, { signal: controller.signal, maxWaitMs: 120_000 });
    setTimeout(() => controller.abort(new Error('shutdown')), 50);
    await expect(waiting).rejects.toBeInstanceOf(BudgetWaitAbortedError);

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
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1000 + 10 + 1); // set at most a slot and its tolerance ahead (a TTL only falls)
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
    // Slots 1 s apart: the second call waits unless the machine stalls for most of a second between the two.
    const b = budget(t.redis, { callsPerMinute: 60, burst: 1, onWait: (ms, k) => seen.push([ms, k]) });
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
