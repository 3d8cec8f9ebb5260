import type { Migration } from 'kysely/migration';
import * as initial from './2026-11-23-0001-initial.js';
import * as syncState from './2026-11-23-0002-sync-state.js';
import * as syncIntegrity from './2026-12-01-0003-sync-integrity.js';
import * as firstSyncPerLearner from './2026-12-01-0004-first-sync-per-learner.js';
import * as probeReport from './2026-12-01-0005-probe-report.js';
import * as retentionIndexes from './2026-12-01-0006-retention-indexes.js';
import * as centres from './2026-12-01-0007-centres.js';
import * as classrooms from './2026-12-01-0008-classrooms.js';
import * as enrolBatches from './2026-12-02-0008-enrol-batches.js';

// A static list rather than FileMigrationProvider: the same code runs from dist/, from Jest's ESM loader and
// from the CLI without any path juggling, and a missing import is a compile error instead of a skipped file.
export const workerMigrations: Record<string, Migration> = {
  '2026-11-23-0001-initial': initial,
  '2026-11-23-0002-sync-state': syncState,
  '2026-12-01-0003-sync-integrity': syncIntegrity,
  '2026-12-01-0004-first-sync-per-learner': firstSyncPerLearner,
  '2026-12-01-0005-probe-report': probeReport,
  '2026-12-01-0006-retention-indexes': retentionIndexes,
  '2026-12-01-0007-centres': centres,
  '2026-12-01-0008-classrooms': classrooms,
  '2026-12-02-0008-enrol-batches': enrolBatches,
};
