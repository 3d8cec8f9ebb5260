import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from '../logging/logger.js';
import { CheckFailure, describeCheckFailure } from './check-failure.js';

export interface ReadinessCheck {
  name: string;
  /** Resolves when healthy; a string it resolves is shown after "ok: ". */
  check: () => Promise<void | string>;
  /** A failing advisory check shows as "warn: …" and leaves the process ready (development's Redis policy). */
  advisory?: boolean;
}

export interface HttpServerOptions {
  host: string;
  port: number;
  logger: Logger;
  readiness: ReadinessCheck[];
  /** Liveness beyond "the event loop answers": e.g. workers still running. */
  liveness?: () => string | null;
  /** Further routes (metrics, dashboard) registered by their own modules. */
  plugins?: ((app: FastifyInstance) => Promise<void> | void)[];
}

const CHECK_TIMEOUT_MS = 2_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CheckFailure(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export interface HttpServer {
  app: FastifyInstance;
  url: string;
  /** Readiness turns false for good from here on (shutdown has begun). */
  markShuttingDown(): void;
  close(): Promise<void>;
}

export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const app = Fastify({ logger: false });
  let shuttingDown = false;

  app.get('/healthz', async (_request, reply) => {
    const problem = options.liveness?.() ?? null;
    if (problem) return reply.code(503).send({ status: 'unhealthy', problem });
    return { status: 'ok' };
  });

  app.get('/readyz', async (_request, reply) => {
    if (shuttingDown) return reply.code(503).send({ status: 'shutting-down', checks: {} });
    const results = await Promise.all(
      options.readiness.map(async ({ name, check, advisory }) => {
        try {
          const detail = await withTimeout(check(), CHECK_TIMEOUT_MS);
          return [name, typeof detail === 'string' ? `ok: ${detail}` : 'ok', true] as const;
        } catch (error) {
          // A fixed phrase per kind of failure: never a connection string, a database user or a host.
          return [name, `${advisory ? 'warn' : 'down'}: ${describeCheckFailure(error)}`, advisory === true] as const;
        }
      }),
    );
    const checks = Object.fromEntries(results.map(([name, state]) => [name, state]));
    const ready = results.every(([, , passed]) => passed);
    if (!ready) options.logger.warn({ checks }, 'not ready');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not-ready', checks });
  });

  for (const plugin of options.plugins ?? []) await plugin(app);
  const address = await app.listen({ host: options.host, port: options.port });
  return {
    app,
    url: address,
    markShuttingDown() {
      shuttingDown = true;
    },
    close: () => app.close(),
  };
}
