import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { migrateAllDown, migrateToLatest } from '../../src/db/migrate.js';
import * as initial from '../../migrations/worker/2026-11-23-0001-initial.js';
import * as syncState from '../../migrations/worker/2026-11-23-0002-sync-state.js';
import * as firstSyncPerLearner from '../../migrations/worker/2026-12-01-0004-first-sync-per-learner.js';
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
    expect(await migrateToLatest(t.db, 'worker')).toEqual(['2026-11-23-0001-initial', '2026-11-23-0002-sync-state', '2026-12-01-0003-sync-integrity', '2026-12-01-0004-first-sync-per-learner', '2026-12-01-0005-probe-report', '2026-12-01-0006-retention-indexes', '2026-12-01-0007-centres', '2026-12-01-0008-classrooms', '2026-12-02-0008-enrol-batches']);
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
    expect(await migrateAllDown(t.db, 'worker')).toEqual(['2026-12-02-0008-enrol-batches', '2026-12-01-0008-classrooms', '2026-12-01-0007-centres', '2026-12-01-0006-retention-indexes', '2026-12-01-0005-probe-report', '2026-12-01-0004-first-sync-per-learner', '2026-12-01-0003-sync-integrity', '2026-11-23-0002-sync-state', '2026-11-23-0001-initial']);
    expect(await schemas(t)).toEqual([]);
    await migrateToLatest(t.db, 'worker');
    await migrateToLatest(t.db, 'pics-dev');
    expect(await schemas(t)).toEqual(['eportfolio_sync', 'pics']);
  });

  it('0004 carries the first syncs (D11) the integration-wide flag had done over to the learners who did them', async () => {
    const old = await createTestDatabase({ empty: true });
    try {
      await initial.up(old.db);
      await syncState.up(old.db);
      // Run 1 was the first sync: learner 1 completed it, learner 2 failed. Run 2 was not: learner 3 never did it.
      // Learner 4 was enrolled in OneFile by us, learner 5 in Smart Assessor (a GUID), learner 6's enrol failed.
      await sql`
        insert into eportfolio_sync.integration_state values ('onefile', now(), now());
        insert into eportfolio_sync.sync_run (id, kind, status, first_sync) values (1, 'daily', 'completed', true), (2, 'daily', 'completed', false);
        insert into eportfolio_sync.sync_learner (run_id, learner_id, status, finished_at) values
          (1, 1, 'completed', '2026-11-01T02:00:00Z'), (1, 2, 'failed', '2026-11-01T02:00:00Z'),
          (2, 1, 'completed', '2026-11-02T02:00:00Z'), (2, 2, 'completed', '2026-11-02T02:00:00Z'), (2, 3, 'completed', '2026-11-02T02:00:00Z');
        insert into eportfolio_sync.enrol (learner_id, status, external_learner_id, finished_at) values
          (4, 'completed', '1300001', '2026-10-20T09:00:00Z'), (5, 'completed', '0b6f3c1e-6a55-4d8e-9a39-1f2b3c4d5e6f', '2026-10-20T09:00:00Z'),
          (6, 'failed', null, '2026-10-20T09:00:00Z');
        insert into eportfolio_sync.learner_state (learner_id, pushed_placement_id) values (1, 77);
      `.execute(old.db);
      await firstSyncPerLearner.up(old.db);
      const done = await sql<{ learner_id: number; first_sync_completed_at: Date | null; pushed_placement_id: number | null }>`
        select learner_id, first_sync_completed_at, pushed_placement_id from eportfolio_sync.learner_state order by learner_id`.execute(old.db);
      expect(done.rows).toEqual([
        { learner_id: 1, first_sync_completed_at: new Date('2026-11-01T02:00:00Z'), pushed_placement_id: 77 },
        { learner_id: 4, first_sync_completed_at: new Date('2026-10-20T09:00:00Z'), pushed_placement_id: null },
      ]);
      const table = await sql`select 1 from information_schema.tables where table_schema = 'eportfolio_sync' and table_name = 'integration_state'`.execute(old.db);
      expect(table.rows).toEqual([]);
    } finally {
      await old.drop();
    }
  });

  it('the generated Kysely types match the migrated database (kysely-codegen --verify)', async () => {
    const { stdout, stderr } = await run('node_modules/.bin/kysely-codegen', ['--verify', '--url', t.url], { cwd: process.cwd() });
    expect(`${stdout}${stderr}`).toMatch(/up-to-date|up to date/i);
  }, 30_000);
});
