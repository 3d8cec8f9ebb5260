import { createHash, timingSafeEqual } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from '../logging/logger.js';
import { ApiProblem } from './problems.js';

/*
 * Bearer API keys for PICSWeb, apart from the dashboard's login. Several keys are valid at once (rotation).
 * Comparison is over SHA-256 digests with timingSafeEqual, against every key, always: its time says nothing
 * about how much of a guess was right, or which key was near. Requests without a valid key are refused,
 * logged without what was sent, and counted per client address by @fastify/rate-limit: a valid key is on
 * its allow-list, so PICSWeb's own traffic is never slowed, while guessing is.
 */

export interface AuthOptions {
  keys: string[];
  maxFailedAuth: number;
  failedAuthWindowMs: number;
  logger: Logger;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route needs no API key (the OpenAPI document). */
    public?: boolean;
  }
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

export function keyMatcher(keys: string[]): (given: string) => boolean {
  const digests = keys.map(digest);
  return (given) => {
    const candidate = digest(given);
    let match = false;
    for (const d of digests) match = timingSafeEqual(candidate, d) || match;
    return match;
  };
}

type Verdict = 'ok' | 'no key' | 'not a bearer token' | 'wrong key';

function verdict(request: FastifyRequest, matches: (given: string) => boolean): Verdict {
  const header = request.headers.authorization;
  if (header === undefined || header.trim() === '') return 'no key';
  const bearer = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (!bearer) return 'not a bearer token';
  return matches(bearer[1]!) ? 'ok' : 'wrong key';
}

const isPublic = (request: FastifyRequest) => request.routeOptions.config?.public === true;

export async function installAuth(scope: FastifyInstance, options: AuthOptions): Promise<void> {
  const matches = keyMatcher(options.keys);
  await scope.register(rateLimit, {
    global: true,
    max: options.maxFailedAuth,
    timeWindow: options.failedAuthWindowMs,
    // Only refused requests count: a valid key (or an open route) is never limited.
    allowList: (request) => isPublic(request) || verdict(request, matches) === 'ok',
    keyGenerator: (request) => request.ip,
    errorResponseBuilder: (_request, context) => Object.assign(
      new ApiProblem(429, 'too-many-failed-attempts', `more than ${context.max} requests without a valid API key from this address: wait ${Math.ceil(context.ttl / 1000)} s`),
      { statusCode: 429 },
    ),
    onExceeded: (request) => options.logger.warn({ ip: request.ip, maxFailedAuth: options.maxFailedAuth }, 'API requests without a valid key from this address refused for the rest of the window'),
  });
  // preParsing: after the rate limiter's onRequest hook (route-level, so it would run after an instance-level
  // onRequest), before any body is read.
  scope.addHook('preParsing', async (request, reply, payload) => {
    if (isPublic(request)) return payload;
    const result = verdict(request, matches);
    if (result === 'ok') return payload;
    // The address and the reason, never the header: a key in the wrong place is still a key.
    options.logger.warn({ ip: request.ip, method: request.method, route: request.routeOptions.url ?? null, reason: result }, 'API request refused: no valid API key');
    void reply.header('www-authenticate', 'Bearer realm="pics-onefile-worker"');
    throw new ApiProblem(401, 'unauthorized', result === 'wrong key'
      ? 'the API key is not one of the configured api.keys'
      : 'send an API key as "Authorization: Bearer <key>"');
  });
}
