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
  const keyOf = (e: { kind: string; externalId: string; organisationId?: number }) => `${e.organisationId ?? 0}|${e.kind}|${e.externalId}`;
  const unique = [...new Map(entries.map((e) => [keyOf(e), e])).values()];
  return db.transaction().execute(async (trx) => {
    const before = new Set(
      (await trx.selectFrom('eportfolio_sync.directory_entry').select(['kind', 'external_id', 'organisation_id']).where('provider', '=', provider).execute())
        .map((r) => keyOf({ kind: r.kind, externalId: r.external_id, organisationId: r.organisation_id })),
    );
    const now = new Date();
    for (let i = 0; i < unique.length; i += CHUNK) {
      await trx
        .insertInto('eportfolio_sync.directory_entry')
        .values(unique.slice(i, i + CHUNK).map((e) => ({
          provider, organisation_id: e.organisationId ?? 0, kind: e.kind, external_id: e.externalId, name: e.name, email: e.email, mis_id: e.misId,
          archived: e.archived, refreshed_at: now,
        })))
        .onConflict((oc) => oc.columns(['provider', 'organisation_id', 'kind', 'external_id']).doUpdateSet((eb) => ({
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
      added: unique.filter((e) => !before.has(keyOf(e))).length,
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
  /** The centre the record is in (multi-centre mode); null where there is one. */
  organisationId: number | null;
  refreshedAt: Date;
}

const COLUMNS = ['external_id', 'name', 'email', 'mis_id', 'archived', 'organisation_id', 'refreshed_at'] as const;

function toRow(r: { external_id: string; name: string; email: string | null; mis_id: string | null; archived: boolean; organisation_id: number; refreshed_at: Date }): DirectoryRow {
  return {
    externalId: r.external_id, name: r.name, email: r.email, misId: r.mis_id, archived: r.archived,
    organisationId: r.organisation_id === 0 ? null : r.organisation_id, refreshedAt: r.refreshed_at,
  };
}

export async function readDirectoryEntries(
  db: Kysely<DB>, provider: DirectoryProvider, kind: DirectoryKind, options: { search?: string; includeArchived?: boolean; organisationId?: number } = {},
): Promise<DirectoryRow[]> {
  const search = options.search?.trim();
  const rows = await db
    .selectFrom('eportfolio_sync.directory_entry')
    .select(COLUMNS)
    .where('provider', '=', provider)
    .where('kind', '=', kind)
    .$if(options.organisationId !== undefined, (qb) => qb.where('organisation_id', '=', options.organisationId!))
    .$if(!options.includeArchived, (qb) => qb.where('archived', '=', false))
    .$if(!!search, (qb) => qb.where((eb) => eb.or([
      eb('name', 'ilike', `%${escapeLike(search!)}%`), eb('email', 'ilike', `%${escapeLike(search!)}%`), eb('external_id', '=', search!),
    ])))
    .orderBy('organisation_id')
    .orderBy('name')
    .orderBy('external_id')
    .execute();
  return rows.map(toRow);
}

/** One entry by its id; OneFile ids are unique across a customer's centres, so the id alone names it. */
export async function findDirectoryEntry(db: Kysely<DB>, provider: DirectoryProvider, kind: DirectoryKind, externalId: string): Promise<DirectoryRow | null> {
  const r = await db
    .selectFrom('eportfolio_sync.directory_entry')
    .select(COLUMNS)
    .where('provider', '=', provider)
    .where('kind', '=', kind)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
  return r ? toRow(r) : null;
}

/** E4 at the preview, multi-centre: the centre's assessors holding each MIS value, archived ones too. */
export async function directoryAssessorsByMis(db: Kysely<DB>, organisationId: number, misKeys: string[]): Promise<Map<string, { id: number; archived: boolean }[]>> {
  const map = new Map<string, { id: number; archived: boolean }[]>();
  if (misKeys.length === 0) return map;
  const rows = await db.selectFrom('eportfolio_sync.directory_entry').select(['external_id', 'mis_id', 'archived'])
    .where('provider', '=', 'onefile').where('kind', '=', 'assessor').where('organisation_id', '=', organisationId)
    .where((eb) => eb(eb.fn('lower', [eb.fn('btrim', ['mis_id'])]), 'in', misKeys))
    .orderBy('external_id').execute();
  for (const r of rows) {
    const key = r.mis_id!.trim().toLowerCase();
    map.set(key, [...(map.get(key) ?? []), { id: Number(r.external_id), archived: r.archived }]);
  }
  return map;
}

export async function lastDirectoryRefresh(db: Kysely<DB>, provider: DirectoryProvider): Promise<Date | null> {
  const r = await db.selectFrom('eportfolio_sync.directory_entry').select((eb) => eb.fn.max('refreshed_at').as('at')).where('provider', '=', provider).executeTakeFirst();
  return r?.at ? new Date(r.at as unknown as string) : null;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** D6, multi-centre: the MIS value the directory lists for each of these assessors of the centre (absent = not listed). */
export async function directoryMisValues(db: Kysely<DB>, organisationId: number, oneFileIds: number[]): Promise<Map<number, string | null>> {
  if (oneFileIds.length === 0) return new Map();
  const rows = await db.selectFrom('eportfolio_sync.directory_entry').select(['external_id', 'mis_id'])
    .where('provider', '=', 'onefile').where('kind', '=', 'assessor').where('organisation_id', '=', organisationId)
    .where('external_id', 'in', oneFileIds.map(String)).execute();
  return new Map(rows.map((r) => [Number(r.external_id), r.mis_id]));
}
