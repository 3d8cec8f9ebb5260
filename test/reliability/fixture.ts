import { standaloneRedis } from '../../src/redis.js';
import { seedDemoPics } from '../../src/demo/seed-pics.js';
import { ukToday } from '../../src/domain/dates.js';
import { createProducer, type Producer } from '../../src/producer/index.js';
import type { FaultUpdate, SimulatorHandle } from '../../src/simulator/index.js';
import type { DaemonProcess } from '../helpers/daemon-process.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { createTestRedis, type TestRedis } from '../helpers/redis.js';
import { startWorkerSimulator } from '../helpers/simulator.js';
import { tearDown } from './support.js';

/** What a kill test starts from: its own PICS, Redis prefix and OneFile, the environment of the daemons it spawns, a producer. */
export interface KillFixture {
  t: TestDatabase;
  redis: TestRedis;
  sim: SimulatorHandle;
  producer: Producer;
  /** For spawnDaemon: short locks, stalled checks and back-off, so a killed process's jobs come back within seconds. */
  env: Record<string, string>;
  /** Kills the daemons still running, then closes the rest (each closer runs whatever the others do). */
  close(procs: DaemonProcess[]): Promise<void>;
}

export async function startKillFixture(options: { learners: number; faults?: FaultUpdate; env?: Record<string, string> }): Promise<KillFixture> {
  const t = await createTestDatabase();
  const redis = createTestRedis();
  let sim: SimulatorHandle | undefined;
  try {
    sim = await startWorkerSimulator(options.faults ? { faults: options.faults } : {});
    await seedDemoPics(t.db, { learners: options.learners, includeProblemLearners: false, today: ukToday() });
  } catch (error) {
    // Half a fixture is no fixture: what was started is stopped before the failure goes up.
    await tearDown([], () => sim?.close(), () => redis.cleanup(), () => t.drop());
    throw error;
  }
  const env = {
    DATABASE_URL: t.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: redis.prefix, ONEFILE_BASE_URL: sim.baseUrl,
    ONEFILE_CALLS_PER_MINUTE: '60000', ONEFILE_TIMEOUT_MS: '5000', WORKER_LOCK_DURATION_MS: '4000', WORKER_STALLED_INTERVAL_MS: '1500',
    RETRY_BACKOFF_MS: '500', SHUTDOWN_GRACE_MS: '2000', DATABASE_POOL_SIZE: '4',
    DAILY_SYNC_CRON: '0 3 29 2 *', // runs are started by the test, not by the schedule
    ...options.env,
  };
  const producer = createProducer({ redis: standaloneRedis(TEST_REDIS_URL, redis.prefix), db: t.db });
  const started = sim;
  return {
    t, redis, sim, producer, env,
    close: (procs) => tearDown(procs, () => producer.close(), () => started.close(), () => redis.cleanup(), () => t.drop()),
  };
}
