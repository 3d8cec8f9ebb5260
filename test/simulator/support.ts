import { setTimeout as sleep } from 'node:timers/promises';
import got, { type Response } from 'got';
import { DEMO_CUSTOMER_TOKEN } from '../../src/demo/catalogue.js';
import { beforeAll } from '@jest/globals';
import type { SimulatorHandle } from '../../src/simulator/index.js';
import { standIn } from '../helpers/stand-in.js';

/** Real HTTP, no retries and no throwing on 4xx/5xx: the tests look at every answer themselves. */
export const http = got.extend({ throwHttpErrors: false, retry: { limit: 0 }, responseType: 'text' });

export interface Answer {
  status: number;
  headers: Response['headers'];
  text: string;
  /** The body parsed as JSON (throws when it is not JSON). */
  json<T = any>(): T; // eslint-disable-line @typescript-eslint/no-explicit-any
}

function answer(r: Response<string>): Answer {
  return { status: r.statusCode, headers: r.headers, text: r.body, json: () => JSON.parse(r.body) };
}

export interface Client {
  token: string;
  call(method: 'GET' | 'POST', path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
}

export async function authenticate(sim: SimulatorHandle, customerToken = DEMO_CUSTOMER_TOKEN): Promise<string> {
  const r = await http.post(`${sim.baseUrl}/Authentication`, { headers: { 'X-CustomerToken': customerToken } });
  if (r.statusCode !== 200) throw new Error(`authentication failed: ${r.statusCode} ${r.body}`);
  return r.body;
}

export async function call(url: string, method: 'GET' | 'POST', body?: unknown, headers: Record<string, string> = {},
  timeoutMs?: number): Promise<Answer> {
  return answer(await http(url, {
    method, headers, ...(body === undefined ? {} : { json: body }),
    ...(timeoutMs === undefined ? {} : { timeout: { request: timeoutMs } }),
  }));
}

/** A client holding one session; `path` is relative to /api/v2.1. */
export async function client(sim: SimulatorHandle, customerToken?: string): Promise<Client> {
  const token = await authenticate(sim, customerToken);
  return {
    token,
    call: (method, path, body, headers = {}) => call(sim.baseUrl + path, method, body, { 'X-TokenID': token, ...headers }),
  };
}

export async function admin(sim: SimulatorHandle, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer> {
  return call(`${sim.origin}/_admin${path}`, method, body);
}

/** A client logged in to `sim` (a useSimulator) before the enclosing block's first test. */
export function useClient(sim: SimulatorHandle, customerToken?: string): Client {
  let current: Client | undefined;
  beforeAll(async () => {
    current = await client(sim, customerToken);
  });
  return standIn('the simulator client', () => current);
}

/** Sleeps until the simulated clock reads `simEpochMs`. */
export async function untilSim(sim: SimulatorHandle, simEpochMs: number): Promise<void> {
  const left = sim.clock.toRealMs(simEpochMs - sim.clock.now());
  if (left > 0) await sleep(left);
}

export { DEMO_CUSTOMER_TOKEN };
