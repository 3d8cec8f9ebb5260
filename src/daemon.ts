import { Worker } from 'bullmq';
import { apiPlugin } from './api/plugin.js';
import type { Config } from './config/load.js';
import { createDb } from './db/connect.js';
import { assertSessionPoolingAtStart } from './db/pooler.js';
import { checkPostgres, checkRedis, createDeps, type Deps } from './deps.js';
import { smartAssessorEPortfolioFactory } from './eportfolio/smartassessor/index.js';
import { dashboardPlugin } from './http/dashboard.js';
import { startHttpServer, type HttpServer } from './http/server.js';
import { exponentialJitterBackoff } from './jobs/error-policy.js';
import { EXPONENTIAL_JITTER_BACKOFF } from './queues/job-options.js';
import { startClickReserve } from './jobs/click-reserve.js';
import { jobDefinitions, queueWorkers } from './jobs/registry.js';
import { QUEUE } from './queues/names.js';
import type { Logger } from './logging/logger.js';
import { withRequestMetrics } from './metrics/client-factory.js';
import { createMetrics, type WorkerMetrics } from './metrics/metrics.js';
import { metricsRoute } from './metrics/route.js';
import type { OneFileClientFactory } from './onefile/factory.js';
import { createOneFileClientFactory } from './onefile/factory.js';
import { assertMaxmemoryPolicyAtStart, checkMaxmemoryPolicy } from './redis-policy.js';
import { describeRedisTarget, redisKeyPrefix } from './redis.js';
import { readOneFileSettings } from './pics/settings.js';
import { createProducer } from './producer/index.js';
import { startupTasks } from './startup.js';
import { lastCompletedDailyRunAt } from './store/runs.js';

export interface Daemon {
  deps: Deps;
  http: HttpServer;
  workers: Worker[];
  createClient: OneFileClientFactory;
  metrics: WorkerMetrics;
  /** Bounded graceful shutdown; resolves once every connection is closed. */
  stop(reason: string): Promise<void>;
}

export interface DaemonOptions {
  /** Start the BullMQ workers (default true); the producer-only tools leave them off. */
  workers?: boolean;
  /** Run the start-up tasks (schedule, stale links refresh); default true. */
  startupTasks?: boolean;
}

const sleep = (ms: number) => new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms).unref());

