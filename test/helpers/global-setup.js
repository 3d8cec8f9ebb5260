// Plain ESM on purpose: Jest loads globalSetup outside its ESM module loader (no .js → .ts mapping), so this
// file uses the compiled migrations in dist/. `npm test` builds first.
import { existsSync } from 'node:fs';
import pg from 'pg';

const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

function databaseUrl(name) {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

// One migrated template per Jest run (named by pid, so parallel runs never share one); each test file then
// clones it in milliseconds (graphile-worker's pattern), which isolates files completely.
export default async function globalSetup() {
  const compiled = new URL('../../dist/src/db/migrate.js', import.meta.url);
  if (!existsSync(compiled)) throw new Error('dist/ is missing: run `npm run build` (npm test does it for you)');
  const { createDb } = await import('../../dist/src/db/connect.js');
  const { migrateToLatest } = await import('../../dist/src/db/migrate.js');

  const template = `pics_worker_tmpl_${process.pid}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    // Leftovers of crashed runs: databases named after a process that no longer exists. Those of live
    // processes (another Jest run on this machine) are left alone.
    const stale = await admin.query("select datname from pg_database where datname ~ '^pics_worker_t(mpl_)?[0-9]+'");
    for (const { datname } of stale.rows) {
      const pid = Number(/^pics_worker_t(?:mpl_)?(\d+)/.exec(datname)?.[1]);
      if (pid && pid !== process.pid && isAlive(pid)) continue;
      await admin.query(`drop database if exists "${datname}" with (force)`).catch(() => {});
    }
    await admin.query(`drop database if exists "${template}"`);
    await admin.query(`create database "${template}"`);
  } finally {
    await admin.end();
  }
  const db = createDb({ url: databaseUrl(template), poolSize: 1 });
  try {
    await migrateToLatest(db, 'pics-dev');
    await migrateToLatest(db, 'worker');
  } finally {
    await db.destroy();
  }
  process.env.TEST_TEMPLATE_DATABASE = template;
}
