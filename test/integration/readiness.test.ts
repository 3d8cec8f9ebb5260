import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../src/config/load.js';
import { startDaemon } from '../../src/daemon.js';
import { createLogger } from '../../src/logging/logger.js';
import { createTestDatabase } from '../helpers/database.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { startHarness, type Harness } from '../helpers/harness.js';

// /readyz reports whether Postgres answers, not whether the jobs have left a pooled connection free: jobs hold
// theirs across OneFile calls (per-learner locks), which wait out a Redis outage.
describe('readiness while jobs hold every pooled Postgres connection', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { DATABASE_POOL_SIZE: '2' } });
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });

  it('/readyz still says postgres ok', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const holders = [0, 1].map(() => h.daemon.deps.db.connection().execute(() => held));
    // A query on the exhausted pool: it cannot be answered until the holders let go (order, not a timer).
    let pooledAnswered = false;
    const pooled = h.daemon.deps.db.selectNoFrom((eb) => eb.lit(1).as('one')).execute().then(() => { pooledAnswered = true; });
    try {
      const response = await fetch(`${h.daemon.http.url}/readyz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ checks: { postgres: 'ok', redis: 'ok' } });
      expect(pooledAnswered).toBe(false); // /readyz answered while every pooled connection was still held
    } finally {
      release();
      await Promise.all(holders);
      await pooled;
    }
    expect(pooledAnswered).toBe(true);
  });

  it('a pool smaller than the concurrent jobs is named at start', () => {
    const warning = h.logs.map((l) => JSON.parse(l)).find((l) => /fewer Postgres connections than concurrent jobs/.test(l.msg));
    // The default concurrencies: enrol 2 + enrol-batch 2 + daily sync 8 + links 1.
    expect(warning).toMatchObject({ level: 40, poolSize: 2, concurrentJobs: 13 });
  });
});

describe('what /readyz says', () => {
  it('shows Redis maxmemory-policy noeviction as ok', async () => {
    const h = await startHarness({ workers: false });
    try {
      const response = await fetch(`${h.daemon.http.url}/readyz`);
      expect(await response.json()).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok', redisMaxmemoryPolicy: 'ok: noeviction' } });
    } finally {
      await h.close();
    }
  }, 60_000);

  // Postgres's own messages name the user ('role "…" does not exist') or the host ('getaddrinfo ENOTFOUND …').
  it.each([
    ['a database user that does not exist', (url: URL) => { url.username = 'readyz_no_such_user_4711'; }, 'readyz_no_such_user_4711'],
    ['a host that does not resolve', (url: URL) => { url.hostname = 'readyz-no-such-host.invalid'; }, 'readyz-no-such-host'],
  ])('names neither user nor host for %s', async (_case, change, secret) => {
    const t = await createTestDatabase();
    const url = new URL(t.url);
    change(url);
    const config = loadConfig({ env: { NODE_ENV: 'test', DATABASE_URL: url.toString(), REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: `readyz-${process.pid}`, HTTP_PORT: '0' } });
    const daemon = await startDaemon(config, createLogger({ level: 'silent', pretty: false }), { workers: false, startupTasks: false });
    try {
      const response = await fetch(`${daemon.http.url}/readyz`);
      expect(response.status).toBe(503);
      const body = (await response.json()) as { checks: Record<string, string> };
      expect(body.checks.postgres).toMatch(/^down: /);
      expect(body.checks.redis).toBe('ok');
      const text = JSON.stringify(body);
      expect(text).not.toContain(secret);
      expect(text).not.toMatch(/127\.0\.0\.1|localhost|:5432/);
    } finally {
      await daemon.stop('test over');
      await t.drop();
    }
  }, 60_000);
});
