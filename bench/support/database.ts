import pg from 'pg';
import { createDb, type Database } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { BENCH_PG_ADMIN_URL, assertLoopback, databaseUrl } from './env.js';

export interface BenchDatabase {
  name: string;
  url: string;
  db: Database;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: BENCH_PG_ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh database `name` with both migration sets (the dev PICS schema and the worker's own schema). */
export async function createBenchDatabase(name: string): Promise<BenchDatabase> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`database name ${name}: lower-case letters, digits and _ only`);
  assertLoopback('PostgreSQL', BENCH_PG_ADMIN_URL);
  await admin((c) => c.query(`create database "${name}"`));
  const url = databaseUrl(name);
  const db = createDb({ url, poolSize: 4, applicationName: 'bench' });
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    await db.destroy().catch(() => {});
    await admin((c) => c.query(`drop database if exists "${name}" with (force)`));
  };
  try {
    await migrateToLatest(db, 'pics-dev');
    await migrateToLatest(db, 'worker');
  } catch (error) {
    await drop();
    throw error;
  }
  return { name, url, db, drop };
}

export interface PgDatabaseStats {
  xactCommit: number;
  xactRollback: number;
  tupReturned: number;
  tupFetched: number;
  tupInserted: number;
  tupUpdated: number;
  tupDeleted: number;
  blksHit: number;
  blksRead: number;
}

/**
 * pg_stat_database for one database, read from another connection (so this read is not counted in it).
 * Backends report their counters when they go idle (at most about a second late): wait before reading.
 */
export async function readDatabaseStats(name: string): Promise<PgDatabaseStats> {
  return admin(async (c) => {
    await c.query('select pg_stat_clear_snapshot()');
    const { rows } = await c.query<Record<string, string>>(
      `select xact_commit, xact_rollback, tup_returned, tup_fetched, tup_inserted, tup_updated, tup_deleted, blks_hit, blks_read
         from pg_stat_database where datname = $1`, [name]);
    const r = rows[0];
    if (!r) throw new Error(`no pg_stat_database row for ${name}`);
    return {
      xactCommit: Number(r.xact_commit), xactRollback: Number(r.xact_rollback), tupReturned: Number(r.tup_returned),
      tupFetched: Number(r.tup_fetched), tupInserted: Number(r.tup_inserted), tupUpdated: Number(r.tup_updated),
      tupDeleted: Number(r.tup_deleted), blksHit: Number(r.blks_hit), blksRead: Number(r.blks_read),
    };
  });
}

export function diffStats(after: PgDatabaseStats, before: PgDatabaseStats): PgDatabaseStats {
  const out = { ...after };
  for (const key of Object.keys(out) as (keyof PgDatabaseStats)[]) out[key] = after[key] - before[key];
  return out;
}

/** Whether pg_stat_statements is loaded (it needs shared_preload_libraries, i.e. a server restart). */
export async function hasPgStatStatements(): Promise<boolean> {
  return admin(async (c) => {
    const { rows } = await c.query<{ v: string }>('show shared_preload_libraries');
    return /pg_stat_statements/.test(rows[0]?.v ?? '');
  });
}
