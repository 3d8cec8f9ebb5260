import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { ConfigError } from '../../src/config/load.js';
import { POOLING_REFUSED } from '../../src/config/schema.js';
import { checkSessionPooling } from '../../src/db/pooler.js';
import { spawnDaemon } from '../helpers/daemon-process.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { startPgBouncer, type PgBouncer } from '../helpers/pgbouncer.js';
import { createTestRedis, type TestRedis } from '../helpers/redis.js';

/*
 * PgBouncer (issue 20): a real one of the test's own in front of the test Postgres, once in pool_mode=session
 * and once in pool_mode=transaction. What transaction pooling breaks, shown on the wire; the start-up check
 * that refuses it (and any pooler postgres.pooler does not declare), naming the rule; a session pooler declared
 * as such accepted; and the daemon itself refusing to start behind a transaction pooler, exit 78.
 */

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  return client;
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).problems.join('\n');
}

describe('the worker behind PgBouncer', () => {
  let t: TestDatabase;
  let redis: TestRedis;
  let session: PgBouncer;
  let transaction: PgBouncer;

  beforeAll(async () => {
    [t, session, transaction] = await Promise.all([createTestDatabase({ empty: true }), startPgBouncer('session'), startPgBouncer('transaction')]);
    redis = createTestRedis();
  }, 30_000);

  afterAll(async () => {
    for (const close of [() => session?.stop(), () => transaction?.stop(), () => redis?.cleanup(), () => t?.drop()]) {
      await Promise.resolve().then(close).catch(() => {});
    }
  });

  it('transaction pooling hands one client\'s session advisory lock to the next: both "hold" it', async () => {
    const url = transaction.urlFor(t.url);
    const [a, b] = [await connect(url), await connect(url)];
    try {
      const take = async (c: pg.Client) => (await c.query<{ ok: boolean }>('select pg_try_advisory_lock(20, 20) as ok')).rows[0]!.ok;
      expect(await take(a)).toBe(true);
      expect(await take(b)).toBe(true); // directly (or in session mode) this is false: the lock is a's
      // And a's backend is not a's: the server connection it just used goes to the next client that asks (b),
      // so a pid a reads names another client's backend a moment later — the pid a lock wait would cancel.
      const pid = async (c: pg.Client) => (await c.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
      const first = await pid(a);
      await b.query('begin');
      expect(await pid(b)).toBe(first);
      expect(await pid(a)).not.toBe(first);
      await b.query('rollback');
    } finally {
      await Promise.allSettled([a.end(), b.end()]);
    }
    // The same two clients through the session pooler: the second is refused the lock, as on a direct connection.
    const [c, d] = [await connect(session.urlFor(t.url)), await connect(session.urlFor(t.url))];
    try {
      expect((await c.query<{ ok: boolean }>('select pg_try_advisory_lock(20, 21) as ok')).rows[0]!.ok).toBe(true);
      expect((await d.query<{ ok: boolean }>('select pg_try_advisory_lock(20, 21) as ok')).rows[0]!.ok).toBe(false);
    } finally {
      await Promise.allSettled([c.end(), d.end()]);
    }
  });

  it('a direct connection passes, whatever postgres.pooler says', async () => {
    await expect(checkSessionPooling({ url: t.url, pooler: 'none' })).resolves.toEqual({ pooler: false });
    await expect(checkSessionPooling({ url: t.url, pooler: 'session' })).resolves.toEqual({ pooler: false });
  });

  it('a session pooler passes when declared, and is refused when not', async () => {
    await expect(checkSessionPooling({ url: session.urlFor(t.url), pooler: 'session' })).resolves.toEqual({ pooler: true });
    const why = await refusal(checkSessionPooling({ url: session.urlFor(t.url), pooler: 'none' }));
    expect(why).toMatch(/^postgres\.pooler: Postgres is reached through a connection pooler .* set DATABASE_POOLER=session if it is PgBouncer with pool_mode=session/);
    expect(why).toContain(POOLING_REFUSED);
  });

  it('a transaction pooler is refused, even declared as a session one, naming the rule', async () => {
    const undeclared = await refusal(checkSessionPooling({ url: transaction.urlFor(t.url), pooler: 'none' }));
    expect(undeclared).toMatch(/reached through a connection pooler/);
    const declared = await refusal(checkSessionPooling({ url: transaction.urlFor(t.url), pooler: 'session' }));
    expect(declared).toMatch(/^postgres\.pooler: postgres\.pooler is session, but a session setting (made on one client connection was seen by another|did not last)/);
    expect(declared).toContain('session-level advisory locks');
  });

  it('the daemon refuses to start behind a transaction pooler: exit 78, the rule on stderr', async () => {
    const env = { DATABASE_URL: transaction.urlFor(t.url), DATABASE_POOLER: 'session', REDIS_URL: redis.env.REDIS_URL!, REDIS_PREFIX: redis.prefix };
    const error = await spawnDaemon(env, 15_000).then(async (daemon) => {
      daemon.child.kill('SIGKILL'); // it must not have started: stop it, and fail below
      await daemon.exited;
      return new Error('the daemon started');
    }, (e: unknown) => e as Error);
    expect(error?.message).toMatch(/daemon exited \(78\) before starting/);
    expect(error?.message).toMatch(/postgres\.pooler: postgres\.pooler is session, but a session setting/);
    expect(error?.message).toContain('transaction and statement pooling are refused');
  });
});
