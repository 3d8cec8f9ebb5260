import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { ConfigError } from '../config/load.js';
import { POOLING_REFUSED } from '../config/schema.js';
import type { Logger } from '../logging/logger.js';

/*
 * The worker keeps session state on its Postgres connections: session advisory locks held across statements
 * (db/entity-lock.ts, the links refresh, the schedule registration) and a lock wait cancelled by its backend
 * pid. A pooler in transaction or statement mode (PgBouncer's pool_mode=transaction) moves a client to
 * another server connection between transactions and gives its old one, locks and all, to someone else:
 * two jobs would both "hold" one lock, and a cancel could hit another client's query. So the daemon checks
 * at start what it is talking to, and refuses such a pooler with the rule it breaks.
 *
 * Postgres announces its backend pid when a connection opens; a pooler announces a key of its own. When the
 * two differ, a pooler is in between, and it is refused unless postgres.pooler says session. When it does,
 * a session setting made on one connection must stay there and nowhere else: with the pooler's usual
 * last-in-first-out reuse, a transaction-mode pool hands the server connection just used to the next client
 * that asks, which then sees the setting. (A pooler set to rotate its connections could still hide; the
 * operator's postgres.pooler is the promise, this catches the usual mistake.)
 */

export interface PoolerCheck {
  /** A pooler (or another proxy that speaks the protocol) is between the worker and Postgres. */
  pooler: boolean;
}

const PROBE_SETTING = 'pics_worker.session_probe';
const OTHER_CLIENTS = 3;

function client(url: string, timeoutMs: number): pg.Client {
  const c = new pg.Client({ connectionString: url, application_name: 'pics-onefile-worker-pooler-check', connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  c.on('error', () => {});
  return c;
}

const refused = (why: string) => new ConfigError([`postgres.pooler: ${why}; ${POOLING_REFUSED}`]);

/** Throws a ConfigError naming the rule when the connection does not keep a session; connection failures propagate. */
export async function checkSessionPooling(options: { url: string; pooler: 'none' | 'session'; timeoutMs?: number }): Promise<PoolerCheck> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const a = client(options.url, timeoutMs);
  const others: pg.Client[] = [];
  try {
    await a.connect();
    const announced = (a as unknown as { processID: number | null }).processID;
    const backend = (await a.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    if (announced === backend) return { pooler: false };
    if (options.pooler === 'none') {
      throw refused('Postgres is reached through a connection pooler (the backend pid announced at connect is not the server\'s), '
        + 'but postgres.pooler is none: set DATABASE_POOLER=session if it is PgBouncer with pool_mode=session');
    }
    const token = randomUUID();
    await a.query('select set_config($1, $2, false)', [PROBE_SETTING, token]);
    for (let i = 0; i < OTHER_CLIENTS; i++) {
      const b = client(options.url, timeoutMs);
      others.push(b);
      await b.connect();
      await b.query('begin'); // holds its server connection, so the next client (or A) needs another one
      const seen = (await b.query<{ v: string | null }>('select current_setting($1, true) as v', [PROBE_SETTING])).rows[0]!.v;
      if (seen === token) throw refused('postgres.pooler is session, but a session setting made on one client connection was seen by another (pool_mode=transaction or statement?)');
    }
    const kept = (await a.query<{ v: string | null }>('select current_setting($1, true) as v', [PROBE_SETTING])).rows[0]!.v;
    if (kept !== token) throw refused('postgres.pooler is session, but a session setting did not last from one statement to the next (pool_mode=transaction or statement?)');
    return { pooler: true };
  } finally {
    await Promise.allSettled([a, ...others].map((c) => c.end()));
  }
}

/**
 * At start: refuses (ConfigError) a pooler that keeps no session; Postgres not answering is not a reason to
 * refuse (the daemon starts through an outage, as with Redis) and is logged instead.
 */
export async function assertSessionPoolingAtStart(postgres: { url: string; pooler: 'none' | 'session' }, logger: Logger): Promise<void> {
  try {
    const { pooler } = await checkSessionPooling(postgres);
    if (pooler) logger.info('Postgres is reached through a session pooler (postgres.pooler=session): session state checked and kept');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    logger.warn({ err: error }, 'could not check Postgres for a transaction pooler at start: Postgres did not answer');
  }
}
