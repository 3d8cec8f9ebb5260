import { setTimeout as sleep } from 'node:timers/promises';
import got from 'got';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { jobActionFor } from '../../src/jobs/error-policy.js';
import { createCallBudget } from '../../src/limiter/call-budget.js';
import { createOneFileClient, type OneFileClient } from '../../src/onefile/client.js';
import { OneFileRateLimitedError } from '../../src/onefile/errors.js';
import { createSessionStore } from '../../src/onefile/session.js';
import type { WorkerConfig } from './protocol.js';

/*
 * The four ways of living with OneFile's 300 calls a minute, each as a Caller whose call() keeps trying one
 * GET /Customer until it succeeds, the way that strategy would. Every duration a strategy is configured with
 * is OneFile time divided by the speed-up.
 */

export interface Caller {
  /** One successful call; answers how long it waited (real ms) before the attempt that succeeded was sent. */
  call(signal: AbortSignal): Promise<{ waitMs: number }>;
  rateLimited(): number;
  errors(): number;
}

export type CallerFactory = () => Caller;

const TIMEOUT_MS = 10_000;

/** (a) ours: the shared GCRA budget through the real client; failures handled by the real job policy. */
export function oursFactory(config: WorkerConfig, redis: Redis): CallerFactory {
  const keyPrefix = `${config.redisPrefix}ours:`;
  const budget = createCallBudget({
    redis,
    keyPrefix,
    // Scaled: OneFile's minute lasts 60 000 / speed real ms, so the per-real-minute rate is limit × speed.
    callsPerMinute: config.limit * config.speed,
    headroom: config.headroom,
    burst: config.burst,
    maxWaitMs: config.maxWaitMs,
    penaltyMs: 60_000 / config.speed,
  });
  const sessions = createSessionStore({ redis, keyPrefix, pollMs: 5 });

  return () => {
    let rateLimited = 0;
    let errors = 0;
    // One client per caller, so the onRequest hook tells this caller when its own last attempt was sent.
    let lastSentAt = 0;
    let client: OneFileClient | undefined;
    const clientFor = (signal: AbortSignal) =>
      (client ??= createOneFileClient({
        baseUrl: config.baseUrl,
        customerToken: config.customerToken,
        budget,
        sessions,
        timeoutMs: TIMEOUT_MS,
        maxWaitMs: config.maxWaitMs,
        signal,
        onRequest: (info) => {
          lastSentAt = performance.now() - info.durationMs;
        },
      }));
    return {
      rateLimited: () => rateLimited,
      errors: () => errors,
      async call(signal) {
        const started = performance.now();
        const c = clientFor(signal);
        for (;;) {
          try {
            await c.customer();
            return { waitMs: lastSentAt - started };
          } catch (error) {
            if (signal.aborted) throw error;
            if (error instanceof OneFileRateLimitedError) rateLimited += 1;
            // What the job layer would do: a wait (429, budget busy) delays the job; anything else retries.
            const action = jobActionFor(error, { attemptsStarted: 1, attemptsMade: 0 });
            if (action.kind === 'wait') await sleep(action.delayMs, undefined, { signal });
            else {
              errors += 1;
              await sleep(1_000 / config.speed, undefined, { signal });
            }
          }
        }
      },
    };
  };
}

/** A raw session of this process for the strategies without our client (each process logs in for itself). */
async function rawApi(config: WorkerConfig) {
  const http = got.extend({
    prefixUrl: config.baseUrl,
    retry: { limit: 0 },
    throwHttpErrors: false,
    timeout: { request: TIMEOUT_MS },
    responseType: 'text',
  });
  for (;;) {
    const login = await http.post('Authentication', { headers: { 'X-CustomerToken': config.customerToken } });
    if (login.statusCode === 200) {
      const session = login.body.trim();
      return (signal: AbortSignal) =>
        http.get('Customer', { headers: { 'X-TokenID': session }, signal }).then((r) => r.statusCode);
    }
    if (login.statusCode !== 429) throw new Error(`login failed with ${login.statusCode}`);
    await sleep(60_000 / config.speed);
  }
}

/** (b) rate-limiter-flexible's RateLimiterRedis, fixed window at the published limit, retried on rejection. */
export async function rlfFactory(config: WorkerConfig, redis: Redis): Promise<CallerFactory> {
  const send = await rawApi(config);
  const limiter = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `${config.redisPrefix}rlf`,
    points: config.limit,
    duration: 60 / config.speed, // seconds (an integer: the speed divides 60)
  });
  return () => {
    let rateLimited = 0;
    let errors = 0;
    return {
      rateLimited: () => rateLimited,
      errors: () => errors,
      async call(signal) {
        const started = performance.now();
        for (;;) {
          try {
            await limiter.consume('customer');
          } catch (rejection) {
            if (!(rejection instanceof RateLimiterRes)) throw rejection;
            // The anchors' recipe: sleep msBeforeNext plus up to 500 (OneFile) ms of jitter, then try again.
            await sleep(rejection.msBeforeNext + Math.random() * (500 / config.speed), undefined, { signal });
            continue;
          }
          const sentAt = performance.now();
          const status = await send(signal);
          if (status === 200) return { waitMs: sentAt - started };
          if (status === 429) rateLimited += 1;
          else errors += 1;
        }
      },
    };
  };
}

/** (c) PICSWeb's way: no limiter; after a 429 this process pauses a whole (OneFile) minute. */
export async function pauseFactory(config: WorkerConfig): Promise<CallerFactory> {
  const send = await rawApi(config);
  let pausedUntil = 0; // the whole process pauses, as PICSWeb's sync does
  return () => {
    let rateLimited = 0;
    let errors = 0;
    return {
      rateLimited: () => rateLimited,
      errors: () => errors,
      async call(signal) {
        const started = performance.now();
        for (;;) {
          const pause = pausedUntil - performance.now();
          if (pause > 0) await sleep(pause, undefined, { signal });
          const sentAt = performance.now();
          const status = await send(signal);
          if (status === 200) return { waitMs: sentAt - started };
          if (status === 429) {
            rateLimited += 1;
            pausedUntil = Math.max(pausedUntil, performance.now() + 60_000 / config.speed);
          } else errors += 1;
        }
      },
    };
  };
}

/** (d) No limiter: a 429 is simply tried again. */
export async function noneFactory(config: WorkerConfig): Promise<CallerFactory> {
  const send = await rawApi(config);
  return () => {
    let rateLimited = 0;
    let errors = 0;
    return {
      rateLimited: () => rateLimited,
      errors: () => errors,
      async call(signal) {
        const started = performance.now();
        for (;;) {
          const sentAt = performance.now();
          const status = await send(signal);
          if (status === 200) return { waitMs: sentAt - started };
          if (status === 429) rateLimited += 1;
          else errors += 1;
          // Yield between attempts so a storm of 429s cannot starve this process's IPC.
          await new Promise((resolve) => setImmediate(resolve));
        }
      },
    };
  };
}
