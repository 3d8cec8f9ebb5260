import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { startDaemon } from '../../src/daemon.js';
import { createLogger } from '../../src/logging/logger.js';
import type { Harness } from '../helpers/harness.js';
import { KEY_A, KEY_B, startApiHarness, type ApiClient } from './support.js';

/*
 * Issue 16 auth: API keys from config, several at once (rotation), compared in constant time, sent as a
 * Bearer token; refusals logged without the key and rate-limited per address; only the document is open.
 */

const MAX_FAILED = 4;
const WRONG_KEY = 'wrong-key-5d1e9c0b7a5d1e9c0b7a5d1e9c0b7a';

describe('HTTP API auth', () => {
  let h: Harness;
  let api: ApiClient;
  let failures = 0; // refused requests so far: the rate limit counts them per address
  beforeAll(async () => {
    ({ h, api } = await startApiHarness({ env: { API_MAX_FAILED_AUTH: String(MAX_FAILED), API_FAILED_AUTH_WINDOW_MS: '600000' }, workers: false }));
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('refuses a request with no key, a wrong key, or a key not sent as a Bearer token: 401 problem+json', async () => {
    for (const headers of [{} as Record<string, string>, { authorization: `Bearer ${WRONG_KEY}` }, { authorization: `Basic ${Buffer.from(`x:${KEY_A}`).toString('base64')}` }, { authorization: KEY_A }]) {
      const res = await api.request('GET', '/api/v1/status', { key: null, headers });
      failures += 1;
      expect(res.status).toBe(401);
      expect(res.contentType).toBe('application/problem+json');
      expect(res.json).toMatchObject({ status: 401, code: 'unauthorized' });
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  it('accepts either configured key (two keys during a rotation)', async () => {
    for (const key of [KEY_A, KEY_B]) expect((await api.request('GET', '/api/v1/status', { key })).status).toBe(200);
  });

  it('logs each refusal with the address and the reason, never the key sent', () => {
    const refusals = h.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'API request refused: no valid API key');
    expect(refusals.map((r) => r.reason)).toEqual(expect.arrayContaining(['no key', 'wrong key', 'not a bearer token']));
    expect(refusals[0]).toMatchObject({ ip: expect.any(String), route: '/api/v1/status' });
    for (const line of h.logs) {
      expect(line).not.toContain(WRONG_KEY);
      expect(line).not.toContain(KEY_A);
      expect(line).not.toContain(KEY_B);
    }
  });

  it('leaves the document, health and readiness open, and nothing else', async () => {
    expect((await api.request('GET', '/api/v1/openapi.json', { key: null })).status).toBe(200);
    for (const path of ['/healthz', '/readyz']) expect((await fetch(`${api.url}${path}`)).status).toBe(200);
    const doc = api.document as { paths: Record<string, Record<string, { security?: unknown[] }>>; security: unknown[] };
    expect(doc.security).toEqual([{ apiKey: [] }]);
    const open = Object.entries(doc.paths).flatMap(([p, ops]) => Object.entries(ops).filter(([, op]) => Array.isArray(op.security) && op.security.length === 0).map(([m]) => `${m} ${p}`));
    expect(open).toEqual(['get /api/v1/openapi.json']);
  });

  it('rate-limits refused requests per address (429 problem) while a valid key still gets through', async () => {
    while (failures < MAX_FAILED) {
      expect((await api.request('GET', '/api/v1/status', { key: WRONG_KEY })).status).toBe(401);
      failures += 1;
    }
    const limited = await api.request('GET', '/api/v1/status', { key: WRONG_KEY });
    expect(limited.status).toBe(429);
    expect(limited.json).toMatchObject({ code: 'too-many-failed-attempts' });
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await api.request('GET', '/api/v1/status')).status).toBe(200);
    expect(api.violations).toEqual([]);
  });

  it('is off, with a log line saying so, when api.keys is empty', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', pretty: false }, new Writable({ write(chunk, _e, done) { lines.push(String(chunk)); done(); } }));
    const config = loadConfig({ env: { NODE_ENV: 'test', DATABASE_URL: h.t.url, REDIS_PREFIX: h.redis.prefix, HTTP_PORT: '0', API_KEYS: '' } });
    const daemon = await startDaemon(config, logger, { workers: false, startupTasks: false });
    try {
      expect((await fetch(`${daemon.http.url}/api/v1/status`, { headers: { authorization: `Bearer ${KEY_A}` } })).status).toBe(404);
      expect(lines.join('')).toContain('HTTP API disabled (api.keys / API_KEYS is empty)');
    } finally {
      await daemon.stop('test over');
    }
  });

  it('refuses a key shorter than 32 characters at start, naming the setting and never the key', () => {
    const shortKey = 'short-secret-key-1';
    let error: unknown;
    try {
      loadConfig({ env: { NODE_ENV: 'test', API_KEYS: `${KEY_A},${shortKey}` } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/api\.keys: key 2 is 18 characters; every API key must be at least 32/);
    expect((error as Error).message).not.toContain(shortKey);
    expect((error as Error).message).not.toContain(KEY_A);
  });
});
