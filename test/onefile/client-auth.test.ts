import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import { OneFileAuthError } from '../../src/onefile/errors.js';
import { startSimulator } from '../../src/simulator/index.js';
import { useTestRedis } from '../helpers/redis.js';
import { useSimulator } from '../helpers/simulator.js';
import {
  DEMO_CUSTOMER_TOKEN, callsTo, capturingLogger, freshPrefix, logins, thrown, workerProcess, type WorkerProcess,
} from './support.js';

// Sessions over real HTTP: shared through Redis, renewed once on a 401 however many calls fail at once.

const t = useTestRedis();
const sim = useSimulator({ rateLimit: 0 });
const procs: WorkerProcess[] = [];

afterAll(() => {
  for (const p of procs) p.close();
});

beforeEach(() => {
  sim.reset();
});

function proc(prefix: string, options: Parameters<typeof workerProcess>[2] = {}): WorkerProcess {
  const p = workerProcess(sim, prefix, options);
  procs.push(p);
  return p;
}

describe('OneFile client sessions', () => {
  it('a 401 (expired session) drops the session, logs in once more and the call succeeds', async () => {
    const client = proc(freshPrefix(t.prefix)).client();
    await client.customer();
    sim.setFaults({ expireSessions: true });
    expect(await client.customer()).toMatchObject({ id: 2070 });
    expect(logins(sim)).toBe(2);
    expect(callsTo(sim, 'GET /Customer')).toEqual({ 200: 2, 401: 1 });
    expect(client.callsMade()).toBe(5); // login, call, 401, re-login, call
  });

  it('50 concurrent calls in two processes after a forced expiry cause exactly one re-login', async () => {
    const prefix = freshPrefix(t.prefix);
    const [a, b] = [proc(prefix).client(), proc(prefix).client()];
    await a.customer();
    await b.customer(); // shares a's session through Redis
    expect(logins(sim)).toBe(1);
    sim.setFaults({ expireSessions: true });

    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).customer()));
    expect(answers.every((c) => c.id === 2070)).toBe(true);
    expect(logins(sim)).toBe(2);
    expect(callsTo(sim, 'POST /Authentication')).toEqual({ 200: 2 });
    const customer = callsTo(sim, 'GET /Customer');
    expect(customer['200']).toBe(52);
    // Each call was refused at most once: the ones sent before the re-login, at least the one that caused it.
    expect(customer['401']).toBeGreaterThanOrEqual(1);
    expect(customer['401']).toBeLessThanOrEqual(50);
  });

  it('a second 401 in a row is an authentication error, after one re-login only', async () => {
    const expiring = await startSimulator({ rateLimit: 0, sessionTtlMs: 1 }); // every session is dead on arrival
    try {
      const p = workerProcess(expiring, freshPrefix(t.prefix));
      procs.push(p);
      const error = await thrown(() => p.client().customer());
      expect(error).toBeInstanceOf(OneFileAuthError);
      expect(error).toMatchObject({ endpoint: 'GET /Customer', status: 401 });
      expect(expiring.stats().byEndpoint['POST /Authentication']).toEqual({ 200: 2 });
      expect(expiring.stats().byEndpoint['GET /Customer']).toEqual({ 401: 2 });
    } finally {
      await expiring.close();
    }
  });

  it('a refused customer token fails at POST /Authentication, without a retry and without showing the token', async () => {
    const secret = 'not-a-valid-token-0c1d2e';
    const { logger, text } = capturingLogger();
    const client = proc(freshPrefix(t.prefix), { token: secret, logger }).client();
    const error = await thrown(() => client.customer());
    expect(error).toBeInstanceOf(OneFileAuthError);
    expect(error).toMatchObject({ endpoint: 'POST /Authentication', status: 401 });
    expect(callsTo(sim, 'POST /Authentication')).toEqual({ 401: 1 });
    expect(callsTo(sim, 'GET /Customer')).toEqual({});
    const shown = `${(error as Error).message} ${JSON.stringify(error)} ${String((error as Error).stack)} ${text()}`;
    expect(shown).not.toContain(secret);
  });

  it('never puts the token or the session in a log line or an error', async () => {
    const { logger, text } = capturingLogger();
    const p = proc(freshPrefix(t.prefix), { logger });
    const client = p.client();
    await client.customer();
    const first = (await p.redis.hget(`${p.keyPrefix}session:${client.customerKey}`, 'session'))!;
    expect(first).toMatch(/\S{8,}/);
    sim.setFaults({ expireSessions: true });
    await client.customer();
    const renewed = (await p.redis.hget(`${p.keyPrefix}session:${client.customerKey}`, 'session'))!;
    const error = await thrown(() => client.getUser(123));
    const log = text();
    expect(log).toContain('GET /Customer'); // debug lines were written …
    // Both sessions, the expired one and its renewal, as OneFile handed them out (the simulator's own record).
    expect(sim.sessionsIssued().slice(-2)).toEqual([first, renewed]);
    expect(renewed).not.toBe(first);
    for (const secret of [DEMO_CUSTOMER_TOKEN, first, renewed]) {
      expect(log).not.toContain(secret); // … without the credentials
      expect(`${(error as Error).message} ${JSON.stringify(error)}`).not.toContain(secret);
    }
  });
});
