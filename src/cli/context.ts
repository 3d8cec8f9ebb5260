import type { Command } from 'commander';
import { ConfigError, loadConfig, type Config } from '../config/load.js';
import { createDb, type Database } from '../db/connect.js';
import { createRedis, type RedisTarget } from '../redis.js';
import { createProducer, ProducerError, type Producer } from '../producer/index.js';

/*
 * What every operator command needs: validated config (exit 78 with every bad key named), connections
 * opened for the command and always closed after it, and one mapping from failures to exit codes.
 */

/** A failure the operator can act on: printed as is, with its exit code (no stack trace). */
export class CliError extends Error {
  override name = 'CliError';
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

export const EXIT_CONFIG = 78; // EX_CONFIG, as the daemon uses

export function cliConfig(): Readonly<Config> {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, EXIT_CONFIG);
    throw error;
  }
}

export interface CliContext {
  config: Readonly<Config>;
  db: Database;
  producer: Producer;
}

const REDIS_TIMEOUT_MS = 3_000;

/**
 * BullMQ waits for its connection before every command, so with Redis down a command would hang for ever:
 * check first, with a deadline, and say what is wrong.
 */
export async function assertRedisReachable(target: RedisTarget): Promise<void> {
  const redis = createRedis(target, 'producer', { lazyConnect: true, noRetry: true });
  let cause: unknown; // the socket error (ECONNREFUSED …) says more than connect()'s "Connection is closed"
  redis.once('error', (error) => {
    cause = error;
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect().then(() => redis.ping()),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${REDIS_TIMEOUT_MS} ms`)), REDIS_TIMEOUT_MS);
      }),
    ]);
  } catch (error) {
    throw new CliError(`Redis (${target.topology === 'standalone' ? 'redis.url' : `redis.topology ${target.topology}`}) is unreachable: ${describeFailure(cause ?? error)}`);
  } finally {
    clearTimeout(timer);
    redis.disconnect();
  }
}

/** Opens Postgres and the queues for one command and closes them whatever happens. */
export async function withContext<T>(fn: (ctx: CliContext) => Promise<T>): Promise<T> {
  const config = cliConfig();
  await assertRedisReachable(config.redis);
  const db = createDb({ url: config.postgres.url, poolSize: 2 });
  const producer = createProducer({ redis: config.redis, db });
  try {
    return await fn({ config, db, producer });
  } finally {
    await producer.close();
    await db.destroy();
  }
}

/** Only the reason: connection strings can carry passwords, so URLs are masked. */
export function describeFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, '[url]');
}

/** Wraps an action: its failures become a message on stderr and a non-zero exit code. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void>) {
  return async (...args: A): Promise<void> => {
    try {
      await fn(...args);
    } catch (error) {
      const exitCode = error instanceof CliError ? error.exitCode : 1;
      const prefix = error instanceof CliError || error instanceof ProducerError ? '' : 'error: ';
      process.stderr.write(`${prefix}${describeFailure(error)}\n`);
      process.exitCode = exitCode;
    }
  };
}

/** Adds --json to a command (scripts read that; people read the tables). */
export function withJson(command: Command): Command {
  return command.option('--json', 'print JSON instead of tables');
}

