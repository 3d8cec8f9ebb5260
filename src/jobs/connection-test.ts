import type { Kysely } from 'kysely';
import type { DB } from '../db/handle.js';
import type { Logger } from '../logging/logger.js';
import { oneFileBaseUrl } from '../onefile/base-url.js';
import type { OneFileClientFactory } from '../onefile/factory.js';
import { OneFileError, OneFileRateLimitedError } from '../onefile/errors.js';
import { readOneFileSettings, recordConnectionTest } from '../pics/index.js';
import { JOB_NAME } from '../queues/job-options.js';
import { QUEUE } from '../queues/names.js';
import { parseConnectionTestJobData, type ConnectionTestJobData } from '../queues/payloads.js';
import type { JobDefinition } from './definition.js';

/*
 * The connection test behind PICSWeb's "Connection Test" status: log in with the customer token, read
 * GET /Customer, and record in pics.onefile_settings whether it worked, the OneFile API version seen and
 * when. It runs whatever S1 says: users test the connection before they switch the integration on.
 */

export interface ConnectionTestResult {
  ok: boolean;
  /** The OneFile API version of the URL answered (e.g. "v2.1"); null when nothing answered. */
  version: string | null;
  customerId: number | null;
  customerName: string | null;
  checkedAt: Date;
  /** Why it failed, secret-free (OneFile errors name the endpoint template and status only). */
  reason: string | null;
  callsMade: number;
}

export class ConnectionTestError extends Error {
  override name = 'ConnectionTestError';
}

export interface ConnectionTestContext {
  db: Kysely<DB>;
  createClient: OneFileClientFactory;
  /** config.onefile.baseUrlOverride: the URL the version is read from. */
  baseUrlOverride: string;
  logger: Logger;
  signal?: AbortSignal;
}

/** "v2.1" from ".../api/v2.1"; the URL path is the only place OneFile states its API version. */
export function apiVersionOf(baseUrl: string): string {
  const match = /\/api\/(v\d+(?:\.\d+)*)\/?$/i.exec(new URL(baseUrl).pathname);
  return match ? match[1]!.toLowerCase() : 'unknown';
}

/**
 * Only what OneFile answered (or failed to answer) is a verdict on the connection. A 429 or a busy budget is
 * a pause (the caller waits and tries again), and a local failure (Redis, a bug) says nothing about OneFile:
 * neither may record "not connected".
 */
function isVerdict(error: unknown): boolean {
  return error instanceof OneFileError && !(error instanceof OneFileRateLimitedError);
}

export async function testOneFileConnection(ctx: ConnectionTestContext): Promise<ConnectionTestResult> {
  const settings = await readOneFileSettings(ctx.db);
  if (!settings) throw new ConnectionTestError('pics.onefile_settings has no row: there is nothing to test or record');
  const checkedAt = new Date();
  const finish = async (result: Omit<ConnectionTestResult, 'checkedAt'>): Promise<ConnectionTestResult> => {
    await recordConnectionTest(ctx.db, { ok: result.ok, version: result.version, at: checkedAt });
    if (result.ok) ctx.logger.info({ version: result.version, customerId: result.customerId, callsMade: result.callsMade }, 'OneFile connection test passed');
    else ctx.logger.warn({ reason: result.reason, callsMade: result.callsMade }, 'OneFile connection test failed');
    return { ...result, checkedAt };
  };
  if (!settings.customerToken) {
    return finish({ ok: false, version: null, customerId: null, customerName: null, reason: 'no customer token is set in pics.onefile_settings', callsMade: 0 });
  }
  const baseUrl = oneFileBaseUrl(settings.environment, ctx.baseUrlOverride);
  const client = ctx.createClient(settings, { logger: ctx.logger, ...(ctx.signal ? { signal: ctx.signal } : {}) });
  try {
    const customer = await client.customer();
    return await finish({
      ok: true, version: apiVersionOf(baseUrl), customerId: customer.id, customerName: customer.name, reason: null, callsMade: client.callsMade(),
    });
  } catch (error) {
    if (!isVerdict(error)) throw error;
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return finish({ ok: false, version: null, customerId: null, customerName: null, reason, callsMade: client.callsMade() });
  }
}

/** The connection test job (refresh-qualification-links queue): short, user-triggered, OneFile only, whatever S1 says. */
export function connectionTestJob(createClient: OneFileClientFactory): JobDefinition<ConnectionTestJobData> {
  return {
    queue: QUEUE.refreshLinks,
    name: JOB_NAME.connectionTest,
    parse: parseConnectionTestJobData,
    async handle(ctx) {
      const result = await testOneFileConnection({
        db: ctx.deps.db, createClient, baseUrlOverride: ctx.deps.config.onefile.baseUrlOverride, logger: ctx.logger, signal: ctx.signal,
      });
      // Counts and outcome only: the customer's name stays out of Redis and the dashboard.
      return { ok: result.ok, version: result.version, customerId: result.customerId, callsMade: result.callsMade };
    },
  };
}
