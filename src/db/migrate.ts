import { Migrator, type Migration, type MigrationResultSet } from 'kysely/migration';
import type { Kysely } from 'kysely';
import { workerMigrations } from '../../migrations/worker/index.js';
import { picsDevMigrations } from '../../migrations/pics-dev/index.js';

export type MigrationSet = 'worker' | 'pics-dev';

// Migrations run before any typed schema exists, and on both sets: Kysely's own advice is Kysely<any> here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

const sets: Record<MigrationSet, { migrations: Record<string, Migration>; table: string }> = {
  worker: { migrations: workerMigrations, table: 'eportfolio_sync_migration' },
  // Kept in its own bookkeeping table so production (which never runs this set) sees no trace of it.
  'pics-dev': { migrations: picsDevMigrations, table: 'pics_dev_migration' },
};

function migratorFor(db: AnyDb, set: MigrationSet): Migrator {
  const { migrations, table } = sets[set];
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: table,
    migrationLockTableName: `${table}_lock`,
  });
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

function check(set: MigrationSet, result: MigrationResultSet): string[] {
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const cause = result.error instanceof Error ? result.error.message : String(result.error);
    throw new MigrationError(`${set} migration ${failed?.migrationName ?? ''} failed: ${cause}`.replace('  ', ' '));
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Returns the names of the migrations applied. Kysely takes a database lock, so concurrent runs are safe. */
export async function migrateToLatest(db: AnyDb, set: MigrationSet): Promise<string[]> {
  return check(set, await migratorFor(db, set).migrateToLatest());
}

/** Reverts every migration of the set (tests and development only). */
export async function migrateAllDown(db: AnyDb, set: MigrationSet): Promise<string[]> {
  const migrator = migratorFor(db, set);
  const reverted: string[] = [];
  for (;;) {
    const names = check(set, await migrator.migrateDown());
    if (names.length === 0) return reverted;
    reverted.push(...names);
  }
}
