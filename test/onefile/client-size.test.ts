import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import { jobActionFor } from '../../src/jobs/error-policy.js';
import { OneFileBadResponseError } from '../../src/onefile/errors.js';
import { useTestRedis } from '../helpers/redis.js';
import { useSimulator } from '../helpers/simulator.js';
import { freshPrefix, thrown, workerProcess, type WorkerProcess } from './support.js';

// Issue 17 item 4: a response body is read only up to onefile.maxResponseBytes. Whether OneFile announces the
// size (Content-Length) or streams it (chunked), the client stops reading and fails the call as a bad response.

const LIMIT = 256 * 1024;
const FIRST_RUN = { attemptsStarted: 1, attemptsMade: 0 };

const t = useTestRedis();
const sim = useSimulator({ rateLimit: 0 });
let proc: WorkerProcess;

afterAll(() => proc?.close());

beforeEach(() => {
  proc?.close();
  sim.reset();
  proc = workerProcess(sim, freshPrefix(t.prefix));
});

describe('an answer larger than onefile.maxResponseBytes', () => {
  it('announced by Content-Length: a bad response naming the setting, not retried', async () => {
    const client = proc.client({ maxResponseBytes: LIMIT });
    await client.customer();
    sim.setFaults({ badAnswers: [{ endpoint: 'GET /Customer', kind: 'oversized', bytes: 4 * LIMIT, times: 1 }] });
    const error = await thrown(() => client.customer());
    expect(error).toBeInstanceOf(OneFileBadResponseError);
    expect(error).toMatchObject({ endpoint: 'GET /Customer', field: 'body' });
    expect((error as Error).message).toContain('onefile.maxResponseBytes');
    expect(jobActionFor(error, FIRST_RUN).kind).toBe('fail-permanently');
  });

  it('the same padded answer within the limit is read as usual (the size alone refused it)', async () => {
    const client = proc.client({ maxResponseBytes: 8 * LIMIT });
    const before = await client.customer();
    sim.setFaults({ badAnswers: [{ endpoint: 'GET /Customer', kind: 'oversized', bytes: 4 * LIMIT, times: 1 }] });
    await expect(client.customer()).resolves.toEqual(before);
  });

  it('streamed without a length: reading stops soon after the limit, the stream is cut off', async () => {
    const stream = await endlessStream();
    try {
      const client = proc.client({ baseUrl: stream.baseUrl, maxResponseBytes: LIMIT });
      const error = await thrown(() => client.customer());
      expect(error).toBeInstanceOf(OneFileBadResponseError);
      expect(error).toMatchObject({ endpoint: 'GET /Customer', field: 'body' });
      const written = await stream.closedAfter();
      // The server would write for ever: it stopped because the client hung up, not far past the limit.
      expect(written).toBeGreaterThan(LIMIT);
      expect(written).toBeLessThan(256 * LIMIT); // kernel socket buffers hold a few MiB on loopback
    } finally {
      await stream.close();
    }
  });
});

/** A OneFile stand-in that logs in and then answers GET /Customer with a body that never ends. */
async function endlessStream(): Promise<{ baseUrl: string; closedAfter(): Promise<number>; close(): Promise<void> }> {
  let resolveClosed: (bytes: number) => void = () => {};
  const closed = new Promise<number>((resolve) => { resolveClosed = resolve; });
  const chunk = Buffer.alloc(16 * 1024, ' ');
  const server: Server = createServer((req, res) => {
    if (req.method === 'POST' && req.url?.endsWith('/Authentication')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end('"stream-session"');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"ID": 1, "Name": "');
    let written = 0;
    const pump = (): void => {
      // Write while the socket takes it; wait for 'drain' otherwise, so the count is what was really sent.
      while (!res.destroyed && res.write(chunk)) written += chunk.length;
      if (!res.destroyed) written += chunk.length;
    };
    res.on('drain', pump);
    res.on('close', () => resolveClosed(written));
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/api/v2.1`,
    closedAfter: () => closed,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
