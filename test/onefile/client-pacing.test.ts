import { afterAll, describe, expect, it } from '@jest/globals';
import type { OneFileClient } from '../../src/onefile/client.js';
import { OneFileRateLimitedError } from '../../src/onefile/errors.js';
import type { SimulatorHandle } from '../../src/simulator/index.js';
import { useTestRedis } from '../helpers/redis.js';
import { useSimulator } from '../helpers/simulator.js';
import { freshPrefix, logins, workerProcess, type WorkerProcess } from './support.js';

// The shared budget seen from OneFile's side: the simulator enforces a strict sliding window (300 calls in
// any 60 simulated seconds) with time compressed SPEED times, and the budget is scaled to match (300 ×
// SPEED per real minute). Two "processes" are two Redis connections with a budget and session store each.

const SPEED = 30; // a OneFile minute lasts 2 s
const LIMIT = 300;
const HEADROOM = 0.95;
const EMISSION_MS = 60_000 / (LIMIT * SPEED * HEADROOM); // ≈ 7 ms between calls

const t = useTestRedis();
const procs: WorkerProcess[] = [];

afterAll(() => {
  for (const p of procs) p.close();
});

function paced(sim: SimulatorHandle, prefix: string): WorkerProcess {
  const p = workerProcess(sim, prefix, { budget: { callsPerMinute: LIMIT * SPEED, headroom: HEADROOM, burst: 3, maxWaitMs: 60_000 } });
  procs.push(p);
  return p;
}

/** `loops` callers, each making calls back to back until `until` (performance.now()); answers the calls made. */
async function saturate(client: OneFileClient, loops: number, until: number): Promise<number> {
  let made = 0;
  await Promise.all(Array.from({ length: loops }, async () => {
    while (performance.now() < until) {
      await client.customer();
      made += 1;
    }
  }));
  return made;
}

async function redisNowMs(redis: WorkerProcess['redis']): Promise<number> {
  const [s, us] = await redis.time();
  return Number(s) * 1000 + Number(us) / 1000;
}

describe('pacing against a strict sliding window (compressed time)', () => {
  const sim = useSimulator({ speed: SPEED, rateLimit: LIMIT, window: 'sliding' });

  it('N calls at the budget: evenly spaced, on schedule, and not one 429', async () => {
    const sent: number[] = [];
    const client = paced(sim, freshPrefix(t.prefix)).client({ onRequest: (info) => sent.push(performance.now() - info.durationMs) });
    const N = 420; // well past one window's worth, so the sliding window is full while we call
    const started = performance.now();
    await Promise.all(Array.from({ length: 12 }, async (_, loop) => {
      for (let i = loop; i < N; i += 12) await client.customer();
    }));
    const elapsed = performance.now() - started;

    // OneFile's strict window is the judge: not one call over it, every call answered.
    expect(sim.stats().overLimit).toBe(0);
    expect(sim.stats().byEndpoint['GET /Customer']).toEqual({ 200: N });
    // N calls + 1 login, the first `burst` of them back to back: (N + 1 − 3) slots. Never early (how late,
    // and how evenly, on a busy machine is bench/limiter's to measure, not a test's to bound).
    expect(elapsed).toBeGreaterThanOrEqual((N + 1 - 3) * EMISSION_MS * 0.97);
    expect(sent).toHaveLength(N + 1); // and the login
  });

  it('two processes share the budget fairly and together stay inside it', async () => {
    sim.reset();
    const prefix = freshPrefix(t.prefix);
    const [a, b] = [paced(sim, prefix).client(), paced(sim, prefix).client()];
    await Promise.all([a.customer(), b.customer()]);
    const windowMs = 2_500;
    const start = performance.now();
    const [madeA, madeB] = await Promise.all([saturate(a, 6, start + windowMs), saturate(b, 6, start + windowMs)]);
    const elapsed = performance.now() - start;

    // Together inside the budget (OneFile's strict window refused none), one login shared, both served, and
    // never faster than the schedule. Fairness and throughput over time: bench/limiter.
    expect(sim.stats().overLimit).toBe(0);
    expect(logins(sim)).toBe(1);
    expect(Math.min(madeA, madeB)).toBeGreaterThan(0);
    expect(sim.stats().byEndpoint['GET /Customer']).toEqual({ 200: madeA + madeB + 2 });
    expect(elapsed).toBeGreaterThanOrEqual((madeA + madeB - 3) * EMISSION_MS * 0.97);
  });
});

describe('a 429 in one process pushes every process back', () => {
  const sim = useSimulator({ rateLimit: 0 });

  it("client A gets a forced burst of 429s; client B's next call waits the Retry-After out", async () => {
    const prefix = freshPrefix(t.prefix);
    const procA = workerProcess(sim, prefix, { budget: { penaltyMs: 5_000 } });
    const procB = workerProcess(sim, prefix, { budget: { penaltyMs: 5_000 } });
    procs.push(procA, procB);
    const [a, b] = [procA.client(), procB.client()];
    await Promise.all([a.customer(), b.customer()]);

    const redisBefore = await redisNowMs(procA.redis);
    sim.setFaults({ burst429: 3 });
    const results = await Promise.allSettled([a.customer(), a.customer(), a.customer()]);
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(OneFileRateLimitedError);
      expect((r as PromiseRejectedResult).reason).toMatchObject({ retryAfterMs: 1000 });
    }
    const penalisedAt = performance.now();
    const redisAfter = await redisNowMs(procA.redis);
    // Redis-side: the shared schedule resumes Retry-After (1 s) after the 429s, not after B's own 5 s penalty.
    const pen = Number(await procA.redis.hget(procA.budget.keyFor(a.customerKey), 'pen')) / 1000;
    expect(pen).toBeGreaterThanOrEqual(redisBefore + 1000);
    expect(pen).toBeLessThanOrEqual(redisAfter + 1000);

    await b.customer();
    expect(performance.now() - penalisedAt).toBeGreaterThanOrEqual(900); // B waited it out
    expect(procA.budget.stats().rateLimitedReports).toBe(3);
    expect(procB.budget.stats().rateLimitedReports).toBe(0);
    expect(sim.stats().forced429).toBe(3);
    expect(sim.stats().byEndpoint['GET /Customer']).toEqual({ 200: 3, 429: 3 });
  });
});
