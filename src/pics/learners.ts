import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/types.js';

export interface LearnerRef {
  id: number;
  ident: string;
}

/**
 * Learners the daily sync covers (SPEC "Learners in scope"): a OneFile id, status Live, and in learning (no
 * actual end date) or ended within `endedWithinDays` days of `today` (config sync.endedLearnerWindowDays).
 * In PICS `status` is the record's Live/Dormant flag (as for officers and qualifications), not the episode:
 * an ended learner keeps status Live and has its actual end date set (reference pics-smartassessor §2.2:
 * Complete = Actual End Date set); Dormant is a record put aside, left out whether ended or not. PICSWeb's
 * own sync takes the same "Live, and in learning or ended lately" set (reference onefile-api §8, PICS-DX),
 * with a window of one month, too short for certificate dates, which arrive months after the end.
 * Keyset pages by id, so a run over 10,000s of learners never holds a cursor or skips rows that change.
 */
export async function listLearnersInSyncScope(
  db: Kysely<DB>, options: { afterId: number; limit: number; today: string; endedWithinDays: number },
): Promise<LearnerRef[]> {
  return db
    .selectFrom('pics.learner')
    .select(['id', 'ident'])
    .where('onefile_id', 'is not', null)
    .where('status', '=', 'Live')
    .where((eb) =>
      eb.or([
        eb('actual_end_date', 'is', null),
        eb('actual_end_date', '>=', sql<string>`${options.today}::date - ${options.endedWithinDays}::int`),
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
