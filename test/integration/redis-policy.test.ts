import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config/load.js';
import { startDaemon } from '../../src/daemon.js';
import { createLogger } from '../../src/logging/logger.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

/*
 * Redis's maxmemory-policy: BullMQ needs noeviction. A private redis-server with allkeys-lru (the shared test
 * Redis is never reconfigured): production refuses to start, development starts with a warning and says so on
 * /readyz, and a noeviction Redis shows "ok: noeviction" there.
 */

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startRedis(policy: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', policy], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (String(chunk).includes('Ready to accept connections')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`redis-server exited ${code}`)));
  });
  return { url: `redis://127.0.0.1:${port}`, child };
}

describe("Redis's maxmemory-policy", () => {
  let t: TestDatabase;
  let lru: { url: string; child: ChildProcess };
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', pretty: false }, new Writable({ write(chunk, _enc, done) { lines.push(...String(chunk).split('\n').filter(Boolean)); done(); } }));
  const env = (extra: Record<string, string>) => ({ HTTP_PORT: '0', DATABASE_URL: t.url, REDIS_PREFIX: 'policy-test', ...extra });

  beforeAll(async () => {
    t = await createTestDatabase();
    lru = await startRedis('allkeys-lru');
  }, 30_000);
  afterAll(async () => {
    lru?.child.kill('SIGTERM');
    await t?.drop();
  });

  it('production refuses to start on allkeys-lru', async () => {
    const config = loadConfig({ env: env({ NODE_ENV: 'production', REDIS_URL: lru.url, DASHBOARD_PASSWORD: 'a-long-enough-secret', ONEFILE_BASE_URL: 'https://onefile.example/api' }) });
    await expect(startDaemon(config, logger, { startupTasks: false })).rejects.toThrow(/maxmemory-policy is allkeys-lru.*refused in production/);
  });

  it('development starts, warns, and /readyz shows the policy as a warning (still ready)', async () => {
    const config = loadConfig({ env: env({ NODE_ENV: 'test', REDIS_URL: lru.url }) });
    const daemon = await startDaemon(config, logger, { workers: false, startupTasks: false });
    try {
      expect(lines.map((l) => JSON.parse(l) as { msg: string; maxmemoryPolicy?: string }).find((l) => /maxmemory-policy is allkeys-lru/.test(l.msg))).toMatchObject({ maxmemoryPolicy: 'allkeys-lru' });
      const response = await fetch(`${daemon.http.url}/readyz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ status: 'ready', checks: { redis: 'ok', redisMaxmemoryPolicy: 'warn: allkeys-lru (BullMQ needs noeviction)' } });
    } finally {
      await daemon.stop('test over');
    }
  });
});
