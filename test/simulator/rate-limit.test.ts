import { describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { WindowLimiter } from '../../src/simulator/rate-limit.js';
import { startSimulator, type SimulatorHandle, type SimulatorOptions } from '../../src/simulator/index.js';
import { DEMO_CUSTOMER_TOKEN, call, client, type Client } from './support.js';

describe('WindowLimiter (simulated times given by hand)', () => {
  it('sliding: a call fits only when fewer than `limit` calls were accepted in the last window', () => {
    const l = new WindowLimiter({ limit: 3, windowMs: 1000, kind: 'sliding' });
    expect([0, 100, 200].map((t) => l.take(t))).toEqual([0, 0, 0]);
    expect(l.take(999)).toBe(1); // the call at 0 leaves the window at 1000
    expect(l.take(1000)).toBe(0);
    expect(l.take(1050)).toBe(50); // now 100, 200, 1000 are in the window
    expect(l.take(1100)).toBe(0);
  });

  it('fixed: windows start at multiples of windowMs and the count starts again in each', () => {
    const l = new WindowLimiter({ limit: 2, windowMs: 1000, kind: 'fixed' });
    expect([900, 950, 990].map((t) => l.take(t))).toEqual([0, 0, 10]);
    expect([1000, 1001, 1002].map((t) => l.take(t))).toEqual([0, 0, 998]);
  });

  it('refused calls do not use up the budget; limit 0 means no limit', () => {
    const l = new WindowLimiter({ limit: 1, windowMs: 1000, kind: 'sliding' });
    l.take(0);
    for (let t = 1; t < 1000; t += 100) expect(l.take(t)).toBeGreaterThan(0);
    expect(l.take(1000)).toBe(0);
    const off = new WindowLimiter({ limit: 0, windowMs: 1000, kind: 'sliding' });
    expect(Array.from({ length: 10_000 }, () => off.take(0)).every((w) => w === 0)).toBe(true);
  });
});

/** `n` GET /Customer calls at once; answers their statuses in order. */
async function burst(api: Client, n: number): Promise<number[]> {
  return (await Promise.all(Array.from({ length: n }, () => api.call('GET', '/Customer')))).map((r) => r.status);
}
const count = (statuses: number[], s: number) => statuses.filter((x) => x === s).length;

describe('bursts at the window edges (limit 10 per 1 s)', () => {
  // A clock all but stopped (a real second is a simulated microsecond) and moved by hand: each burst lands at
  // its simulated instant however long a busy machine takes to send it. No stopwatch.
  const start = (window: 'sliding' | 'fixed') =>
    startSimulator({ rateLimit: 10, windowMs: 1000, window, speed: 1e-6, startAt: Date.UTC(2026, 0, 1) - 300 });
  const moveTo = (sim: SimulatorHandle, simEpochMs: number) => sim.clock.advance(Math.max(0, simEpochMs - sim.clock.now()));

  async function edges(sim: SimulatorHandle) {
    const api = await client(sim);
    // B: the first window boundary at least 250 ms after logging in, so the login call lies outside every window
    // the bursts below look at (fixed windows start at whole multiples of the window on the simulated clock).
    const B = Math.ceil((sim.clock.now() + 250) / 1000) * 1000;
    moveTo(sim, B + 800);
    const first = await burst(api, 11);
    moveTo(sim, B + 1200);
    const second = await burst(api, 5);
    moveTo(sim, B + 2250);
    const third = await burst(api, 5);
    return { first, second, third };
  }

  it('sliding refuses at t≈1.2 s what the fixed window lets through, and frees the slots one window later', async () => {
    const sliding = await start('sliding');
    const fixed = await start('fixed');
    try {
      const [s, f] = await Promise.all([edges(sliding), edges(fixed)]);
      // t≈0.8 s: both take 10 and refuse the 11th.
      expect([count(s.first, 200), count(s.first, 429)]).toEqual([10, 1]);
      expect([count(f.first, 200), count(f.first, 429)]).toEqual([10, 1]);
      // t≈1.2 s: the 10 calls of t≈0.8 s are still inside the sliding window; the fixed window has turned over.
      expect(s.second).toEqual([429, 429, 429, 429, 429]);
      expect(f.second).toEqual([200, 200, 200, 200, 200]);
      // t≈2.25 s: the calls of t≈0.8 s have left the sliding window.
      expect(s.third).toEqual([200, 200, 200, 200, 200]);
      expect(sliding.stats().overLimit).toBe(6);
      expect(fixed.stats().overLimit).toBe(1);
    } finally {
      await Promise.all([sliding.close(), fixed.close()]);
    }
  });
});

describe('429 answers', () => {
  async function overLimit(options: SimulatorOptions) {
    const sim = await startSimulator({ rateLimit: 3, ...options });
    try {
      const api = await client(sim); // logging in is the first of the 3 calls
      const statuses = await burst(api, 2);
      const refused = await api.call('GET', '/Customer');
      return { statuses, refused, stats: sim.stats() };
    } finally {
      await sim.close();
    }
  }

  it('carries Retry-After in real seconds when on (the default), and counts the refusal', async () => {
    const { statuses, refused, stats } = await overLimit({});
    expect(statuses).toEqual([200, 200]);
    expect(refused.status).toBe(429);
    expect(refused.json().Message).toEqual(expect.any(String));
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(59);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(stats.overLimit).toBe(1);
    expect(stats.byEndpoint['GET /Customer']).toEqual({ 200: 2, 429: 1 });
    expect(stats.byEndpoint['POST /Authentication']).toEqual({ 200: 1 });
  });

  it('leaves Retry-After out when off', async () => {
    const { refused } = await overLimit({ retryAfter: false });
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBeUndefined();
  });

  it('counts Authentication calls against the customer as well', async () => {
    const sim = await startSimulator({ rateLimit: 2 });
    try {
      const auth = () => call(`${sim.baseUrl}/Authentication`, 'POST', undefined, { 'X-CustomerToken': DEMO_CUSTOMER_TOKEN });
      expect([(await auth()).status, (await auth()).status, (await auth()).status]).toEqual([200, 200, 429]);
    } finally {
      await sim.close();
    }
  });

  it('keeps one budget per customer', async () => {
    const sim = await startSimulator({ rateLimit: 2, seed: { customers: [{ ID: 1, Name: 'A', Token: 'ta' }, { ID: 2, Name: 'B', Token: 'tb' }] } });
    try {
      const a = await client(sim, 'ta');
      const b = await client(sim, 'tb');
      expect(await burst(a, 2)).toEqual([200, 429]);
      expect(await burst(b, 1)).toEqual([200]);
    } finally {
      await sim.close();
    }
  });

  it('does not limit or count the admin routes', async () => {
    const sim = await startSimulator({ rateLimit: 1 });
    try {
      for (let i = 0; i < 5; i++) expect((await call(`${sim.origin}/_admin/stats`, 'GET')).status).toBe(200);
      expect(sim.stats().total).toBe(0);
    } finally {
      await sim.close();
    }
  });
});

describe('time compression', () => {
  it('scales the window: at speed 60 a per-minute budget renews in one real second, Retry-After says 1', async () => {
    const sim = await startSimulator({ speed: 60, rateLimit: 5, windowMs: 60_000 });
    try {
      const api = await client(sim);
      const statuses = await burst(api, 5);
      expect([count(statuses, 200), count(statuses, 429)]).toEqual([4, 1]);
      const again = await api.call('GET', '/Customer');
      expect(again.headers['retry-after']).toBe('1');
      await sleep(1050);
      expect(await burst(api, 4)).toEqual([200, 200, 200, 200]);
    } finally {
      await sim.close();
    }
  });

  it('stamps LastModified from the simulated clock', async () => {
    const sim = await startSimulator({ speed: 3600, startAt: '2030-06-01T00:00:00Z' });
    try {
      const api = await client(sim);
      await sleep(200); // 200 real ms = 12 simulated minutes
      const user = (await api.call('POST', '/User', { OrganisationID: 5740, Role: 5, FirstName: 'T', LastName: 'C' })).json();
      const at = Date.parse(user.LastModified) - Date.parse('2030-06-01T00:00:00Z');
      expect(at).toBeGreaterThanOrEqual(12 * 60_000);
      expect(at).toBeLessThan(60 * 60_000);
    } finally {
      await sim.close();
    }
  });
});
