import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import got, { HTTPError, RequestError } from 'got';
import { jobLogger } from '../../src/logging/logger.js';
import { spawnDaemon } from '../helpers/daemon-process.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { TEST_REDIS_URL } from '../helpers/env.js';

/*
 * Secrets (S2), the raw-error case: got's own errors, which carry the request's options (X-CustomerToken,
 * X-TokenID, the JSON body) as properties, and settings objects nested deeper than any fixed redact path,
 * logged through every logger in use — the daemon's (directly, and its worker 'error' listener), the daemon
 * process's unhandledRejection handler, and the CLI process's. No line holds the token or the session.
 */

const token = `tok-${randomBytes(24).toString('hex')}`;
const session = `ses-${randomBytes(24).toString('hex')}`;
const leaks = (text: string) => [text.includes(token) ? 'token' : '', text.includes(session) ? 'session' : ''].filter(Boolean);
const preload = pathToFileURL(path.resolve('test/helpers/raw-got-rejection.js')).href;
const run = promisify(execFile);

/** A got HTTPError (a 500) and a RequestError (a refused connection), both sent with the secret headers. */
async function rawGotErrors(): Promise<[HTTPError, RequestError]> {
  const server = createServer((_request, response) => {
    response.statusCode = 500;
    response.end('boom');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const send = (url: string) => got.post(url, {
    headers: { 'X-CustomerToken': token, 'X-TokenID': session }, json: { customerToken: token }, retry: { limit: 0 },
  }).then(() => { throw new Error('expected a got error'); }, (error: unknown) => error);
  try {
    const http = await send(`http://127.0.0.1:${port}/Customer`);
    const request = await send('http://127.0.0.1:1/Customer');
    expect(http).toBeInstanceOf(HTTPError);
    expect(request).toBeInstanceOf(RequestError);
    return [http as HTTPError, request as RequestError];
  } finally {
    server.close();
  }
}

describe('raw got errors and nested settings reach no log line with a secret', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ workers: true });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it("the daemon's logger and its worker 'error' listener", async () => {
    const [httpError, requestError] = await rawGotErrors();
    // The search finds what it looks for: got keeps the headers on the error.
    expect(leaks(JSON.stringify(httpError.options.headers))).toEqual(['token', 'session']);
    const { logger } = h.daemon.deps;
    const before = h.logs.length;
    h.daemon.workers[0]!.emit('error', httpError);
    h.daemon.workers[0]!.emit('error', requestError);
    logger.error({ err: httpError }, 'raw HTTPError');
    logger.error(requestError);
    logger.error({ err: new Error('wrapped', { cause: httpError }) }, 'wrapped got error');
    logger.warn({ detail: { failures: [httpError, { error: requestError }] } }, 'errors nested in data');
    logger.info({
      settings: {
        onefile: { customerToken: token, deeper: { session, headers: { 'X-TokenID': session } } },
        smartAssessor: { credentials: { clientKey: token, password: token } },
        redis: { connection: `redis://:${token}@127.0.0.1:6379` },
      },
    }, 'nested settings');
    jobLogger(logger.child({ settings: { onefile: { nested: { customer_token: token } } } }), { queue: 'q', jobId: '1' }).info('child bindings');
    const lines = h.logs.slice(before);
    expect(lines).toHaveLength(8);
    expect(lines.map((line, n) => ({ n, leaks: leaks(line) })).filter((l) => l.leaks.length)).toEqual([]);
    // What explains the failure is kept: the type, the message, got's code, the status.
    const entries = lines.map((line) => JSON.parse(line) as { msg: string; err?: Record<string, unknown>; settings?: unknown });
    expect(entries.filter((e) => e.msg === 'worker error').map((e) => e.err)).toEqual([
      expect.objectContaining({ type: 'HTTPError', statusCode: 500, code: 'ERR_NON_2XX_3XX_RESPONSE' }),
      expect.objectContaining({ type: 'RequestError', code: 'ECONNREFUSED' }),
    ]);
    expect(entries.find((e) => e.msg === 'nested settings')!.settings).toMatchObject({ onefile: { customerToken: '[redacted]', deeper: { session: '[redacted]' } } });
    for (const entry of entries) expect(JSON.stringify(entry.err ?? {})).not.toMatch(/"(options|request|response|headers|timings)"/);
  });

  it("the daemon process's unhandledRejection handler (compiled daemon)", async () => {
    const daemon = await spawnDaemon({
      DATABASE_URL: h.t.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: h.redis.prefix, ONEFILE_BASE_URL: h.sim.baseUrl,
      RAW_GOT_TOKEN: token, RAW_GOT_SESSION: session,
    }, 20_000, ['--import', preload]);
    try {
      const deadline = Date.now() + 15_000;
      while (daemon.lines.filter((l) => l.includes('unhandled rejection')).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const rejections = daemon.lines.filter((l) => l.includes('unhandled rejection')).map((l) => JSON.parse(l) as { err: { type: string } });
      expect(rejections.map((r) => r.err.type).sort()).toEqual(['HTTPError', 'RequestError']);
    } finally {
      daemon.child.kill('SIGTERM');
      await daemon.exited;
    }
    expect(daemon.lines.map((line, n) => ({ n, leaks: leaks(line) })).filter((l) => l.leaks.length)).toEqual([]);
  }, 60_000);

  it("the CLI process's unhandledRejection handler", async () => {
    const result = await run(process.execPath, ['--import', preload, path.resolve('dist/src/cli.js'), 'config', 'schema'], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', RAW_GOT_TOKEN: token, RAW_GOT_SESSION: session },
      timeout: 30_000,
    }).catch((error: { stdout: string; stderr: string; code: number }) => error);
    const lines = result.stderr.split('\n').filter(Boolean);
    expect(leaks(result.stderr)).toEqual([]);
    const rejections = lines.filter((l) => l.includes('unhandled rejection')).map((l) => JSON.parse(l) as { err: { type: string } });
    expect(rejections.map((r) => r.err.type).sort()).toEqual(['HTTPError', 'RequestError']);
  }, 60_000);
});
