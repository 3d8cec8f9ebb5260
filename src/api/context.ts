import type { Config } from '../config/load.js';
import type { Database } from '../db/connect.js';
import type { Logger } from '../logging/logger.js';
import type { Producer } from '../producer/index.js';

/** What the API's routes need: the daemon's pool and queues (through the producer), its config and logger. */
export interface ApiContext {
  db: Database;
  producer: Producer;
  config: Readonly<Config>;
  logger: Logger;
}
