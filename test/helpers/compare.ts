import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/types.js';
import { toOneFileDate, ukLocalToUtc } from '../../src/domain/dates.js';
import type { SimulatorHandle } from '../../src/simulator/index.js';

const blank = (v: unknown) => (v === null || v === undefined || (typeof v === 'string' && v.trim() === '') ? null : v);

/**
 * Every difference between PICS and the simulator for enrolled learners: learner fields (E1), learning aims
 * per linked qualification (E2), uploaded reviews (E3), officers' and employers' ids. An empty list means the
 * two systems agree field by field.
 */
export async function differences(db: Kysely<DB>, sim: SimulatorHandle): Promise<string[]> {
  const found: string[] = [];
  const learners = await db.selectFrom('pics.learner').selectAll().where('onefile_id', 'is not', null).orderBy('id').execute();
  for (const l of learners) {
    const u = sim.state.users.get(l.onefile_id!);
    if (!u) {
      found.push(`${l.ident}: OneFile user ${l.onefile_id} does not exist`);
      continue;
    }
    const expected: Record<string, unknown> = {
      FirstName: l.first_name, LastName: l.surname, Email: l.email, MISID: l.ident, Role: 1, Telephone: blank(l.telephone),
      MobileNumber: blank(l.mobile), DOB: l.birth_date && toOneFileDate(l.birth_date), ULN: blank(l.uln), NINO: blank(l.ni_number),
      StartOn: l.start_date && toOneFileDate(l.start_date), PlannedEndDate: l.expected_end_date && toOneFileDate(l.expected_end_date),
      L12: l.ethnicity === null ? null : String(l.ethnicity), L13: l.sex, L15: l.disability === null ? null : String(l.disability),
    };
    for (const [field, value] of Object.entries(expected)) {
      const actual = blank((u as Record<string, unknown>)[field]);
      if ((blank(value) ?? null) !== (actual ?? null)) found.push(`${l.ident}: ${field} is ${JSON.stringify(actual)} in OneFile, ${JSON.stringify(value)} in PICS`);
    }
    if (l.main_officer_id !== null) {
      const officer = await db.selectFrom('pics.officer').select(['ident', 'other_system_id']).where('id', '=', l.main_officer_id).executeTakeFirstOrThrow();
      if (String(u.DefaultAssessorID) !== officer.other_system_id) found.push(`${l.ident}: DefaultAssessorID ${u.DefaultAssessorID} ≠ officer ${officer.ident}'s ${officer.other_system_id}`);
    }
    const aims = await db.selectFrom('pics.learner_qualification').selectAll().where('learner_id', '=', l.id).where('onefile_learning_aim_id', 'is not', null).execute();
    for (const lq of aims) {
      const aim = sim.state.learningAims.get(lq.onefile_learning_aim_id!);
      if (!aim || aim.UserID !== l.onefile_id) found.push(`${l.ident}: learning aim ${lq.onefile_learning_aim_id} is missing or not the learner's`);
      else if ((aim.StartDate ?? null) !== (lq.start_date && toOneFileDate(lq.start_date))) found.push(`${l.ident}: aim ${aim.ID} StartDate ${aim.StartDate}`);
    }
    const reviews = await db.selectFrom('pics.review').selectAll().where('learner_id', '=', l.id).where('onefile_system_id', 'is not', null).execute();
    for (const r of reviews) {
      const review = sim.state.reviews.get(r.onefile_system_id!);
      if (!review || review.LearnerID !== l.onefile_id) {
        found.push(`${l.ident}: review ${r.onefile_system_id} is missing or not the learner's`);
        continue;
      }
      const scheduled = r.planned_date ? ukLocalToUtc(r.planned_date, r.planned_time ?? '09:00:00') : null;
      // A review with no ScheduledFor is a difference too: E3 always sends the planned date and time. One held
      // (StartedOn) may have been moved to the day it was held in OneFile; PICS keeps its planned date (D6).
      if (scheduled && !review.StartedOn && (!review.ScheduledFor || Date.parse(review.ScheduledFor) !== Date.parse(scheduled))) {
        found.push(`${l.ident}: review ${review.ID} ScheduledFor ${review.ScheduledFor} ≠ ${scheduled}`);
      }
    }
  }
  return found;
}
