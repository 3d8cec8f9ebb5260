import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/types.js';

export interface LearnerRef {
  id: number;
  ident: string;
}

/**
 * Learners the daily sync covers: a OneFile id, status Live, and in learning or ended within the last month.
 * Keyset pages by id, so a run over 10,000s of learners never holds a cursor or skips rows that change.
 */
export async function listLearnersInSyncScope(
  db: Kysely<DB>, options: { afterId: number; limit: number; today: string },
): Promise<LearnerRef[]> {
  return db
    .selectFrom('pics.learner')
    .select(['id', 'ident'])
    .where('onefile_id', 'is not', null)
    .where('status', '=', 'Live')
    .where((eb) =>
      eb.or([
        eb('actual_end_date', 'is', null),
        eb('actual_end_date', '>=', sql<string>`(${options.today}::date - interval '1 month')::date`),
      ]),
    )
    .where('id', '>', options.afterId)
    .orderBy('id')
    .limit(options.limit)
    .execute();
}

export async function findLearnerByIdent(db: Kysely<DB>, ident: string): Promise<LearnerRef | null> {
  const row = await db.selectFrom('pics.learner').select(['id', 'ident']).where('ident', '=', ident).executeTakeFirst();
  return row ?? null;
}

export async function findLearnerById(
  db: Kysely<DB>, id: number,
): Promise<(LearnerRef & { onefileId: number | null; smartAssessorId: string | null }) | null> {
  const row = await db
    .selectFrom('pics.learner')
    .select(['id', 'ident', 'onefile_id', 'smartassessor_id'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? { id: row.id, ident: row.ident, onefileId: row.onefile_id, smartAssessorId: row.smartassessor_id } : null;
}

/** The idents of those of `ids` still in PICS, by id. */
export async function learnerIdents(db: Kysely<DB>, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('pics.learner').select(['id', 'ident']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.ident]));
}
