import { sql, type Insertable, type Kysely } from 'kysely';
import type { DB, PicsLearner, PicsLearnerQualification, PicsPlacement, PicsReview } from '../db/types.js';
import { mulberry32, type Random } from '../util/prng.js';

// Generates realistic PICS learners for the demo and the benchmarks: deterministic from a seed, inserted with
// multi-row INSERTs in chunks (10,000 learners with their qualifications, placements and reviews take a few
// seconds). Dates are relative to `today` so future reviews stay in the future.

const FIRST = ['Olivia', 'Jack', 'Amelia', 'Harry', 'Isla', 'Oscar', 'Ava', 'Noah', 'Mia', 'Leo', 'Zara', 'Kai', 'Freya',
  'Arlo', 'Maya', 'Yusuf', 'Chloe', 'Ethan', 'Anaya', 'Finley', 'Siobhan', 'Dylan', 'Niamh', 'Callum', 'Zoë', 'José'];
const LAST = ['Smith', 'Jones', 'Williams', 'Taylor', 'Brown', 'Davies', 'Evans', 'Wilson', 'Thomas', 'Roberts', 'Khan',
  'Patel', 'Nowak', 'O\'Brien', 'Walker', 'Wright', 'Robinson', 'Thompson', 'Hughes', 'Edwards', 'Murphy', 'Ng'];
const ETHNICITY = [31, 31, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 98, 99];
const DISABILITY = [98, 98, 98, 98, 98, 98, 1, 2, 4, 7, 10, 99];
const ROLES_EXTRA = ['Assessment', 'Mentor', 'Internal Verifier'];

export interface CatalogueIds {
  officerIds: number[];
  organisationIds: number[];
  tagIds: number[];
  /** Qualifications learners may be put on (most linked to OneFile, some not). */
  qualificationIds: number[];
}

export interface GenerateOptions {
  count: number;
  /** First learner number: idents are L0001, L0002 … (or L12345 past 9,999). */
  startAt?: number;
  seed?: number;
  /** ISO date the data is generated around. */
  today: string;
  /** A few learners a PICS user would have to fix before enrol (no email, no main officer, no placement). */
  includeProblemLearners?: boolean;
}

