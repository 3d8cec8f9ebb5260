import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { DB } from './types.js';

// Calendar dates stay 'YYYY-MM-DD' strings: pg's default turns them into local-midnight Date objects, which
// shift by a day across BST and would corrupt DOBs and review dates on the way to OneFile.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

export type Database = Kysely<DB>;

export interface DbOptions {
  url: string;
  poolSize?: number;
  applicationName?: string;
}

export function createPool(options: DbOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    application_name: options.applicationName ?? 'pics-onefile-worker',
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection (Postgres restart) must not crash the daemon; the pool replaces it.
  pool.on('error', () => {});
  // So must one in use (a transaction, or an advisory lock held across OneFile calls): its query fails and the
  // job retries, but the 'error' it emits has no pool listener while it is checked out and would crash the process.
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

export function createDb(options: DbOptions): Database {
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool: createPool(options) }) });
}

/** Creates the database named in `url` if it does not exist (connecting to the `postgres` database). */
export async function ensureDatabase(url: string): Promise<boolean> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new Error(`database name "${name}" must be letters, digits, "_" or "-"`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount) return false;
    await client.query(`create database "${name}"`);
    return true;
  } finally {
    await client.end();
  }
}
