import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server, type Socket } from 'node:net';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { watchJobLock } from '../../src/jobs/job-lock-watch.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { createTestRedis, type TestRedis } from '../helpers/redis.js';

// Issue 15 item 5: an attempt whose BullMQ lock is lost stops before its next call. Real BullMQ on real Redis;
// the hung Redis is a server that accepts the connection and never answers, as a frozen (SIGSTOPped) one does.

describe('a running job whose lock is lost is aborted', () => {
  let r: TestRedis;
  let queue: Queue;
  let hung: Server;
  let hungPort: number;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    r = createTestRedis();
    queue = new Queue('lock-watch', { connection: { url: TEST_REDIS_URL }, prefix: r.prefix });
    hung = createServer((socket) => sockets.push(socket)); // accepts, never answers
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    hungPort = (hung.address() as { port: number }).port;
  });
  afterAll(async () => {
    await queue.close();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => hung.close(resolve));
    await r.cleanup();
  });

  /** Runs one job whose processor waits for the watch to abort it, and returns the abort reason. */
  async function runUntilAborted(watchRedis: () => Redis, meddle: (job: Job, token: string) => Promise<void>): Promise<string> {
    let reason = '';
    let finished!: () => void;
    const done = new Promise<void>((resolve) => { finished = resolve; });
    const worker = new Worker('lock-watch', async (job, token) => {
      const watch = watchJobLock(watchRedis(), job, token, 1_200);
      await meddle(job, token!);
      await new Promise<void>((ok) => watch.signal.addEventListener('abort', () => ok(), { once: true }));
      watch.stop();
      reason = String(watch.signal.reason);
      finished();
    }, { connection: { url: TEST_REDIS_URL, maxRetriesPerRequest: null }, prefix: r.prefix, lockDuration: 1_200 });
    worker.on('error', () => {}); // its own lock renewal and completion fail once the lock is gone: expected here
    await queue.add('x', {});
    await done;
    await worker.close(true);
    return reason;
  }

  it('when another worker holds the lock now', async () => {
    const reason = await runUntilAborted(() => r.redis, async (job) => {
      await r.redis.set(`${job.queueQualifiedName}:${job.id}:lock`, 'another-workers-token', 'PX', 60_000);
    });
    expect(reason).toMatch(/lost its lock \(taken by another worker\)/);
  });

  it('when Redis hangs for longer than two thirds of the lock', async () => {
    const frozen = new Redis({ host: '127.0.0.1', port: hungPort, maxRetriesPerRequest: null, lazyConnect: false });
    try {
      const reason = await runUntilAborted(() => frozen, async () => {});
      expect(reason).toMatch(/not confirmed for \d+ ms, Redis unreachable or hung/);
    } finally {
      frozen.disconnect();
    }
  });
});
