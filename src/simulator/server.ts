import { parse as parseForm } from 'node:querystring';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerAdmin } from './admin.js';
import { API_ROUTES } from './api-routes.js';
import { send, serve } from './dispatch.js';
import { ApiError } from './errors.js';
import { message } from './result.js';
import { label } from './routes.js';
import type { Simulator } from './simulator.js';
import { registerSmartAssessorAdmin } from './smartassessor/admin.js';
import { registerSmartAssessor } from './smartassessor/endpoint.js';

export const API_PREFIX = '/api/v2.1';

/** The HTTP front of a simulator: the OneFile API under /api/v2.1, and /_admin for tests and benchmarks. */
export function buildServer(sim: Simulator): FastifyInstance {
  // Routes match without regard to case, as OneFile's do (its docs spell `Organisation/search`).
  // forceCloseConnections: close() does not wait for answers a fault is holding back.
  const app = Fastify({
    logger: false, forceCloseConnections: true, routerOptions: { caseSensitive: false, ignoreTrailingSlash: true },
  });

  // OneFile takes JSON, form-encoded bodies, and empty bodies on POST (Authentication sends none or `{}`).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, text, done) => {
    done(null, parseForm(text as string));
  });
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, text, done) => {
    const s = (text as string).trim();
    if (s === '') return done(null, undefined);
    try {
      done(null, JSON.parse(s));
    } catch {
      done(new ApiError(400, 'The request body is not valid JSON.'), undefined);
    }
  });

  for (const def of API_ROUTES) {
    const endpoint = label(def);
    app.route({
      method: def.method,
      url: API_PREFIX + def.path.replace(/\{(\w+)\}/g, ':$1'),
      config: { endpoint },
      handler: (req, reply) => serve(sim, def, endpoint, req, reply),
    });
  }
  registerAdmin(app, sim);
  registerSmartAssessor(app, sim);
  registerSmartAssessorAdmin(app, sim);

  app.setNotFoundHandler((req, reply) => {
    const r = message(404, `No resource matches ${req.method} ${req.url}.`);
    if (!req.url.toLowerCase().startsWith(API_PREFIX)) return reply.code(404).send(r.json);
    return send(sim, `${req.method} (no route)`, reply, r);
  });
  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    const status = err instanceof ApiError ? err.status : err.statusCode ?? 500;
    const r = message(status, status < 500 ? err.message : 'An error has occurred.');
    const endpoint = (req.routeOptions.config as { endpoint?: string }).endpoint;
    if (endpoint === undefined) return reply.code(status).send(r.json);
    return send(sim, endpoint, reply, r);
  });
  return app;
}
