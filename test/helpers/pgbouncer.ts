import { execFile, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { TEST_PG_ADMIN_URL } from './env.js';
import { freePort } from './private-postgres.js';

/*
 * A PgBouncer of the test's own (Debian's pgbouncer package; scripts/lib.sh ensure_pgbouncer installs it) on a
 * free loopback port in front of the shared test Postgres, in the pool mode the test asks for. It switches to
 * the postgres user (-u: PgBouncer refuses to run as root), is killed in the test's afterAll, when this process exits, and by a
 * watchdog within a second of this process dying without its exit handlers.
 */

const run = promisify(execFile);

export interface PgBouncer {
  port: number;
  /** `url` with its host and port replaced by the bouncer's. */
  urlFor(url: string): string;
  stop(): Promise<void>;
}

export async function startPgBouncer(poolMode: 'session' | 'transaction'): Promise<PgBouncer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pgbouncer-'));
  const upstream = new URL(TEST_PG_ADMIN_URL);
  const port = await freePort();
  writeFileSync(path.join(dir, 'userlist.txt'), `"${decodeURIComponent(upstream.username || 'postgres')}" ""\n`);
  writeFileSync(path.join(dir, 'pgbouncer.ini'), [
    '[databases]', `* = host=${upstream.hostname} port=${upstream.port || 5432}`,
    '[pgbouncer]', 'listen_addr = 127.0.0.1', `listen_port = ${port}`, 'unix_socket_dir =', 'auth_type = trust',
    `auth_file = ${path.join(dir, 'userlist.txt')}`, `pool_mode = ${poolMode}`, 'default_pool_size = 5', 'max_client_conn = 100',
    `logfile = ${path.join(dir, 'pgbouncer.log')}`, 'ignore_startup_parameters = extra_float_digits',
  ].join('\n'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    chownSync(dir, uid, gid);
  }
  const ini = path.join(dir, 'pgbouncer.ini');
  const child = spawn('pgbouncer', [...(asRoot ? ['-u', 'postgres'] : []), ini], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  spawn('sh', ['-c', `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${child.pid} 2>/dev/null; do sleep 1; done; kill -9 ${child.pid} 2>/dev/null`], {
    stdio: 'ignore', detached: true,
  }).unref();
  const urlFor = (url: string) => {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(port);
    return u.toString();
  };
  const stop = async () => {
    process.removeListener('exit', kill);
    kill();
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    const probe = new pg.Client({ connectionString: urlFor(TEST_PG_ADMIN_URL), connectionTimeoutMillis: 1_000 });
    probe.on('error', () => {});
    try {
      await probe.connect();
      await probe.query('select 1');
      await probe.end();
      break;
    } catch (error) {
      await probe.end().catch(() => {});
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`pgbouncer did not start on ${port}`, { cause: error });
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { port, urlFor, stop };
}
