import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { migrateAllDown, migrateToLatest } from '../../src/db/migrate.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

const run = promisify(execFile);

async function schemas(t: TestDatabase): Promise<string[]> {
  const rows = await sql<{ nspname: string }>`select nspname from pg_namespace where nspname in ('pics', 'eportfolio_sync') order by 1`.execute(t.db);
  return rows.rows.map((r) => r.nspname);
}

describe('migrations', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ empty: true });
  });
  afterAll(async () => {
    await t.drop();
  });

  it('the worker set creates only its own schema, never a PICS table', async () => {
    expect(await migrateToLatest(t.db, 'worker')).toEqual(['2026-11-23-0001-initial', '2026-11-23-0002-sync-state', '2026-12-01-0003-sync-integrity']);
    expect(await schemas(t)).toEqual(['eportfolio_sync']);
    expect(await migrateToLatest(t.db, 'worker')).toEqual([]); // idempotent
  });

  it('the dev-only PICS set is separate and reversible', async () => {
    expect(await migrateToLatest(t.db, 'pics-dev')).toEqual(['0001-pics-schema']);
    expect(await schemas(t)).toEqual(['eportfolio_sync', 'pics']);
    expect(await migrateAllDown(t.db, 'pics-dev')).toEqual(['0001-pics-schema']);
    expect(await schemas(t)).toEqual(['eportfolio_sync']);
  });

  it('runs down and up again', async () => {
    expect(await migrateAllDown(t.db, 'worker')).toEqual(['2026-12-01-0003-sync-integrity', '2026-11-23-0002-sync-state', '2026-11-23-0001-initial']);
    expect(await schemas(t)).toEqual([]);
    await migrateToLatest(t.db, 'worker');
    await migrateToLatest(t.db, 'pics-dev');
    expect(await schemas(t)).toEqual(['eportfolio_sync', 'pics']);
  });

  it('the generated Kysely types match the migrated database (kysely-codegen --verify)', async () => {
    const { stdout, stderr } = await run('node_modules/.bin/kysely-codegen', ['--verify', '--url', t.url], { cwd: process.cwd() });
    expect(`${stdout}${stderr}`).toMatch(/up-to-date|up to date/i);
  }, 30_000);
});