export function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const intBetween = (random: Random, lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

async function insertChunked<T extends keyof DB & string>(
  db: Kysely<DB>, table: T, rows: Insertable<DB[T]>[], columnsPerRow: number,
): Promise<number[]> {
  // Postgres allows 65,535 bind parameters per statement.
  const chunk = Math.max(1, Math.floor(60_000 / columnsPerRow));
  const ids: number[] = [];
  for (let i = 0; i < rows.length; i += chunk) {
    const inserted = await db
      .insertInto(table)
      .values(rows.slice(i, i + chunk) as never)
      .returning(sql<number>`id`.as('id'))
      .execute();
    ids.push(...inserted.map((r) => (r as { id: number }).id));
  }
  return ids;
}

export interface GeneratedLearners {
  learnerIds: number[];
  problemLearnerIdents: string[];
}

export async function generateLearners(db: Kysely<DB>, ids: CatalogueIds, options: GenerateOptions): Promise<GeneratedLearners> {
  const random = mulberry32(options.seed ?? 20261123);
  const start = options.startAt ?? 1;
  const today = options.today;
  const learners: Insertable<PicsLearner>[] = [];
  const problemLearnerIdents: string[] = [];
  const problems = new Map<number, 'no-email' | 'no-officer' | 'no-placement'>();
  if (options.includeProblemLearners) {
    problems.set(7, 'no-email');
    problems.set(13, 'no-officer');
    problems.set(21, 'no-placement');
  }

  for (let n = 0; n < options.count; n++) {
    const number = start + n;
    const ident = `L${String(number).padStart(4, '0')}`;
    const first = pick(random, FIRST);
    const last = pick(random, LAST);
    const startDate = addDays(today, -intBetween(random, 20, 540));
    const ended = random() < 0.08;
    const problem = problems.get(number);
    if (problem) problemLearnerIdents.push(ident);
    learners.push({
      ident,
      first_name: first,
      surname: last,
      email: problem === 'no-email' ? null : `${first}.${last}.${number}@learners.example`.toLowerCase().replace(/[^a-z0-9.@]/g, ''),
      telephone: random() < 0.6 ? `0161 496 ${String(intBetween(random, 0, 9999)).padStart(4, '0')}` : null,
      mobile: `07700 9${String(intBetween(random, 0, 99999)).padStart(5, '0')}`,
      birth_date: addDays('2000-01-01', intBetween(random, -1800, 2900)),
      uln: String(intBetween(random, 1_000_000_000, 9_999_999_999)),
      ni_number: `${pick(random, ['AB', 'JT', 'NZ', 'PR', 'SC'])}${String(intBetween(random, 0, 999999)).padStart(6, '0')}${pick(random, ['A', 'B', 'C', 'D'])}`,
      sex: pick(random, ['M', 'F', 'F', 'M', '9']),
      ethnicity: pick(random, ETHNICITY),
      lldd_health_problem: pick(random, [2, 2, 2, 1, 9]),
      disability: pick(random, DISABILITY),
      start_date: startDate,
      expected_end_date: addDays(startDate, intBetween(random, 365, 730)),
      // Some ended 5–120 days ago: in the daily-sync scope under the default window (sync.endedLearnerWindowDays).
      actual_end_date: ended ? addDays(today, -intBetween(random, 5, 120)) : null,
      status: random() < 0.05 ? 'Dormant' : 'Live',
      main_officer_id: problem === 'no-officer' ? null : ids.officerIds[number % ids.officerIds.length]!,
      main_tag_id: random() < 0.6 && ids.tagIds.length ? pick(random, ids.tagIds) : null,
      address1: `${intBetween(random, 1, 220)} ${pick(random, ['High Street', 'Station Road', 'Church Lane', 'Mill Road'])}`,
      address2: pick(random, ['Salford', 'Leeds', 'Bradford', 'Stockport', 'York']),
      postcode: `${pick(random, ['M', 'LS', 'BD', 'SK', 'YO'])}${intBetween(random, 1, 30)} ${intBetween(random, 1, 9)}${pick(random, ['AB', 'XY', 'QT'])}`,
      updated_at: new Date(`${today}T06:00:00Z`),
    });
  }
  const learnerIds = await insertChunked(db, 'pics.learner', learners, 26);

  const roles: { learner_id: number; officer_id: number; role: string }[] = [];
  const placements: Insertable<PicsPlacement>[] = [];
  const qualifications: Insertable<PicsLearnerQualification>[] = [];
  const reviews: Insertable<PicsReview>[] = [];

  learnerIds.forEach((learnerId, index) => {
    const learner = learners[index]!;
    const number = start + index;
    const main = learner.main_officer_id as number | null;
    if (main) roles.push({ learner_id: learnerId, officer_id: main, role: 'Training Adviser' });
    const assessor = ids.officerIds[(number + 3) % ids.officerIds.length]!;
    roles.push({ learner_id: learnerId, officer_id: assessor, role: 'Assessment' });
    if (random() < 0.4) {
      const extra = ids.officerIds[(number + 5) % ids.officerIds.length]!;
      const role = pick(random, ROLES_EXTRA.slice(1));
      if (extra !== assessor || role !== 'Assessment') roles.push({ learner_id: learnerId, officer_id: extra, role });
    }

    if (problems.get(number) !== 'no-placement') {
      const startDate = learner.start_date as string;
      // An older placement of another type, then the current employer (type P); sometimes only a non-P one.
      if (random() < 0.3) {
        placements.push({ learner_id: learnerId, organisation_id: pick(random, ids.organisationIds), placement_type: 'S',
          start_date: addDays(startDate, -200), end_date: addDays(startDate, -1) });
      }
      const onlyOther = random() < 0.1;
      placements.push({ learner_id: learnerId, organisation_id: ids.organisationIds[number % ids.organisationIds.length]!,
        placement_type: onlyOther ? 'W' : 'P', start_date: startDate, end_date: null });
    }

    const qualificationCount = intBetween(random, 1, 3);
    const chosen = new Set<number>();
    for (let q = 0; q < qualificationCount; q++) chosen.add(ids.qualificationIds[(number + q * 3) % ids.qualificationIds.length]!);
    for (const qualificationId of chosen) {
      const registered = random() < 0.5;
      qualifications.push({
        learner_id: learnerId,
        qualification_id: qualificationId,
        assessor_officer_id: random() < 0.85 ? assessor : null,
        start_date: learner.start_date as string,
        planned_end_date: learner.expected_end_date as string,
        registration_number: registered ? `REG${String(number).padStart(5, '0')}${qualificationId}` : null,
        registration_date: registered ? addDays(learner.start_date as string, 30) : null,
        certificate_applied_date: random() < 0.1 ? addDays(today, -10) : null,
        total_elements: null,
        elements_done: null,
      });
    }

    // Reviews every 6–12 weeks from two weeks after the start; at most the last four held ones are kept,
    // then the next one or two are planned (attendance Unknown, or still blank).
    const held: string[] = [];
    let plannedAt = addDays(learner.start_date as string, 14);
    while (plannedAt < today) {
      held.push(plannedAt);
      plannedAt = addDays(plannedAt, intBetween(random, 42, 84));
    }
    const upcoming = [plannedAt, ...(random() < 0.4 ? [addDays(plannedAt, intBetween(random, 42, 84))] : [])];
    held.slice(-4).forEach((date, r) => {
      reviews.push({
        learner_id: learnerId, review_type: r === 1 && random() < 0.3 ? 'P' : 'N', planned_date: date,
        planned_time: pick(random, ['09:00:00', '10:30:00', '13:00:00', '15:30:00']), attended: pick(random, ['Y', 'Y', 'Y', 'N']),
        actual_date: date, officer_id: random() < 0.7 ? assessor : null, trainee_signed_date: random() < 0.5 ? date : null,
      });
    });
    for (const date of upcoming) {
      reviews.push({
        learner_id: learnerId, review_type: 'N', planned_date: date, planned_time: pick(random, ['09:00:00', '10:30:00', '13:00:00', '15:30:00']),
        attended: pick(random, ['U', 'U', null]), actual_date: null, officer_id: random() < 0.7 ? assessor : null, trainee_signed_date: null,
      });
    }
  });

  await insertChunked(db, 'pics.placement', placements, 5);
  const lqIds = await insertChunked(db, 'pics.learner_qualification', qualifications, 11);
  // Some qualifications carry units: they are skipped for element counts (D1).
  const units = lqIds
    .filter((_, i) => i % 9 === 4)
    .flatMap((lqId) => [1, 2].map((u) => ({ learner_qualification_id: lqId, reference: `U${u}0${lqId % 7}`, title: `Unit ${u}` })));
  if (units.length) await insertChunked(db, 'pics.learner_unit', units, 3);
  await insertChunked(db, 'pics.review', reviews, 8);
  for (let i = 0; i < roles.length; i += 10_000) {
    await db.insertInto('pics.learner_officer').values(roles.slice(i, i + 10_000)).onConflict((oc) => oc.doNothing()).execute();
  }
  return { learnerIds, problemLearnerIdents };
}
