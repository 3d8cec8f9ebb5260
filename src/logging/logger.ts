import { createRequire } from 'node:module';
import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * Paths pino censors wherever they appear in a log object. The OneFile customer token and session, Smart
 * Assessor credentials, dashboard password and connection URLs never reach a log line, even when an error
 * or an options object carrying them is logged whole.
 */
export const REDACT_PATHS = [
  'customerToken', '*.customerToken', 'customer_token', '*.customer_token',
  'session', '*.session', 'sessionToken', '*.sessionToken', 'token', '*.token',
  'password', '*.password', 'clientKey', '*.clientKey', 'client_key', '*.client_key', 'apiKey', '*.apiKey',
  'headers["x-customertoken"]', 'headers["x-tokenid"]', '*.headers["x-customertoken"]', '*.headers["x-tokenid"]',
  'headers.authorization', '*.headers.authorization',
  'url', '*.url', 'redisUrl', 'databaseUrl',
];

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
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: pino.stdSerializers.err },
  };
  if (!destination && config.pretty && prettyAvailable()) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } } });
  }
  return destination ? pino(options, destination) : pino(options);
}

/** The child logger of one job: ids only, never names or emails. */
export function jobLogger(logger: Logger, job: { queue: string; jobId: string | undefined; learnerId?: number | undefined }): Logger {
  return logger.child({ queue: job.queue, jobId: job.jobId, ...(job.learnerId !== undefined ? { learnerId: job.learnerId } : {}) });
}
