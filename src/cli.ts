#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, describeConfig, loadConfig, schemaDocumentation, type Config } from './config/load.js';
import { createDb, ensureDatabase } from './db/connect.js';
import { migrateToLatest } from './db/migrate.js';
import { seedDemoPics } from './demo/seed-pics.js';
import { generateLearners } from './demo/pics-generator.js';
import { seedCatalogue, resetDemoData } from './demo/seed-pics.js';
import { registerConnectionTest } from './cli/connection-test.js';
import { registerDirectory } from './cli/directory.js';
import { registerEnqueue } from './cli/enqueue.js';
import { registerEnrolBatch } from './cli/enrol-batch.js';
import { registerPreview } from './cli/preview.js';
import { registerProbe } from './cli/probe.js';
import { registerPrune } from './cli/prune.js';
import { registerReports } from './cli/report.js';
import { registerRetry } from './cli/retry.js';
import { registerStatus } from './cli/status.js';
import { cliLogger } from './logging/logger.js';
import { logProcessFailures } from './logging/process-handlers.js';

// One CLI for operators and developers. Each command loads and validates config itself, so `config` works even
// when the rest of the configuration is broken.

logProcessFailures(cliLogger());

function config(): Readonly<Config> {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
}

const positiveInt = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return n;
};

function refuseInProduction(c: Readonly<Config>, what: string): void {
  if (c.env === 'production') {
    process.stderr.write(`${what} writes demo data into pics.*: refused in production\n`);
    process.exit(2);
  }
}

const program = new Command('pics-worker').description('PICS ⇄ OneFile sync worker').showHelpAfterError();

program
  .command('migrate')
  .description("create or upgrade the worker's own schema (eportfolio_sync)")
  .option('--with-pics-dev', 'also create the dev-only PICS schema (development, tests, demo; never production)')
  .option('--create-database', 'create the database first if it does not exist')
  .action(async (options: { withPicsDev?: boolean; createDatabase?: boolean }) => {
    const c = config();
    if (options.withPicsDev) refuseInProduction(c, 'migrate --with-pics-dev');
    if (options.createDatabase && (await ensureDatabase(c.postgres.url))) process.stdout.write('created the database\n');
    const db = createDb({ url: c.postgres.url, poolSize: 1 });
    try {
      const applied = [
        ...(options.withPicsDev ? await migrateToLatest(db, 'pics-dev') : []),
        ...(await migrateToLatest(db, 'worker')),
      ];
      process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'schema already up to date\n');
    } finally {
      await db.destroy();
    }
  });

program
  .command('seed-demo')
  .description('reset pics.* and fill it with the demo training provider (development only)')
  .option('--learners <n>', 'number of learners', positiveInt, 60)
  .option('--multi-centre', 'settings in multi-centre mode (run the simulator with --seed demo-multi-centre)', false)
  .action(async (options: { learners: number; multiCentre: boolean }) => {
    const c = config();
    refuseInProduction(c, 'seed-demo');
    const db = createDb({ url: c.postgres.url, poolSize: 2 });
    try {
      const result = await seedDemoPics(db, { learners: options.learners, multiCentre: options.multiCentre });
      process.stdout.write(
        `seeded ${result.learnerIds.length} learners; learners a PICS user must fix before enrol: ${result.problemLearnerIdents.join(', ') || 'none'}\n`,
      );
    } finally {
      await db.destroy();
    }
  });

program
  .command('generate-learners')
  .description('reset pics.* and generate N learners for benchmarks (development only)')
  .argument('<count>', 'number of learners', positiveInt)
  .action(async (count: number) => {
    const c = config();
    refuseInProduction(c, 'generate-learners');
    const db = createDb({ url: c.postgres.url, poolSize: 2 });
    try {
      const started = Date.now();
      await resetDemoData(db);
      const ids = await seedCatalogue(db);
      const result = await generateLearners(db, ids, { count, today: new Date().toISOString().slice(0, 10) });
      process.stdout.write(`generated ${result.learnerIds.length} learners in ${Date.now() - started} ms\n`);
    } finally {
      await db.destroy();
    }
  });

// Operator commands (src/cli/*): each validates config, opens what it needs, closes it, and exits non-zero on failure.
registerEnqueue(program);
registerEnrolBatch(program);
registerPreview(program);
registerStatus(program);
registerReports(program);
registerRetry(program);
registerConnectionTest(program);
registerDirectory(program);
registerProbe(program);
registerPrune(program);

const configCommand = program.command('config').description('show the configuration');
configCommand
  .command('print')
  .description('print the effective configuration, secrets masked')
  .action(() => {
    config(); // validate first: a broken configuration is reported, not printed
    process.stdout.write(`${describeConfig()}\n`);
  });
configCommand
  .command('schema')
  .description('print the documented configuration schema')
  .action(() => {
    process.stdout.write(`${schemaDocumentation()}\n`);
  });

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
