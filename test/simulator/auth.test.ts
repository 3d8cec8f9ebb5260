import { describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSimulator } from '../../src/simulator/index.js';
import { useSimulator } from '../helpers/simulator.js';
import { DEMO_CUSTOMER_TOKEN, admin, authenticate, call, client, http } from './support.js';

describe('authentication and sessions', () => {
  const sim = useSimulator();

  it('answers POST /Authentication with the session as plain text, which then opens GET /Customer', async () => {
    const r = await http.post(`${sim.baseUrl}/Authentication`, { headers: { 'X-CustomerToken': DEMO_CUSTOMER_TOKEN } });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/plain/);
    expect(r.body).toMatch(/^[\w-]{16,}$/);
    const customer = await call(`${sim.baseUrl}/Customer`, 'GET', undefined, { 'X-TokenID': r.body });
    expect(customer.status).toBe(200);
    expect(customer.json()).toEqual({ ID: 2070, Name: 'Northgate Training (demo)' });
  });

  it('takes an empty body, {} or a form body on POST /Authentication', async () => {
    const headers = { 'X-CustomerToken': DEMO_CUSTOMER_TOKEN };
    const empty = await http.post(`${sim.baseUrl}/Authentication`, { headers: { ...headers, 'content-type': 'application/json' } });
    const json = await http.post(`${sim.baseUrl}/Authentication`, { headers, json: {} });
    const form = await http.post(`${sim.baseUrl}/Authentication`, { headers, form: { a: '1' } });
    expect([empty.statusCode, json.statusCode, form.statusCode]).toEqual([200, 200, 200]);
  });

  it('refuses a missing or wrong customer token with 401 and a Message', async () => {
    const missing = await call(`${sim.baseUrl}/Authentication`, 'POST');
    const wrong = await call(`${sim.baseUrl}/Authentication`, 'POST', undefined, { 'X-CustomerToken': 'nope' });
    expect(missing.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(wrong.json().Message).toEqual(expect.any(String));
  });

  it('refuses a missing or unknown X-TokenID with 401', async () => {
    expect((await call(`${sim.baseUrl}/Customer`, 'GET')).status).toBe(401);
    const unknown = await call(`${sim.baseUrl}/Customer`, 'GET', undefined, { 'X-TokenID': 'not-a-session' });
    expect(unknown.status).toBe(401);
    expect(unknown.json()).toHaveProperty('Message');
  });

  it('expires a session 24 simulated hours after it was issued, not before', async () => {
    const api = await client(sim);
    await admin(sim, 'POST', '/clock', { advanceMs: 23.9 * 3600_000 });
    expect((await api.call('GET', '/Customer')).status).toBe(200);
    await admin(sim, 'POST', '/clock', { advanceMs: 0.2 * 3600_000 });
    const expired = await api.call('GET', '/Customer');
    expect(expired.status).toBe(401);
    expect(expired.json().Message).toMatch(/expired/);
    // Logging in again is the cure.
    expect((await client(sim)).token).not.toBe(api.token);
  });

  it('keeps earlier sessions valid after a new login, unless singleSession is set', async () => {
    const first = await client(sim);
    await authenticate(sim);
    expect((await first.call('GET', '/Customer')).status).toBe(200);

    const single = await startSimulator({ singleSession: true });
    try {
      const a = await client(single);
      await authenticate(single);
      expect((await a.call('GET', '/Customer')).status).toBe(401);
    } finally {
      await single.close();
    }
  });
});

describe('session lifetime under time compression', () => {
  it('scales the 24 h lifetime with the speed factor (speed 86 400: one simulated day per real second)', async () => {
    const sim = await startSimulator({ speed: 86_400 });
    try {
      const api = await client(sim);
      await sleep(500);
      expect((await api.call('GET', '/Customer')).status).toBe(200);
      await sleep(700);
      expect((await api.call('GET', '/Customer')).status).toBe(401);
    } finally {
      await sim.close();
    }
  });

  it('honours a configured session lifetime in simulated ms', async () => {
    const sim = await startSimulator({ speed: 60, sessionTtlMs: 30_000 }); // 30 simulated s = 0.5 real s
    try {
      const api = await client(sim);
      expect((await api.call('GET', '/Customer')).status).toBe(200);
      await sleep(650);
      expect((await api.call('GET', '/Customer')).status).toBe(401);
    } finally {
      await sim.close();
    }
  });
});

describe('customer tokens per environment', () => {
  it('authenticates only the token issued for the environment the simulator plays', async () => {
    const sim = await startSimulator({
      environment: 'beta', seed: { customers: [{ ID: 9001, Name: 'Split', Tokens: { live: 'live-token', beta: 'beta-token' } }] },
    });
    try {
      const beta = await call(`${sim.baseUrl}/Authentication`, 'POST', undefined, { 'X-CustomerToken': 'beta-token' });
      const live = await call(`${sim.baseUrl}/Authentication`, 'POST', undefined, { 'X-CustomerToken': 'live-token' });
      expect(beta.status).toBe(200);
      expect(live.status).toBe(401);
    } finally {
      await sim.close();
    }
  });
});
