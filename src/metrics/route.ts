import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

/**
 * GET /metrics in Prometheus text format. Unauthenticated, as scrapers expect: nothing in it names a
 * learner or carries a secret (labels are queue, state, outcome, endpoint template, status class).
 */
export function metricsRoute(registry: Registry) {
  return (app: FastifyInstance) => {
    app.get('/metrics', async (_request, reply) => {
      const body = await registry.metrics();
      return reply.type(registry.contentType).send(body);
    });
  };
}
