import type { Logger } from './logger.js';

/**
 * A rejection nobody handled and an exception nobody caught go through the logger, so its error serializer
 * and redaction apply: Node's own report prints the whole error object (a got error's options, headers and
 * all). The daemon and the CLI both install these.
 */
export function logProcessFailures(logger: Logger): void {
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception');
    process.exit(1);
  });
}
