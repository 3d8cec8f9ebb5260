import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDb } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { spawnDaemon } from '../helpers/daemon-process.js';
import { startPrivatePostgres, type PrivatePostgres } from '../helpers/private-postgres.js';
import { TEST_REDIS_URL } from '../helpers/env.js';

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await probe();
  while (!accept(last)) {
    if (Date.now() > deadline) throw new Error(`condition not reached; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 200));
    last = await probe();
  }
  return last;
}

describe('daemon process', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t.drop();
  });

  it('answers /healthz and /readyz, then exits 0 on SIGTERM within the grace period', async () => {
    const daemon = await spawnDaemon({ DATABASE_URL: t.url, REDIS_URL: TEST_REDIS_URL, SHUTDOWN_GRACE_MS: '3000' });
    expect(await getJson(`${daemon.url}/healthz`)).toEqual({ status: 200, body: { status: 'ok' } });
    // Ready once both connections are up (a moment after start).
    const ready = await eventually(() => getJson(`${daemon.url}/readyz`), (r) => r.status === 200);
    expect(ready).toEqual({ status: 200, body: { status: 'ready', checks: { postgres: 'ok', redis: 'ok', redisMaxmemoryPolicy: 'ok: noeviction' } } });
    daemon.child.kill('SIGTERM');
    // Within the grace period by what the daemon did, not by a stopwatch: it never had to say the grace was
    // over (and cancel jobs), closed everything and exited 0.
    expect(await daemon.exited).toBe(0);
    expect(daemon.lines.some((l) => l.includes('shut down cleanly'))).toBe(true);
    expect(daemon.lines.filter((l) => l.includes('grace period over'))).toEqual([]);
  });

  it('refuses to start with bad configuration, naming the key', async () => {
    await expect(spawnDaemon({ DATABASE_URL: t.url, ONEFILE_HEADROOM: '3' }, 5_000)).rejects.toThrow(/onefile\.headroom/);
  });

  // Each secret in turn missing (or weak), the others given: the daemon exits 78 naming the key, never echoing a value.
  const SECRETS = { DATABASE_URL: 'postgres://w:db-secret-5e1@127.0.0.1:1/x', REDIS_URL: 'redis://:redis-secret-9a2@127.0.0.1:1', DASHBOARD_PASSWORD: 'dash-secret-3c7f' };
  it.each([
    ['the dashboard password', { DASHBOARD_PASSWORD: undefined }, /dashboard\.password: required in production/],
    ['a strong dashboard password', { DASHBOARD_PASSWORD: 'short' }, /dashboard\.password: must be at least 12 characters/],
    ['the database URL', { DATABASE_URL: undefined }, /postgres\.url: must be set explicitly in production/],
    ['the Redis URL', { REDIS_URL: undefined }, /redis\.url: must be set explicitly in production/],
  ])('refuses to start in production without %s', async (_what, change, message) => {
    const env = Object.fromEntries(Object.entries({ NODE_ENV: 'production', HTTP_HOST: '127.0.0.1', ...SECRETS, ...change }).filter((e): e is [string, string] => e[1] !== undefined));
    const refused = await spawnDaemon(env, 5_000).then(() => null, (error: Error) => error.message);
    expect(refused).toMatch(/exited \(78\)/);
    expect(refused).toMatch(message);
    for (const secret of ['db-secret-5e1', 'redis-secret-9a2', 'dash-secret-3c7f']) expect(refused).not.toContain(secret);
  });

  describe('with a PostgreSQL of its own', () => {
    let pg: PrivatePostgres;
    beforeAll(async () => {
      pg = await startPrivatePostgres();
      const db = createDb({ url: pg.url, poolSize: 1 });
      await migrateToLatest(db, 'worker');
      await db.destroy();
    }, 60_000);
    afterAll(async () => {
      await pg.destroy();
    });

    it('/readyz turns not-ready while Postgres is stopped and ready again after; the daemon stays up', async () => {
      const daemon = await spawnDaemon({ DATABASE_URL: pg.url, REDIS_URL: TEST_REDIS_URL, SHUTDOWN_GRACE_MS: '2000' });
      try {
        await eventually(() => getJson(`${daemon.url}/readyz`), (r) => r.status === 200);
        await pg.stop();
        const down = await eventually(() => getJson(`${daemon.url}/readyz`), (r) => r.status === 503);
        expect(down.body).toMatchObject({ status: 'not-ready', checks: { redis: 'ok' } });
        expect(String((down.body.checks as Record<string, string>).postgres)).toMatch(/^down: /);
        expect(JSON.stringify(down.body)).not.toContain('postgres://');
        expect((await getJson(`${daemon.url}/healthz`)).status).toBe(200); // liveness ignores dependencies
        await pg.start();
        await eventually(() => getJson(`${daemon.url}/readyz`), (r) => r.status === 200);
      } finally {
        daemon.child.kill('SIGTERM');
        expect(await daemon.exited).toBe(0);
      }
    }, 60_000);
  });
});
