import { sql, type Kysely, type Selectable } from 'kysely';
import type { DB, PicsOrganisation, PicsQualification } from '../db/types.js';
import type { LearnerGraph } from '../domain/learner.js';
import { learnerFromRow, learnerQualificationFromRow, officerFromRow, placementFromRow, reviewFromRow } from './columns.js';

/**
 * Reads a learner's whole graph in six queries whatever its size (learner, officers, roles, placements,
 * qualifications with unit counts, reviews), run concurrently, as the domain's records (columns.ts). Returns null
 * for an unknown learner id.
 */
export async function loadLearnerGraph(db: Kysely<DB>, learnerId: number): Promise<LearnerGraph | null> {
  const [learner, officers, roles, placements, qualifications, reviews] = await Promise.all([
    db
      .selectFrom('pics.learner as l')
      .leftJoin('pics.tag as t', 't.id', 'l.main_tag_id')
      .selectAll('l')
      .select('t.name as main_tag_name')
      .where('l.id', '=', learnerId)
      .executeTakeFirst(),
    db
      .selectFrom('pics.officer')
      .selectAll()
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('pics.learner')
          .select('main_officer_id as officer_id')
          .where('id', '=', learnerId)
          .where('main_officer_id', 'is not', null)
          .union(eb.selectFrom('pics.learner_officer').select('officer_id').where('learner_id', '=', learnerId))
          .union(
            eb
              .selectFrom('pics.learner_qualification')
              .select('assessor_officer_id as officer_id')
              .where('learner_id', '=', learnerId)
              .where('assessor_officer_id', 'is not', null),
          )
          .union(
            eb
              .selectFrom('pics.review')
              .select('officer_id')
              .where('learner_id', '=', learnerId)
              .where('officer_id', 'is not', null),
          ),
      )
      .execute(),
    db
      .selectFrom('pics.learner_officer')
      .select(['officer_id', 'role'])
      .where('learner_id', '=', learnerId)
      .orderBy('role')
      .orderBy('officer_id')
      .execute(),
    db
      .selectFrom('pics.placement as p')
      .leftJoin('pics.organisation as o', 'o.id', 'p.organisation_id')
      .selectAll('p')
      .select((eb) => sql<Selectable<PicsOrganisation> | null>`case when ${eb.ref('o.id')} is null then null else to_jsonb(o) end`.as('organisation'))
      .where('p.learner_id', '=', learnerId)
      .orderBy('p.start_date', 'desc')
      .orderBy('p.id', 'desc')
      .execute(),
    db
      .selectFrom('pics.learner_qualification as lq')
      .leftJoin('pics.qualification as q', 'q.id', 'lq.qualification_id')
      .selectAll('lq')
      .select((eb) => [
        sql<Selectable<PicsQualification> | null>`case when ${eb.ref('q.id')} is null then null else to_jsonb(q) end`.as('qualification'),
        eb
          .selectFrom('pics.learner_unit as u')
          .select((c) => c.fn.countAll<string>().as('n'))
          .whereRef('u.learner_qualification_id', '=', 'lq.id')
          .as('unit_count'),
      ])
      .where('lq.learner_id', '=', learnerId)
      .orderBy('lq.id')
      .execute(),
    db.selectFrom('pics.review').selectAll().where('learner_id', '=', learnerId).orderBy('id').execute(),
  ]);
  if (!learner) return null;
  const { main_tag_name: mainTagName, ...learnerRow } = learner;
  return {
    learner: learnerFromRow(learnerRow),
    mainTagName,
    officers: new Map(officers.map((o) => [o.id, officerFromRow(o)])),
    roles: roles.map((r) => ({ officerId: r.officer_id, role: r.role })),
    placements: placements.map(({ organisation, ...p }) => placementFromRow(p, organisation)),
    qualifications: qualifications.map(({ qualification, unit_count, ...lq }) => learnerQualificationFromRow(lq, qualification, Number(unit_count ?? 0))),
    reviews: reviews.map(reviewFromRow),
  };
}