export async function startDaemon(config: Readonly<Config>, logger: Logger, options: DaemonOptions = {}): Promise<Daemon> {
  // Before anything takes a lock: a transaction pooler would hand one job's session locks to another.
  await assertSessionPoolingAtStart(config.postgres, logger);
  const base = createDeps(config, logger);
  try {
    await assertMaxmemoryPolicyAtStart(base.redis, config.env, logger);
  } catch (error) {
    await base.close();
    throw error;
  }
  const metrics = createMetrics({ queues: Object.values(base.queues), logger });
  const deps: Deps = { ...base, metrics };
  // Every client the jobs make reports its requests, and the shared budget its waits, to /metrics.
  const clients = createOneFileClientFactory({ redis: deps.redis, config, logger, onWait: (ms, _customer, lane) => metrics.limiterWait(ms, lane) });
  metrics.watchBudget(() => clients.budget.stats());
  const createClient = withRequestMetrics(clients, metrics);
  const dashboard = dashboardPlugin({ queues: Object.values(deps.queues), config: config.dashboard, logger });
  const backoff = exponentialJitterBackoff({ baseMs: config.workers.retryBackoffMs });
  const definitions = options.workers === false ? [] : queueWorkers(jobDefinitions(createClient, { smartAssessor: smartAssessorEPortfolioFactory() }));
  const concurrentJobs = definitions.reduce((sum, d) => sum + d.concurrency(deps), 0);
  if (concurrentJobs > config.postgres.poolSize) {
    // Not fatal: a job holding a connection needs no second one, so the others only queue for theirs.
    logger.warn({ poolSize: config.postgres.poolSize, concurrentJobs }, 'fewer Postgres connections than concurrent jobs: some jobs will wait for a connection; raise DATABASE_POOL_SIZE');
  }
  const startWorker = (definition: (typeof definitions)[number], processor: ReturnType<(typeof definitions)[number]['createProcessor']>, concurrency: number) => {
    const worker = new Worker(definition.queue, processor, {
      // BullMQ duplicates this client for the worker's own connections (one blocking), same topology.
      connection: deps.redis,
      prefix: redisKeyPrefix(config.redis),
      concurrency,
      // A killed process's jobs come back after its locks expire, found by the next stalled-job check.
      lockDuration: config.workers.lockDurationMs,
      stalledInterval: config.workers.stalledIntervalMs,
      // The runner enforces workers.maxStalledCount itself, so such a failure is recorded like any other.
      maxStalledCount: Number.MAX_SAFE_INTEGER,
      settings: {
        backoffStrategy: (attemptsMade, type) => (type === EXPONENTIAL_JITTER_BACKOFF ? backoff(attemptsMade) : config.workers.retryBackoffMs),
      },
      autorun: true,
    });
    worker.on('error', (error) => logger.error({ err: error, queue: definition.queue }, 'worker error'));
    return worker;
  };
  const processors = new Map(definitions.map((d) => [d.queue, d.createProcessor(deps)]));
  const workers = definitions.map((definition) => startWorker(definition, processors.get(definition.queue)!, definition.concurrency(deps)));
  // Refresh with OneFile shares its queue with the daily children: a slot is made for it when it waits (jobs/click-reserve.ts).
  const daily = definitions.find((d) => d.queue === QUEUE.dailySync);
  const reserves = daily && config.workers.clickPollMs > 0
    ? [startClickReserve({
      queue: deps.queues[QUEUE.dailySync], pollMs: config.workers.clickPollMs, logger,
      createWorker: () => startWorker(daily, processors.get(QUEUE.dailySync)!, 1),
    })]
    : [];

  // Its own connection: busy jobs may hold every pooled one (a per-learner lock lasts across OneFile calls,
  // which wait while Redis is down), and Postgres must not be reported down for that.
  const readinessDb = createDb({ url: config.postgres.url, poolSize: 1, applicationName: 'pics-onefile-worker-readyz' });
  metrics.watchDependencies([
    { name: 'postgres', check: () => checkPostgres(readinessDb) },
    { name: 'redis', check: () => checkRedis(deps.redis) },
  ]);
  metrics.watchOpsState(async () => {
    const [lastDailyRunCompletedAt, settings] = await Promise.all([lastCompletedDailyRunAt(readinessDb), readOneFileSettings(readinessDb)]);
    return { lastDailyRunCompletedAt, connectionOk: settings?.connectionOk ?? null, connectionCheckedAt: settings?.connectionCheckedAt ?? null };
  });
  // PICSWeb's HTTP API: the producer over the daemon's own pool and queue handles (no connections of its own).
  const producer = createProducer({ redis: config.redis, db: deps.db, queues: deps.queues });
  const api = apiPlugin({ context: { db: deps.db, producer }, config, logger });
  const http = await startHttpServer({
    host: config.http.host,
    port: config.http.port,
    logger,
    readiness: [
      { name: 'postgres', check: () => checkPostgres(readinessDb) },
      { name: 'redis', check: () => checkRedis(deps.redis) },
      // Not ready in production when it is not noeviction; a warning elsewhere (as at start).
      { name: 'redisMaxmemoryPolicy', check: () => checkMaxmemoryPolicy(deps.redis), advisory: config.env !== 'production' },
    ],
    liveness: () => {
      const stopped = workers.filter((w) => !w.isRunning() && !w.closing);
      return stopped.length ? `${stopped.length} worker(s) stopped running` : null;
    },
    plugins: [metricsRoute(metrics.registry), ...(dashboard ? [dashboard] : []), ...(api ? [api] : [])],
  });
  logger.info({ http: http.url, queues: definitions.map((d) => d.queue), redis: describeRedisTarget(config.redis) }, 'daemon started');
  if (options.startupTasks !== false) {
    // Not awaited: a dependency being down at start must not stop the daemon from starting and reporting it.
    void startupTasks(deps).catch((error: unknown) => logger.error({ err: error }, 'start-up tasks failed'));
  }

  let stopping: Promise<void> | undefined;
  const stop = (reason: string) => {
    stopping ??= (async () => {
      logger.info({ reason, graceMs: config.shutdown.graceMs }, 'shutting down: no new jobs');
      http.markShuttingDown();
      const closing = Promise.all([...workers.map((w) => w.close()), ...reserves.map((r) => r.stop())]);
      if ((await Promise.race([closing, sleep(config.shutdown.graceMs)])) === 'timeout') {
        logger.warn('grace period over: cancelling running jobs');
        for (const worker of workers) worker.cancelAllJobs('shutdown');
        for (const reserve of reserves) reserve.cancel('shutdown');
        // close(true) does not wait for jobs; bounded again because close() can hang while Redis is down.
        await Promise.race([Promise.all(workers.map((w) => w.close(true))), sleep(2_000)]);
      }
      await http.close();
      await Promise.allSettled([deps.close(), readinessDb.destroy()]);
      logger.info('shut down cleanly');
    })();
    return stopping;
  };
  return { deps, http, workers, createClient, metrics, stop };
}
