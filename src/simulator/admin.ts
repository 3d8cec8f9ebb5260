import type { FastifyInstance } from 'fastify';
import { badRequest } from './errors.js';
import type { FaultUpdate } from './faults.js';
import type { SeedInput } from './seed.js';
import type { Simulator } from './simulator.js';

/**
 * Inspection and control for tests, benchmarks and the demo, outside /api/v2.1: no session, no rate limit,
 * not counted in the stats. Same operations as the in-process handle.
 */
export function registerAdmin(app: FastifyInstance, sim: Simulator): void {
  app.get('/_admin/state', async () => sim.dump());
  app.post('/_admin/seed', async (req) => ({ seeded: sim.seed(req.body as SeedInput) }));
  app.post('/_admin/seed/demo', async () => ({ seeded: sim.seed('demo') }));
  app.post('/_admin/reset', async (req) => {
    const seed = (req.body as { seed?: 'demo' | 'empty' | SeedInput } | undefined)?.seed;
    sim.reset(seed);
    return { reset: true };
  });
  app.get('/_admin/stats', async () => sim.stats.snapshot());
  app.post('/_admin/stats/reset', async () => {
    sim.stats.reset();
    return sim.stats.snapshot();
  });
  app.get('/_admin/faults', async () => sim.faults.settings);
  app.post('/_admin/faults', async (req) => {
    sim.setFaults((req.body ?? {}) as FaultUpdate);
    return sim.faults.settings;
  });
  app.get('/_admin/duplicates', async () => sim.duplicates());
  app.get('/_admin/clock', async () => clock(sim));
  app.post('/_admin/clock', async (req) => {
    const advanceMs = (req.body as { advanceMs?: unknown } | undefined)?.advanceMs;
    if (typeof advanceMs !== 'number' || !(advanceMs >= 0)) throw badRequest('advanceMs must be simulated milliseconds ≥ 0.');
    sim.clock.advance(advanceMs);
    return clock(sim);
  });
}

function clock(sim: Simulator) {
  return { now: sim.clock.nowIso(), epochMs: sim.clock.now(), speed: sim.clock.speed, activeSessions: sim.sessions.activeCount };
}
