import type { Kysely } from 'kysely';
import type { DB } from '../../db/handle.js';
import type { Logger } from '../../logging/logger.js';
import type { OneFileClient } from '../../onefile/client.js';
import type { OneFileSettings } from '../../domain/settings.js';

/** What every OneFile job step works with: the database, the job's client, the settings read at job time. */
export interface OneFileCtx {
  db: Kysely<DB>;
  client: OneFileClient;
  settings: OneFileSettings;
  logger: Logger;
  /** The job's signal: ends lock waits (and, through the client, calls) at shutdown. */
  signal?: AbortSignal | undefined;
}
