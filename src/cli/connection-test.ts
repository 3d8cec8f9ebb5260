import type { Command } from 'commander';
import { createDb } from '../db/connect.js';
import { testOneFileConnection } from '../jobs/connection-test.js';
import { cliLogger } from '../logging/logger.js';
import { createOneFileClientFactory } from '../onefile/factory.js';
import { createRedis } from '../redis.js';
import { action, assertRedisReachable, cliConfig, withJson } from './context.js';
import { fields, print, printJson } from './output.js';

/**
 * `connection-test`: runs the test here and now (not through a queue, so it works with no worker running),
 * through the same shared call budget and session as the workers, and records the result in PICS.
 * Exit 1 when OneFile cannot be reached with the stored token.
 */
export function registerConnectionTest(program: Command): void {
  withJson(program.command('connection-test').description('log in to OneFile, read the customer, record the result in pics.onefile_settings'))
    .action(action(async (options: { json?: boolean }) => {
      const config = cliConfig();
      await assertRedisReachable(config.redis);
      const db = createDb({ url: config.postgres.url, poolSize: 1 });
      const redis = createRedis(config.redis, 'producer', { lazyConnect: true });
      // Warnings (a 429, a slow budget) go to stderr; stdout stays the result.
      const logger = cliLogger();
      try {
        await redis.connect(); // a producer connection queues nothing: it must be ready before the first command
        const createClient = createOneFileClientFactory({ redis, config, logger });
        const result = await testOneFileConnection({ db, createClient, baseUrlOverride: config.onefile.baseUrlOverride, logger });
        if (!result.ok) process.exitCode = 1;
        if (options.json) return printJson(result);
        print(fields([
          ['OneFile connection', result.ok ? 'connected' : 'NOT connected'],
          ['API version', result.version],
          ['customer', result.customerId === null ? null : `${result.customerName ?? ''} (#${result.customerId})`],
          ['reason', result.reason],
          ['checked at', result.checkedAt],
          ['OneFile calls', result.callsMade],
        ]));
      } finally {
        await Promise.allSettled([db.destroy(), redis.quit().catch(() => redis.disconnect())]);
      }
    }));
}
