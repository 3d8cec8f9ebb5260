import type { Kysely } from 'kysely';
import type { DB } from '../db/types.js';
import type { QualificationRow } from './types.js';

export async function listQualifications(db: Kysely<DB>): Promise<QualificationRow[]> {
  return db.selectFrom('pics.qualification').selectAll().orderBy('id').execute();
}
