import type { Kysely } from 'kysely';
import type { DB } from '../db/types.js';
import type { Qualification } from '../domain/learner.js';
import { qualificationFromRow } from './columns.js';

export async function listQualifications(db: Kysely<DB>): Promise<Qualification[]> {
  const rows = await db.selectFrom('pics.qualification').selectAll().orderBy('id').execute();
  return rows.map(qualificationFromRow);
}
