import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import { DEMO_CUSTOMER_TOKEN } from '../../src/demo/catalogue.js';
import { createCallBudget, type CallBudget, type CallBudgetOptions } from '../../src/limiter/call-budget.js';
import { createOneFileClient, type OneFileClient, type OneFileClientOptions } from '../../src/onefile/client.js';
import { createSessionStore, type SessionStore } from '../../src/onefile/session.js';
import type { SimulatorHandle } from '../../src/simulator/index.js';
import { TEST_REDIS_URL } from '../helpers/env.js';

// Real Redis and a real simulator over HTTP. A "process" here is what one worker process owns: its own
// Redis connection, call budget and session store; two of them share nothing but Redis and the simulator.

export { DEMO_CUSTOMER_TOKEN };
export const ORG = 5740;
export const ASSESSOR = 122762;
export const CLASSROOM = 15379;
export const PLACEMENT = 18928;
export const STANDARD = 55774;

export interface WorkerProcess {
  keyPrefix: string;
  redis: Redis;
  budget: CallBudget;
  sessions: SessionStore;
  client(options?: Partial<OneFileClientOptions>): OneFileClient;
  close(): void;
}

/** A fresh key prefix (under the file's own) so each test starts with no budget schedule and no session. */
export function freshPrefix(filePrefix: string): string {
  return `${filePrefix}:${randomBytes(3).toString('hex')}:`;
}

export function workerProcess(
  sim: SimulatorHandle,
  keyPrefix: string,
  options: { budget?: Partial<CallBudgetOptions>; token?: string; logger?: Logger } = {},
): WorkerProcess {
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  // Generous by default: tests about pacing set the rate they mean.
  const budget = createCallBudget({ redis, keyPrefix, callsPerMinute: 600_000, headroom: 1, ...options.budget });
  const sessions = createSessionStore({ redis, keyPrefix, pollMs: 10 });
  return {
    keyPrefix,
    redis,
    budget,
    sessions,
    client: (overrides = {}) =>
      createOneFileClient({
        baseUrl: sim.baseUrl,
        customerToken: options.token ?? DEMO_CUSTOMER_TOKEN,
        budget,
        sessions,
        timeoutMs: 5_000,
        ...(options.logger ? { logger: options.logger } : {}),
        ...overrides,
      }),
    close: () => redis.disconnect(),
  };
}

/** Successful logins the simulator saw. */
export function logins(sim: SimulatorHandle): number {
  return sim.stats().byEndpoint['POST /Authentication']?.['200'] ?? 0;
}

/** Calls to one endpoint template, by status (e.g. `{"200": 3, "204": 1}`). */
export function callsTo(sim: SimulatorHandle, endpoint: string): Record<string, number> {
  return sim.stats().byEndpoint[endpoint] ?? {};
}

export function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/** A debug-level logger whose every line is kept, to check what never reaches a log. */
export function capturingLogger(): { logger: Logger; text(): string } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), text: () => lines.join('') };
}

/** Runs `fn` and returns what it threw (fails the test when it does not throw). */
export async function thrown(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure, but the call succeeded');
}
