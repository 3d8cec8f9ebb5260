#!/usr/bin/env node
import { ConfigError, loadConfig } from './config/load.js';
import { startDaemon } from './daemon.js';
import { createLogger } from './logging/logger.js';
import { logProcessFailures } from './logging/process-handlers.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = createLogger(config.log);
  logProcessFailures(logger);

  const daemon = await startDaemon(config, logger);
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) return; // a second signal must not start a second shutdown
    signalled = true;
    // A last resort beyond the grace period, in case a close() never resolves (e.g. Redis unreachable).
    setTimeout(() => {
      logger.error('shutdown did not finish in time: exiting');
      process.exit(1);
    }, config.shutdown.graceMs + 10_000).unref();
    daemon.stop(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

main().catch((error: unknown) => {
  // A refusal found once connected (a transaction pooler) is a configuration problem too.
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(78);
  }
  process.stderr.write(`failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
