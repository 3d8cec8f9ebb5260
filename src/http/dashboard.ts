import { createHash, timingSafeEqual } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import fastifyBasicAuth from '@fastify/basic-auth';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/load.js';
import type { Logger } from '../logging/logger.js';
import { dashboardData, dashboardReturnValue, scrubDashboardBody } from './dashboard-redaction.js';
import { createLoginThrottle } from './login-throttle.js';

/*
 * The queue dashboard (bull-board) at /admin/queues, over every queue. bull-board has no auth of its own
 * (anchors §3.1), so the whole subtree — page, static files and API — sits behind basic auth with the
 * credentials from config. readOnlyMode makes every write endpoint answer 405 (allowRetries alone only hides
 * buttons). Formatters and an after-hook keep it to ids and outcomes (dashboard-redaction.ts).
 */

export const DASHBOARD_PATH = '/admin/queues';

export interface DashboardOptions {
  queues: Queue[];
  config: Readonly<Config['dashboard']>;
  logger: Logger;
}

/** Equal-length digests, so the comparison takes the same time whatever the guess (and its length). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function adapterFor(queue: Queue, readOnly: boolean): BullMQAdapter {
  const adapter = new BullMQAdapter(queue, { readOnlyMode: readOnly, allowRetries: !readOnly });
  adapter.setFormatter('data', dashboardData);
  adapter.setFormatter('returnValue', (value: unknown) => dashboardReturnValue(value));
  adapter.setFormatter('name', (job: { name?: string; data?: { learnerId?: unknown } }) => {
    const learner = typeof job.data?.learnerId === 'number' ? ` · learner #${job.data.learnerId}` : '';
    return `${job.name ?? ''}${learner}`;
  });
  return adapter;
}

/** The route plugin, or null when dashboard.password is empty (dashboard disabled). */
export function dashboardPlugin({ queues, config, logger }: DashboardOptions): ((app: FastifyInstance) => Promise<void>) | null {
  if (config.password === '') {
    logger.info('dashboard disabled (dashboard.password is empty)');
    return null;
  }
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: queues.map((queue) => adapterFor(queue, config.readOnly)),
    serverAdapter,
    options: {
      uiConfig: { boardTitle: 'PICS ⇄ OneFile' },
      handlerHooks: {
        // Every string of every answer (failure reasons, stacks, logs, flows) is scrubbed here.
        after: (_context, result) => ({ ...result, body: scrubDashboardBody(result.body) as typeof result.body }),
      },
    },
  });

  const throttle = createLoginThrottle({ max: config.maxFailedLogins, windowMs: config.failedLoginWindowMs });
  return async (app) => {
    // An encapsulated scope: the auth hook covers the dashboard and nothing else (/healthz, /metrics stay open).
    await app.register(async (scope) => {
      await scope.register(fastifyBasicAuth, {
        authenticate: { realm: 'pics-onefile-worker' },
        async validate(username, password, request) {
          // Both compared, always: no early return that would time the user name apart from the password.
          const userOk = sameSecret(username, config.username);
          const passwordOk = sameSecret(password, config.password);
          if (userOk && passwordOk) return undefined;
          // The address and the count, never what was typed (a password in the user name field, say).
          const { failures, blocked } = throttle.recordFailure(request.ip);
          logger.warn({ ip: request.ip, failures, maxFailedLogins: config.maxFailedLogins }, 'dashboard login refused');
          if (blocked) logger.warn({ ip: request.ip, windowMs: config.failedLoginWindowMs }, 'dashboard logins from this address refused for the rest of the window');
          return new Error('dashboard credentials refused');
        },
      });
      // Before basic auth: an address past its failed logins is answered 429 without its credentials being looked at.
      scope.addHook('onRequest', async (request, reply) => {
        const waitMs = throttle.blockedForMs(request.ip);
        if (waitMs > 0) {
          return reply.code(429).header('retry-after', String(Math.ceil(waitMs / 1000))).send({ error: 'too many failed logins' });
        }
        return undefined;
      });
      scope.addHook('onRequest', scope.basicAuth);
      await scope.register(serverAdapter.registerPlugin(), { prefix: DASHBOARD_PATH });
    });
    logger.info({ path: DASHBOARD_PATH, readOnly: config.readOnly, queues: queues.map((q) => q.name) }, 'dashboard mounted');
  };
}
