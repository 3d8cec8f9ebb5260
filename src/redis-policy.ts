import { once } from 'node:events';
import type { Redis } from 'ioredis';
import type { Config } from './config/load.js';
import { dataNodes, type RedisClient } from './redis.js';
import { CheckFailure } from './http/check-failure.js';
import type { Logger } from './logging/logger.js';

/*
 * BullMQ needs Redis's maxmemory-policy to be noeviction: under memory pressure any other policy deletes
 * keys, and an evicted key is a lost job, lock or session. Read from INFO (CONFIG is often disabled on
 * managed Redis), on every master of a cluster (one misconfigured node loses the slots it holds). Checked at
 * start — refused in production, a warning elsewhere — and on every /readyz.
 */

export const REQUIRED_POLICY = 'noeviction';
const START_TIMEOUT_MS = 5_000;

async function nodePolicy(node: Redis): Promise<string> {
  const info = await node.info('memory');
  const policy = /^maxmemory_policy:(\S+)/m.exec(info)?.[1];
  if (!policy) throw new CheckFailure('INFO memory names no maxmemory_policy');
  return policy;
}

/** The policy in force: the first one that is not noeviction when the nodes differ (a cluster's masters). */
export async function readMaxmemoryPolicy(redis: RedisClient): Promise<string> {
  const nodes = dataNodes(redis);
  if (nodes.length === 0) throw new CheckFailure('no cluster master is known yet');
  const policies = await Promise.all(nodes.map(nodePolicy));
  return policies.find((p) => p !== REQUIRED_POLICY) ?? REQUIRED_POLICY;
}

/** The readiness check: resolves the policy when it is noeviction. */
export async function checkMaxmemoryPolicy(redis: RedisClient): Promise<string> {
  if (redis.status !== 'ready') throw new CheckFailure(`connection ${redis.status}`);
  const policy = await readMaxmemoryPolicy(redis);
  if (policy !== REQUIRED_POLICY) throw new CheckFailure(`${policy} (BullMQ needs ${REQUIRED_POLICY})`);
  return policy;
}

/**
 * At start: throws in production when the policy is not noeviction, warns elsewhere. Redis not answering in
 * time is not a reason to refuse (the daemon starts through an outage): it is logged, and /readyz tells.
 */
export async function assertMaxmemoryPolicyAtStart(redis: RedisClient, env: Config['env'], logger: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new AbortController();
  let policy: string;
  try {
    policy = await Promise.race([
      // A cluster knows its masters only once it is ready (the others queue the command until then).
      (redis.status === 'ready' ? Promise.resolve() : once(redis, 'ready', { signal: gaveUp.signal })).then(() => readMaxmemoryPolicy(redis)),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new CheckFailure(`no answer within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      }),
    ]);
  } catch (error) {
    logger.warn({ err: error }, 'could not read Redis maxmemory-policy at start: /readyz reports it once Redis answers');
    return;
  } finally {
    clearTimeout(timer);
    gaveUp.abort();
  }
  if (policy === REQUIRED_POLICY) return;
  const problem = `Redis maxmemory-policy is ${policy}, but BullMQ needs ${REQUIRED_POLICY}: an evicted key is a lost job, lock or session`;
  if (env === 'production') throw new Error(`${problem} (refused in production: set maxmemory-policy ${REQUIRED_POLICY})`);
  logger.warn({ maxmemoryPolicy: policy }, problem);
}
