import { afterEach, describe, expect, it } from '@jest/globals';
import { startSimulator, type SimulatorHandle, type SimulatorOptions } from '../../src/simulator/index.js';
import { admin, client, http, type Client } from './support.js';

const ORG = 5740;
let sim: SimulatorHandle;
let api: Client;
async function start(options: SimulatorOptions = {}) {
  sim = await startSimulator({ rateLimit: 0, ...options });
  api = await client(sim);
}
afterEach(() => sim.close());

const statuses = async (n: number, path = '/Customer') => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await api.call('GET', path)).status);
  return out;
};

describe('5xx answers', () => {
  it('answers a seeded share of calls with 5xx, the same calls for the same seed', async () => {
    const runs: number[][] = [];
    for (const seed of [42, 42, 7]) {
      await start();
      sim.setFaults({ seed, errors: { rate: 0.3 } });
      runs.push(await statuses(200));
      await sim.close();
    }
    sim = await startSimulator(); // for afterEach
    expect(runs[0]).toEqual(runs[1]);
    expect(runs[0]).not.toEqual(runs[2]);
    const failed = runs[0]!.filter((s) => s >= 500);
    expect(failed.length).toBeGreaterThan(40);
    expect(failed.length).toBeLessThan(80);
    expect(new Set(failed)).toEqual(new Set([500, 502, 503]));
  });

  it('with when "after", does the work and loses the answer (a retry then makes a duplicate)', async () => {
    await start({ faults: { errors: { rate: 1, statuses: [503], when: 'after' }, endpoints: ['POST /Placement'] } });
    const body = { OrganisationID: ORG, Name: 'Greenleaf Garden Centre' };
    const r = await api.call('POST', '/Placement', body);
    expect(r.status).toBe(503);
    expect(r.json()).toHaveProperty('Message');
    expect([...sim.state.placements.values()].filter((p) => p.Name === body.Name)).toHaveLength(1);
    // Other endpoints are untouched by a fault scoped to one endpoint.
    expect((await api.call('GET', '/Customer')).status).toBe(200);
    await api.call('POST', '/Placement', body);
    expect(sim.duplicates().placementsSameName).toEqual([expect.objectContaining({ Name: body.Name })]);
  });

  it('with when "before", changes nothing', async () => {
    await start();
    sim.setFaults({ errors: { rate: 1, when: 'before' } });
    expect((await api.call('POST', '/Classroom', { OrganisationID: ORG, Name: 'Never' })).status).toBeGreaterThanOrEqual(500);
    expect([...sim.state.classrooms.values()].some((c) => c.Name === 'Never')).toBe(false);
  });
});

describe('dropped connections', () => {
  it('destroys the socket without an answer; "before" changes nothing, "after" keeps the change', async () => {
    await start();
    sim.setFaults({ drops: { rate: 1, when: 'before' }, endpoints: ['POST /Classroom'] });
    await expect(api.call('POST', '/Classroom', { OrganisationID: ORG, Name: 'Dropped before' }))
      .rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|ERR_GOT_REQUEST_ERROR/) });
    sim.setFaults({ drops: { rate: 1, when: 'after' } });
    await expect(api.call('POST', '/Classroom', { OrganisationID: ORG, Name: 'Dropped after' })).rejects.toThrow();
    const names = [...sim.state.classrooms.values()].map((c) => c.Name);
    expect(names).not.toContain('Dropped before');
    expect(names).toContain('Dropped after');
    expect(sim.stats().byEndpoint['POST /Classroom']).toEqual({ dropped: 2 });
    expect(sim.stats().dropped).toBe(2);
  });
});

