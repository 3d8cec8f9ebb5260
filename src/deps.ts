import { sql } from 'kysely';
import type { Config } from './config/load.js';
import { createDb, type Database } from './db/connect.js';
import { CheckFailure } from './http/check-failure.js';
import type { Logger } from './logging/logger.js';
import type { JobMetrics } from './metrics/job-metrics.js';
import { createRedis, type RedisClient } from './redis.js';
import { closeQueues, createQueues, type Queues } from './queues/queues.js';

/** Everything a job or a server needs, built in one place (Temporal's createActivities(deps) pattern). */
export interface Deps {
  config: Readonly<Config>;
  logger: Logger;
  db: Database;
  /** Commands (budget, session, producers); fails fast while Redis is down. */
  redis: RedisClient;
  /** Producer handles on every queue (the daily parent adds its children through these). */
  queues: Queues;
  /** Job outcome and duration metrics; absent in tools that run no /metrics (CLI, producer). */
  metrics?: JobMetrics;
  close(): Promise<void>;
}

export function createDeps(config: Readonly<Config>, logger: Logger): Deps {
  const db = createDb({ url: config.postgres.url, poolSize: config.postgres.poolSize });
  const redis = createRedis(config.redis, 'worker');
  const queues = createQueues(config.redis);
  return {
    config,
    logger,
    db,
    redis,
    queues,
    async close() {
      await closeQueues(queues);
      await Promise.allSettled([db.destroy(), redis.quit().catch(() => redis.disconnect())]);
    },
  };
}

export async function checkPostgres(db: Database): Promise<void> {
  await sql`select 1`.execute(db);
}

export async function checkRedis(redis: RedisClient): Promise<void> {
  if (redis.status !== 'ready') throw new CheckFailure(`connection ${redis.status}`);
  const answer = await redis.ping();
  if (answer !== 'PONG') throw new CheckFailure('unexpected PING answer');
}
