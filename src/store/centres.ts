import type { Kysely } from 'kysely';
import type { DB } from '../db/types.js';

// Multi-centre providers (issue 19): the centre each learner was enrolled into, and each officer's and
// employer's OneFile id in each centre. PICS has one Other System ID / Additional ID per record, which cannot
// say which centre an id belongs to, so in that mode the worker's own schema is the record of it.

export type CentreRecordKind = 'officer' | 'employer';

export async function readLearnerCentre(db: Kysely<DB>, learnerId: number): Promise<number | null> {
  const row = await db.selectFrom('eportfolio_sync.learner_centre').select('organisation_id').where('learner_id', '=', learnerId).executeTakeFirst();
  return row?.organisation_id ?? null;
}

/** The centre a learner's OneFile records are in; recorded before the enrol creates any of them. */
export async function recordLearnerCentre(db: Kysely<DB>, learnerId: number, organisationId: number): Promise<void> {
  await db.insertInto('eportfolio_sync.learner_centre').values({ learner_id: learnerId, organisation_id: organisationId })
    .onConflict((oc) => oc.column('learner_id').doUpdateSet({ organisation_id: organisationId, recorded_at: new Date() }))
    .execute();
}

export async function readCentreIdentity(db: Kysely<DB>, kind: CentreRecordKind, picsId: number, organisationId: number): Promise<number | null> {
  const row = await db.selectFrom('eportfolio_sync.centre_identity').select('onefile_id')
    .where('kind', '=', kind).where('pics_id', '=', picsId).where('organisation_id', '=', organisationId).executeTakeFirst();
  return row?.onefile_id ?? null;
}

/** Several records' ids in one centre, in one query: PICS id → OneFile id. */
export async function readCentreIdentities(db: Kysely<DB>, kind: CentreRecordKind, picsIds: number[], organisationId: number): Promise<Map<number, number>> {
  if (picsIds.length === 0) return new Map();
  const rows = await db.selectFrom('eportfolio_sync.centre_identity').select(['pics_id', 'onefile_id'])
    .where('kind', '=', kind).where('organisation_id', '=', organisationId).where('pics_id', 'in', picsIds).execute();
  return new Map(rows.map((r) => [r.pics_id, r.onefile_id]));
}

/** The reverse, for D6: OneFile id → PICS id, within one centre (the lowest PICS id where two share one). */
export async function picsIdsByCentreIdentity(db: Kysely<DB>, kind: CentreRecordKind, oneFileIds: number[], organisationId: number): Promise<Map<number, number>> {
  if (oneFileIds.length === 0) return new Map();
  const rows = await db.selectFrom('eportfolio_sync.centre_identity').select(['pics_id', 'onefile_id'])
    .where('kind', '=', kind).where('organisation_id', '=', organisationId).where('onefile_id', 'in', oneFileIds).orderBy('pics_id').execute();
  const map = new Map<number, number>();
  for (const r of rows) if (!map.has(r.onefile_id)) map.set(r.onefile_id, r.pics_id);
  return map;
}

export async function recordCentreIdentity(db: Kysely<DB>, kind: CentreRecordKind, picsId: number, organisationId: number, oneFileId: number): Promise<void> {
  await db.insertInto('eportfolio_sync.centre_identity').values({ kind, pics_id: picsId, organisation_id: organisationId, onefile_id: oneFileId })
    .onConflict((oc) => oc.columns(['kind', 'pics_id', 'organisation_id']).doUpdateSet({ onefile_id: oneFileId, recorded_at: new Date() }))
    .execute();
}

/** OneFile says the id is gone (deleted or merged there): forget it, so the next job finds or creates again. */
export async function forgetCentreIdentity(db: Kysely<DB>, kind: CentreRecordKind, picsId: number, organisationId: number): Promise<void> {
  await db.deleteFrom('eportfolio_sync.centre_identity')
    .where('kind', '=', kind).where('pics_id', '=', picsId).where('organisation_id', '=', organisationId).execute();
}
