import { createRequire } from 'node:module';
import { pino, type Logger, type LoggerOptions } from 'pino';
import { censor, serializeError } from './redact.js';

export type { Logger };

export interface LoggerConfig {
  level: string;
  pretty: boolean;
}

function prettyAvailable(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false; // production images carry no dev dependencies: fall back to JSON.
  }
}

export function createLogger(config: LoggerConfig, destination?: NodeJS.WritableStream): Logger {
  const options: LoggerOptions = {
    level: config.level,
    base: { service: 'pics-onefile-worker' },
    // Every log object and every child's bindings, at any depth: secret keys censored, errors reduced
    // (redact.ts). formatters.log runs before the serializers, so no raw error reaches pino's own walk.
    formatters: {
      log: (object) => censor(object) as Record<string, unknown>,
      bindings: (bindings) => censor(bindings) as Record<string, unknown>,
    },
    serializers: { err: (value: unknown) => (value instanceof Error ? serializeError(value) : value) },
  };
  if (!destination && config.pretty && prettyAvailable()) {
    return censoringChildren(pino({ ...options, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } } }));
  }
  return censoringChildren(destination ? pino(options, destination) : pino(options));
}

/**
 * pino applies formatters.bindings to the root's bindings only (a child resets it), so every child's
 * bindings are censored here; children inherit this child() through their prototype, so grandchildren too.
 */
function censoringChildren(root: Logger): Logger {
  const child = (Object.getPrototypeOf(root) as Logger).child;
  root.child = function (this: Logger, bindings, childOptions) {
    return child.call(this, censor(bindings) as typeof bindings, childOptions);
  } as Logger['child'];
  return root;
}

/** The child logger of one job: ids only, never names or emails. */
export function jobLogger(logger: Logger, job: { queue: string; jobId: string | undefined; learnerId?: number | undefined }): Logger {
  return logger.child({ queue: job.queue, jobId: job.jobId, ...(job.learnerId !== undefined ? { learnerId: job.learnerId } : {}) });
}

/** The CLI's logger: JSON on stderr (stdout carries the command's answer), warnings and worse. */
export function cliLogger(): Logger {
  return createLogger({ level: 'warn', pretty: false }, process.stderr);
}
