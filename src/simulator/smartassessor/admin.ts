import type { FastifyInstance } from 'fastify';
import type { Simulator } from '../simulator.js';
import type { SaSeedInput } from './seed.js';

/**
 * Inspection and control of the simulated Smart Assessor under /_admin/smartassessor (no key, not counted):
 * the records, the request log (envelopes with the key redacted), the duplicate check, seeding and reset.
 * Faults and stats are the simulator's own (/_admin/faults, /_admin/stats).
 */
export function registerSmartAssessorAdmin(app: FastifyInstance, sim: Simulator): void {
  const sa = sim.smartAssessor;
  app.get('/_admin/smartassessor/state', async () => sa.dump());
  app.get('/_admin/smartassessor/requests', async () => sa.state.requests);
  app.post('/_admin/smartassessor/requests/reset', async () => {
    sa.state.requests.length = 0;
    return { cleared: true };
  });
  app.get('/_admin/smartassessor/duplicates', async () => sa.duplicates());
  app.post('/_admin/smartassessor/seed', async (req) => ({ seeded: sa.seed(req.body as SaSeedInput) }));
  app.post('/_admin/smartassessor/reset', async (req) => {
    const seed = (req.body as { seed?: 'demo' | 'empty' | SaSeedInput } | undefined)?.seed;
    sa.reset(seed);
    return { reset: true };
  });
}