describe('a write made, its answer late (latency.when: after)', () => {
  it('applies the call at once, holds the answer, and counts a caller gone before it as abandoned', async () => {
    await start({ faults: { latency: { kind: 'fixed', ms: 60_000, when: 'after' }, endpoints: ['POST /Classroom'] } });
    const caller = new AbortController();
    const answered = fetch(`${sim.baseUrl}/Classroom`, {
      method: 'POST', signal: caller.signal, headers: { 'X-TokenID': api.token, 'content-type': 'application/json' },
      body: JSON.stringify({ OrganisationID: ORG, Name: 'Made, not answered' }),
    }).catch((e: unknown) => e);
    // Made while the answer still waits: the caller has heard nothing yet.
    for (let i = 0; ![...sim.state.classrooms.values()].some((c) => c.Name === 'Made, not answered'); i++) {
      if (i > 500) throw new Error('the classroom was never made');
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(sim.stats().writesAwaitingAnswer).toBe(1);
    expect(sim.stats().byEndpoint['POST /Classroom']).toBeUndefined();
    caller.abort(); // the caller dies inside the window
    expect(await answered).toMatchObject({ name: 'AbortError' });
    for (let i = 0; sim.stats().abandoned === 0; i++) {
      if (i > 500) throw new Error('the abandoned answer was never counted');
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(sim.stats()).toMatchObject({ abandoned: 1, writesAwaitingAnswer: 0, byEndpoint: { 'POST /Classroom': { abandoned: 1 } } });
  });

  it('refuses a latency.when that is neither before nor after', async () => {
    await start();
    expect((await admin(sim, 'POST', '/faults', { latency: { kind: 'fixed', ms: 1, when: 'later' } })).status).toBe(400);
  });
});

describe('latency and slow answers', () => {
  const timed = async (path = '/Customer') => {
    const t = performance.now();
    await api.call('GET', path);
    return performance.now() - t;
  };

  it('adds fixed latency', async () => {
    await start({ faults: { latency: { kind: 'fixed', ms: 120 } } });
    expect(await timed()).toBeGreaterThanOrEqual(115);
  });

  it('adds uniform and normal latency within their bounds', async () => {
    await start({ faults: { latency: { kind: 'uniform', minMs: 40, maxMs: 60 } } });
    // Lower bounds only: a busy machine adds to a latency, never takes from it (its spread: bench/simulator).
    for (let i = 0; i < 5; i++) expect(await timed()).toBeGreaterThanOrEqual(38);
    sim.setFaults({ latency: { kind: 'normal', meanMs: 50, sdMs: 10 } });
    const all = await Promise.all(Array.from({ length: 20 }, () => timed()));
    expect(all.reduce((a, b) => a + b, 0) / all.length).toBeGreaterThan(30);
  });

  it('holds a slow answer past the client timeout, after the work is done', async () => {
    await start({ faults: { slow: { rate: 1, ms: 600 }, endpoints: ['POST /Review'] } });
    const learner = (await api.call('POST', '/User', { OrganisationID: ORG, Role: 1, FirstName: 'S', LastName: 'Low',
      Email: 's@example.com', DefaultAssessorID: 122762, ClassroomID: 15379, PlacementID: 18928 })).json().ID;
    const request = http.post(`${sim.baseUrl}/Review`, {
      headers: { 'X-TokenID': api.token }, json: { LearnerID: learner, AssessorID: 122762, ScheduledFor: '2027-01-01T09:00:00Z' },
      timeout: { request: 200 },
    });
    await expect(request).rejects.toMatchObject({ name: 'TimeoutError' });
    expect([...sim.state.reviews.values()].filter((r) => r.LearnerID === learner)).toHaveLength(1);
  });
});

describe('forced 429 bursts and forced session expiry', () => {
  it('answers the next N calls 429 with Retry-After, then carries on', async () => {
    await start();
    await admin(sim, 'POST', '/faults', { burst429: 3 });
    const r = await api.call('GET', '/Customer');
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toBe('1');
    expect(await statuses(3)).toEqual([429, 429, 200]);
    expect(sim.stats()).toMatchObject({ forced429: 3, overLimit: 0 });
  });

  it('makes every session invalid at once; logging in again works', async () => {
    await start();
    const other = await client(sim);
    await admin(sim, 'POST', '/faults', { expireSessions: true });
    expect((await api.call('GET', '/Customer')).status).toBe(401);
    expect((await other.call('GET', '/Customer')).status).toBe(401);
    expect((await (await client(sim)).call('GET', '/Customer')).status).toBe(200);
  });
});

describe('bad answers', () => {
  it('sends an HTML error page with 200 or 500', async () => {
    await start({ faults: { badAnswers: [{ endpoint: 'GET /Customer', kind: 'html-200', times: 1 }] } });
    const page = await api.call('GET', '/Customer');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toMatch(/^<!DOCTYPE html>/);
    expect((await api.call('GET', '/Customer')).json()).toHaveProperty('ID', 2070); // times: 1 used up
    sim.setFaults({ badAnswers: [{ endpoint: 'GET /Customer', kind: 'html-500' }] });
    expect((await api.call('GET', '/Customer')).status).toBe(500);
    expect((await api.call('GET', '/Customer')).status).toBe(500); // no times: every call
  });

  it('truncates JSON, for objects, arrays and bare ids alike', async () => {
    await start({ faults: { badAnswers: [
      { endpoint: 'POST /User/Search/{page}/{size}', kind: 'truncated-json' },
      { endpoint: 'POST /Standard/{id}/Assign/{learnerId}', kind: 'truncated-json' },
    ] } });
    const search = await api.call('POST', '/User/Search/1/10', { OrganisationID: ORG });
    expect(search.status).toBe(200);
    expect(search.headers['content-type']).toMatch(/json/);
    expect(() => search.json()).toThrow();
    const learner = (await api.call('POST', '/User', { OrganisationID: ORG, Role: 1, FirstName: 'T', LastName: 'J',
      Email: 't@example.com', DefaultAssessorID: 122762, ClassroomID: 15379, PlacementID: 18928 })).json().ID;
    const assigned = await api.call('POST', `/Standard/55774/Assign/${learner}`);
    expect(() => assigned.json()).toThrow();
  });

  it('swaps types, or leaves fields out, on a named endpoint', async () => {
    await start({ faults: { badAnswers: [{ endpoint: 'GET /User/{id}', kind: 'wrong-types', times: 1 }] } });
    const wrong = (await api.call('GET', '/User/122762')).json();
    expect(typeof wrong.ID).toBe('string');
    expect(typeof wrong.FirstName).toBe('number');
    expect(typeof wrong.Archived).toBe('string');
    sim.setFaults({ badAnswers: [{ endpoint: 'GET /User/{id}', kind: 'missing-fields', fields: ['ID', 'MISID'] }] });
    const missing = (await api.call('GET', '/User/122762')).json();
    expect(missing).not.toHaveProperty('ID');
    expect(missing).not.toHaveProperty('MISID');
    expect(missing).toHaveProperty('FirstName', 'Priya');
    expect((await api.call('GET', '/Customer')).json()).toHaveProperty('ID'); // other endpoints untouched
  });
});

describe('faults scoped to learners', () => {
  it('hit only the calls about the named OneFile learners: by body, path or the record the path names', async () => {
    await start();
    const learner = async (name: string) => (await api.call('POST', '/User', { OrganisationID: ORG, Role: 1, FirstName: name, LastName: 'Scoped',
      Email: `${name}@example.com`, DefaultAssessorID: 122762, ClassroomID: 15379, PlacementID: 18928 })).json().ID as number;
    const [hit, spared] = [await learner('hit'), await learner('spared')];
    const review = (id: number) => api.call('POST', '/Review', { LearnerID: id, AssessorID: 122762, ScheduledFor: '2027-03-01T09:00:00Z' });
    const [hitReview, sparedReview] = [(await review(hit)).json() as number, (await review(spared)).json() as number];
    sim.setFaults({ learners: [hit], errors: { rate: 1, statuses: [503], when: 'before' } });
    const calls = async (id: number, reviewId: number) => [
      (await api.call('POST', '/Review/Search/1/50', { LearnerID: id })).status,
      (await api.call('GET', `/User/${id}`)).status,
      (await api.call('GET', `/Review/${reviewId}`)).status,
      (await review(id)).status,
    ];
    expect(await calls(hit, hitReview)).toEqual([503, 503, 503, 503]);
    expect(await calls(spared, sparedReview)).toEqual([200, 200, 200, 200]);
    expect((await api.call('GET', '/Customer')).status).toBe(200); // about no learner
    expect((await admin(sim, 'POST', '/faults', { learners: ['x'] })).status).toBe(400);
    sim.setFaults({ learners: null });
    expect((await api.call('GET', '/Customer')).status).toBe(503); // unscoped again: every call
  });
});

describe('fault settings', () => {
  it('are read and changed at runtime through /_admin/faults, and invalid ones are refused with 400', async () => {
    await start({ faults: { errors: { rate: 0.5 }, endpoints: ['GET /Customer'] } });
    expect((await admin(sim, 'GET', '/faults')).json()).toMatchObject({ errors: { rate: 0.5, when: 'before' } });
    const changed = await admin(sim, 'POST', '/faults', { errors: { rate: 0 }, latency: { kind: 'fixed', ms: 1 } });
    expect(changed.json()).toMatchObject({ errors: { rate: 0 }, latency: { kind: 'fixed', ms: 1 } });
    for (const bad of [{ errors: { rate: 2 } }, { latency: { kind: 'weird' } }, { badAnswers: [{ endpoint: 'GET /Customer', kind: 'x' }] },
      { errors: { statuses: [404] } }, { nonsense: true }, { drops: { when: 'later' } }, { errors: 5 }, { slow: [] }, { latency: null },
      { expireSessions: 7 }]) {
      const r = await admin(sim, 'POST', '/faults', bad);
      expect(r.status).toBe(400);
      expect(r.json().Message).toEqual(expect.any(String));
    }
    expect((await admin(sim, 'GET', '/faults')).json()).toMatchObject({ errors: { rate: 0 } });
  });
});
