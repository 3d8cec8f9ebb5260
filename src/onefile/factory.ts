import type { Logger } from 'pino';
import type { Config } from '../config/load.js';
import { redisKeyPrefix, type RedisClient } from '../redis.js';
import { createCallBudget, type CallBudget, type CallLane } from '../limiter/call-budget.js';
import type { OneFileSettings } from '../domain/settings.js';
import { oneFileBaseUrl } from './base-url.js';
import { createOneFileClient, type OneFileClient, type OneFileRequestInfo } from './client.js';
import { createSessionStore, type SessionStore } from './session.js';

/*
 * Clients for the settings of the moment (S2, S3 are read at job time and may change without a restart),
 * over ONE call budget and ONE session store per process: both live in Redis keyed by the customer key (a
 * hash of the token), so every client of every process for one customer shares one schedule and one session.
 */

export interface ClientForSettingsOptions {
  signal?: AbortSignal;
  onRequest?: (info: OneFileRequestInfo) => void;
  /** Overrides config.onefile.maxWaitMs. */
  maxWaitMs?: number;
  /** The budget lane of the job's calls: batch for daily children and cohort enrols, else interactive (the default). */
  lane?: CallLane;
  /** The job's logger, so the client's lines carry its queue, job and learner ids; default the process's. */
  logger?: Logger;
}

export type OneFileClientFactory = ((settings: Pick<OneFileSettings, 'customerToken' | 'environment'>,
  options?: ClientForSettingsOptions) => OneFileClient) & {
  /** The shared budget, for metrics (stats()) and the job layer. */
  readonly budget: CallBudget;
  readonly sessions: SessionStore;
};

export interface OneFileClientFactoryDeps {
  redis: RedisClient;
  config: Readonly<Pick<Config, 'redis' | 'onefile'>>;
  logger?: Logger;
  /** Each completed budget wait (metrics: onefile_limiter_wait_seconds). */
  onWait?: (waitMs: number, customerKey: string, lane: CallLane) => void;
}

export function createOneFileClientFactory({ redis, config, logger, onWait }: OneFileClientFactoryDeps): OneFileClientFactory {
  const { onefile } = config;
  const keyPrefix = `${redisKeyPrefix(config.redis)}:onefile:`;
  const budget = createCallBudget({
    redis,
    keyPrefix,
    callsPerMinute: onefile.callsPerMinute,
    headroom: onefile.headroom,
    burst: onefile.burst,
    maxWaitMs: onefile.maxWaitMs,
    penaltyMs: onefile.penaltyMs,
    batchHorizonSlots: onefile.batchHorizonSlots,
    ...(logger ? { logger } : {}),
    ...(onWait ? { onWait } : {}),
  });
  const sessions = createSessionStore({
    redis,
    keyPrefix,
    // A login may wait for its budget slot and then for its answer; the cross-process lock must outlast both,
    // or a second process would log in beside the first.
    lockTtlMs: onefile.maxWaitMs + onefile.timeoutMs + 5_000,
    ...(logger ? { logger } : {}),
  });

  const factory = (settings: Pick<OneFileSettings, 'customerToken' | 'environment'>, options: ClientForSettingsOptions = {}) => {
    if (!settings.customerToken) throw new Error('OneFile customer token is not set in pics.onefile_settings');
    return createOneFileClient({
      baseUrl: oneFileBaseUrl(settings.environment, onefile.baseUrlOverride),
      customerToken: settings.customerToken,
      budget,
      sessions,
      timeoutMs: onefile.timeoutMs,
      maxResponseBytes: onefile.maxResponseBytes,
      // Batch work has a bound of its own (onefile.bulkMaxWaitMs): its line is longer, behind every click.
      maxWaitMs: options.maxWaitMs ?? (options.lane === 'batch' ? onefile.bulkMaxWaitMs : onefile.maxWaitMs),
      ...(options.lane ? { lane: options.lane } : {}),
      ...(options.logger ?? logger ? { logger: options.logger ?? logger } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onRequest ? { onRequest: options.onRequest } : {}),
    });
  };
  return Object.assign(factory, { budget, sessions });
}
