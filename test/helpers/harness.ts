import { Writable } from 'node:stream';
import type { Job, Queue } from 'bullmq';
import { loadConfig, type Config } from '../../src/config/load.js';
import { startDaemon, type Daemon } from '../../src/daemon.js';
import { seedDemoPics, type SeedOptions } from '../../src/demo/seed-pics.js';
import { useSmartAssessorInDemo } from '../../src/demo/smartassessor.js';
import { createLogger } from '../../src/logging/logger.js';
import { createProducer, type Producer } from '../../src/producer/index.js';
import type { SimulatorHandle, SimulatorOptions } from '../../src/simulator/index.js';
import { startWorkerSimulator } from './simulator.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { QUEUE } from '../../src/queues/names.js';
import { createHarnessRedis, type TestRedis } from './redis.js';

/**
 * The whole worker in one test: its own database (demo PICS data), its own Redis prefix, a OneFile simulator
 * on a random port, the daemon's workers in-process, and PICSWeb's producer API. Everything real. Redis is
 * the shared server, or a Redis Cluster of the file's own with TEST_REDIS_TOPOLOGY=cluster (helpers/redis.ts).
 */
export interface Harness {
  t: TestDatabase;
  redis: TestRedis;
  sim: SimulatorHandle;
  config: Readonly<Config>;
  daemon: Daemon;
  producer: Producer;
  /** Every log line the worker wrote (JSON), for secret checks. */
  logs: string[];
  waitForJob(queue: Queue, jobId: string, timeoutMs?: number): Promise<Job>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  simulator?: SimulatorOptions;
  env?: Record<string, string>;
  seed?: SeedOptions | false;
  workers?: boolean;
  /** Run the demo provider on Smart Assessor (the simulator's SOAP endpoint) instead of OneFile. Default false. */
  smartAssessor?: boolean;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const t = await createTestDatabase();
  const redis = await createHarnessRedis();
  const sim = await startWorkerSimulator({ rateLimit: 6_000, ...options.simulator });
  if (options.seed !== false) await seedDemoPics(t.db, { today: new Date().toISOString().slice(0, 10), ...options.seed });
  if (options.smartAssessor) await useSmartAssessorInDemo(t.db, sim.smartAssessor.url);
  const config = loadConfig({
    env: {
      NODE_ENV: 'test', DATABASE_URL: t.url, ...redis.env, ONEFILE_BASE_URL: sim.baseUrl,
      ONEFILE_CALLS_PER_MINUTE: '6000', ONEFILE_TIMEOUT_MS: '5000', HTTP_PORT: '0', LOG_LEVEL: 'info', ...options.env,
    },
  });
  const logs: string[] = [];
  const sink = new Writable({ write(chunk, _enc, done) { logs.push(...String(chunk).split('\n').filter(Boolean)); done(); } });
  const logger = createLogger({ level: 'info', pretty: false }, sink);
  const daemon = await startDaemon(config, logger, { workers: options.workers ?? true, startupTasks: false });
  const producer = createProducer({ redis: redis.target, db: t.db });

  return {
    t, redis, sim, config, daemon, producer, logs,
    async waitForJob(queue, jobId, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const job = await queue.getJob(jobId);
        const state = job ? await job.getState() : 'missing';
        // Re-read after the state: the job object fetched before it finished has no result or reason yet.
        if (job && (state === 'completed' || state === 'failed')) return (await queue.getJob(jobId))!;
        if (Date.now() > deadline) throw new Error(`job ${jobId} still ${state} after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      await producer.close();
      await daemon.stop('test over');
      await sim.close();
      await redis.cleanup();
      await t.drop();
    },
  };
}

/**
 * A harness whose qualification links are refreshed and whose learner `ident` the worker has enrolled (the
 * Business Administrator qualification on OneFile pathway 41301): where most sync tests start.
 */
export async function startEnrolledHarness(options: HarnessOptions = {}, ident = 'L0001'): Promise<{ h: Harness; learnerId: number }> {
  const h = await startHarness(options);
  const links = await h.producer.enqueueRefreshLinks('cli');
  await h.waitForJob(h.producer.queues[QUEUE.refreshLinks], links.jobId);
  const learnerId = await h.producer.resolveLearnerIdent(ident);
  const { jobId } = await h.producer.enqueueEnrol(learnerId, { pathways: { 3: 41301 } });
  const enrol = await h.waitForJob(h.producer.queues[QUEUE.enrol], jobId);
  if ((await enrol.getState()) !== 'completed') throw new Error(`the enrol of ${ident} did not complete: ${enrol.failedReason}`);
  return { h, learnerId };
}
