import type { Kysely } from 'kysely';
import type { DB } from '../db/types.js';

// E6's classrooms as found or created, per organisation and name (issue 21): an enrol reads the id here instead of
// searching OneFile's classrooms every time. The key is the name as E6 compares it (trimmed, case-insensitive).

export const classroomKey = (name: string): string => name.trim().toLowerCase();

export async function readKnownClassroom(db: Kysely<DB>, organisationId: number, name: string): Promise<number | null> {
  const row = await db.selectFrom('eportfolio_sync.classroom').select('onefile_id')
    .where('organisation_id', '=', organisationId).where('name_key', '=', classroomKey(name)).executeTakeFirst();
  return row?.onefile_id ?? null;
}

export async function recordKnownClassroom(db: Kysely<DB>, organisationId: number, name: string, oneFileId: number): Promise<void> {
  await db.insertInto('eportfolio_sync.classroom').values({ organisation_id: organisationId, name_key: classroomKey(name), onefile_id: oneFileId })
    .onConflict((oc) => oc.columns(['organisation_id', 'name_key']).doUpdateSet({ onefile_id: oneFileId, recorded_at: new Date() }))
    .execute();
}

/** OneFile refused the id: the next enrol searches again. Only that id is forgotten (another may be recorded meanwhile). */
export async function forgetKnownClassroom(db: Kysely<DB>, organisationId: number, name: string, oneFileId: number): Promise<void> {
  await db.deleteFrom('eportfolio_sync.classroom')
    .where('organisation_id', '=', organisationId).where('name_key', '=', classroomKey(name)).where('onefile_id', '=', oneFileId).execute();
}
