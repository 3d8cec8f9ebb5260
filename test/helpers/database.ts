import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDb, type Database } from '../../src/db/connect.js';
import { TEST_PG_ADMIN_URL, databaseUrl } from './env.js';

export interface TestDatabase {
  name: string;
  url: string;
  db: Database;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh database cloned from the migrated template (PICS dev schema + worker schema). */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const template = process.env.TEST_TEMPLATE_DATABASE;
  if (!template) throw new Error('TEST_TEMPLATE_DATABASE is not set: run tests through jest (global setup)');
  const name = `pics_worker_t${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`create database "${name}"${options.empty ? '' : ` template "${template}"`}`));
  const url = databaseUrl(name);
  const db = createDb({ url, poolSize: 4 });
  return {
    name,
    url,
    db,
    async drop() {
      await db.destroy();
      await admin((c) => c.query(`drop database if exists "${name}" with (force)`));
    },
  };
}
