import type { Command } from 'commander';
import { createDb, type Database } from '../db/connect.js';
import { probeOneFile, ProbeError } from '../eportfolio/onefile/probe.js';
import { customerKeyFromToken } from '../limiter/customer-key.js';
import { createLogger } from '../logging/logger.js';
import { createOneFileClientFactory } from '../onefile/factory.js';
import { readOneFileSettings } from '../pics/index.js';
import { createRedis } from '../redis.js';
import { latestProbeReport, type StoredProbeReport } from '../store/probe-reports.js';
import { action, assertRedisReachable, CliError, cliConfig, withJson } from './context.js';
import { fields, print, printJson, table } from './output.js';

/**
 * `probe`: the read-only contract probe (issue 22) here and now, through the workers' shared budget and
 * session, its report printed and stored; `--show` prints the latest stored one without calling OneFile.
 * Exit 1 when a contradiction stops jobs, or the probe could not log in; 0 otherwise (other contradictions
 * are in the report, for a person to read).
 */
export function registerProbe(program: Command): void {
  withJson(program.command('probe').description("read-only check of OneFile's answers against what the worker relies on; stores a compatibility report"))
    .option('--show', 'print the latest stored report for the current settings; no OneFile call')
    .action(action(async (options: { json?: boolean; show?: boolean }) => {
      const config = cliConfig();
      const db = createDb({ url: config.postgres.url, poolSize: 1 });
      try {
        const stored = options.show ? await latest(db) : await run(db, config);
        const { report } = stored;
        const loggedIn = report.checks.find((c) => c.id === 'session-body')?.verdict !== 'not-testable';
        if (report.blocking.length > 0 || !loggedIn) process.exitCode = 1;
        if (options.json) return printJson({ id: stored.id, ...report });
        print(fields([
          ['report', `#${stored.id}`], ['environment', report.environment], ['finished at', report.finishedAt],
          ['OneFile calls', `${report.callsMade} of at most ${report.maxCalls}`],
          ['complete', report.complete ? 'yes' : `no: ${[report.stoppedBecause, ...report.failures].filter(Boolean).join('; ')}`],
          ['jobs blocked by', report.blocking.length ? report.blocking.join(', ') : 'nothing'],
        ]));
        print('');
        print(table(report.checks, [
          ['check', (c) => c.id], ['verdict', (c) => c.verdict + (c.blocks ? ' (blocks jobs)' : '')], ['seen', (c) => c.seen], ['meaning', (c) => c.meaning],
        ]));
      } finally {
        await db.destroy();
      }
    }));
}

async function latest(db: Database): Promise<StoredProbeReport> {
  const settings = await readOneFileSettings(db);
  if (!settings?.customerToken) throw new CliError('no customer token is set in pics.onefile_settings: there is no report to show');
  const stored = await latestProbeReport(db, customerKeyFromToken(settings.customerToken), settings.environment);
  if (!stored) throw new CliError(`no probe has run for these settings (environment ${settings.environment}): run \`pics-worker probe\``);
  return stored;
}

async function run(db: Database, config: ReturnType<typeof cliConfig>): Promise<StoredProbeReport> {
  await assertRedisReachable(config.redis);
  const redis = createRedis(config.redis, 'producer', { lazyConnect: true });
  // Warnings (a 429, a slow budget) go to stderr; stdout stays the report.
  const logger = createLogger({ level: 'warn', pretty: false }, process.stderr);
  try {
    await redis.connect();
    const createClient = createOneFileClientFactory({ redis, config, logger });
    return await probeOneFile({ db, createClient, maxCalls: config.probe.maxCalls, logger });
  } catch (error) {
    if (error instanceof ProbeError) throw new CliError(error.message);
    throw error;
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}
