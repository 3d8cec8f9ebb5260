import type { Kysely } from 'kysely';
import type { DB } from '../db/types.js';
import type { DirectoryEntry } from '../domain/directory.js';

// The ePortfolio's assessors and employers in the worker's schema (A1), for PICSWeb's Look Up … ID picker.
// Each refresh replaces one provider's rows: what the ePortfolio no longer lists is removed, so the picker
// never offers an id that is gone; `archived` is the ePortfolio's own flag.

export type DirectoryProvider = 'onefile' | 'smartassessor';
export type DirectoryKind = DirectoryEntry['kind'];

export interface DirectorySaveResult {
  assessors: number;
  employers: number;
  added: number;
  removed: number;
}

const CHUNK = 5_000;

export async function saveDirectory(db: Kysely<DB>, provider: DirectoryProvider, entries: DirectoryEntry[]): Promise<DirectorySaveResult> {
  // One row per id: an ePortfolio listing a record twice must not fail the upsert.
  const unique = [...new Map(entries.map((e) => [`${e.kind}|${e.externalId}`, e])).values()];
  return db.transaction().execute(async (trx) => {
    const before = new Set(
      (await trx.selectFrom('eportfolio_sync.directory_entry').select(['kind', 'external_id']).where('provider', '=', provider).execute())
        .map((r) => `${r.kind}|${r.external_id}`),
    );
    const now = new Date();
    for (let i = 0; i < unique.length; i += CHUNK) {
      await trx
        .insertInto('eportfolio_sync.directory_entry')
        .values(unique.slice(i, i + CHUNK).map((e) => ({
          provider, kind: e.kind, external_id: e.externalId, name: e.name, email: e.email, mis_id: e.misId, archived: e.archived, refreshed_at: now,
        })))
        .onConflict((oc) => oc.columns(['provider', 'kind', 'external_id']).doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'), email: eb.ref('excluded.email'), mis_id: eb.ref('excluded.mis_id'),
          archived: eb.ref('excluded.archived'), refreshed_at: now,
        })))
        .execute();
    }
    const removed = await trx
      .deleteFrom('eportfolio_sync.directory_entry')
      .where('provider', '=', provider)
      .where('refreshed_at', '<', now)
      .executeTakeFirst();
    return {
      assessors: unique.filter((e) => e.kind === 'assessor').length,
      employers: unique.filter((e) => e.kind === 'employer').length,
      added: unique.filter((e) => !before.has(`${e.kind}|${e.externalId}`)).length,
      removed: Number(removed.numDeletedRows),
    };
  });
}

export interface DirectoryRow {
  externalId: string;
  name: string;
  email: string | null;
  misId: string | null;
  archived: boolean;
  refreshedAt: Date;
}

export async function readDirectoryEntries(
  db: Kysely<DB>, provider: DirectoryProvider, kind: DirectoryKind, options: { search?: string; includeArchived?: boolean } = {},
): Promise<DirectoryRow[]> {
  const search = options.search?.trim();
  const rows = await db
    .selectFrom('eportfolio_sync.directory_entry')
    .select(['external_id', 'name', 'email', 'mis_id', 'archived', 'refreshed_at'])
    .where('provider', '=', provider)
    .where('kind', '=', kind)
    .$if(!options.includeArchived, (qb) => qb.where('archived', '=', false))
    .$if(!!search, (qb) => qb.where((eb) => eb.or([
      eb('name', 'ilike', `%${escapeLike(search!)}%`), eb('email', 'ilike', `%${escapeLike(search!)}%`), eb('external_id', '=', search!),
    ])))
    .orderBy('name')
    .orderBy('external_id')
    .execute();
  return rows.map((r) => ({ externalId: r.external_id, name: r.name, email: r.email, misId: r.mis_id, archived: r.archived, refreshedAt: r.refreshed_at }));
}

export async function findDirectoryEntry(db: Kysely<DB>, provider: DirectoryProvider, kind: DirectoryKind, externalId: string): Promise<DirectoryRow | null> {
  const r = await db
    .selectFrom('eportfolio_sync.directory_entry')
    .select(['external_id', 'name', 'email', 'mis_id', 'archived', 'refreshed_at'])
    .where('provider', '=', provider)
    .where('kind', '=', kind)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
  return r ? { externalId: r.external_id, name: r.name, email: r.email, misId: r.mis_id, archived: r.archived, refreshedAt: r.refreshed_at } : null;
}

export async function lastDirectoryRefresh(db: Kysely<DB>, provider: DirectoryProvider): Promise<Date | null> {
  const r = await db.selectFrom('eportfolio_sync.directory_entry').select((eb) => eb.fn.max('refreshed_at').as('at')).where('provider', '=', provider).executeTakeFirst();
  return r?.at ? new Date(r.at as unknown as string) : null;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
