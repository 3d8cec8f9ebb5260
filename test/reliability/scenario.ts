import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/types.js';
import type { SimulatorHandle } from '../../src/simulator/index.js';

/*
 * What a reliability scenario must have left behind, worked out from the scenario itself (PICS rows, SPEC
 * rules read here, the changes the test made in OneFile) and never from the worker's own code: a sync that did
 * nothing, or lost an update under a crash, leaves something on these lists. `disagreements` (support.ts) only
 * compares what both sides already hold; these say what must be held.
 */

/** 'YYYY-MM-DD' → OneFile's midnight-UTC form (what E1 and E2 send). */
const oneFileDate = (date: string | null): string | null => (date === null ? null : `${date}T00:00:00.000Z`);
const blankToNull = (v: string | null): string | null => (v === null || v.trim() === '' ? null : v.trim());

/** A planned date and time in UK local time → the UTC instant (ScheduledFor), without the worker's date code. */
export function ukInstant(date: string, time: string): string {
  // The UK offset on that day: London's wall clock at noon UTC is 12:00 (GMT) or 13:00 (BST).
  const noon = new Date(`${date}T12:00:00.000Z`);
  const londonHour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', hourCycle: 'h23' }).format(noon));
  const offsetHours = londonHour - 12;
  const local = new Date(`${date}T${time}Z`);
  return new Date(local.getTime() - offsetHours * 3_600_000).toISOString();
}

/**
 * Puts learners into OneFile as an earlier enrol would have left them, without the API (a real enrol costs a
 * dozen calls each) and without the worker's enrol code: E1's fields are read straight off the PICS row, the
 * main officer (E4) and employer (E5: latest placement of type P, else latest of any type) are linked by the
 * ids PICS holds or created in OneFile and linked, and each qualification the links refresh found available
 * (Q1) becomes a learning aim with its start and planned end dates only, so the sync has registration and
 * certificate fields to push (D2–D4). Reviews are left for the sync to upload (as when S6 is turned on after
 * enrol). Returns the learners put in; learners without an email, main officer or placement, or already in OneFile under their MIS value, are skipped.
 */
export async function preEnrolFromPics(db: Kysely<DB>, sim: SimulatorHandle, learnerIds: number[], pathways: Record<number, number>): Promise<number[]> {
  const settings = await db.selectFrom('pics.onefile_settings').select(['organisation_id', 'default_classroom_name']).executeTakeFirstOrThrow();
  const org = settings.organisation_id!;
  const nextId = (table: { rows: Map<number, unknown> }) => Math.max(0, ...table.rows.keys()) + 1;
  const links = await db.selectFrom('eportfolio_sync.qualification_link').select(['qualification_id', 'standard_id'])
    .where('organisation_id', '=', org).where('gone_at', 'is', null).execute();
  const standardsOf = (qualificationId: number) => links.filter((l) => l.qualification_id === qualificationId).map((l) => l.standard_id);
  let classroomId = [...sim.state.classrooms.values()].find((c) => c.OrganisationID === org && c.Name === settings.default_classroom_name)?.ID;
  if (classroomId === undefined) {
    classroomId = nextId(sim.state.classrooms);
    sim.seed({ classrooms: [{ ID: classroomId, OrganisationID: org, Name: settings.default_classroom_name ?? 'All Learners' }] });
  }
  const done: number[] = [];
  for (const learnerId of learnerIds) {
    const l = await db.selectFrom('pics.learner').selectAll().where('id', '=', learnerId).executeTakeFirstOrThrow();
    const placement = (await db.selectFrom('pics.placement').selectAll().where('learner_id', '=', learnerId).orderBy('start_date', 'desc').orderBy('id', 'desc').execute())
      .sort((a, b) => Number(b.placement_type === 'P') - Number(a.placement_type === 'P'))[0];
    const lqs = await db.selectFrom('pics.learner_qualification').selectAll().where('learner_id', '=', learnerId).orderBy('id').execute();
    const aims = lqs.flatMap((lq) => {
      const standards = standardsOf(lq.qualification_id!);
      const standardId = standards.length === 1 ? standards[0] : pathways[lq.qualification_id!];
      return standardId !== undefined && standards.includes(standardId) ? [{ lq, standardId }] : [];
    });
    if (!l.email || l.main_officer_id === null || !placement?.organisation_id) continue;
    // Half-enrolled already (an enrol that created the OneFile learner and stopped): left to the worker to finish.
    if ([...sim.state.users.values()].some((u) => u.Role === 1 && u.MISID?.trim().toLowerCase() === l.ident.toLowerCase())) continue;

    const officer = await db.selectFrom('pics.officer').selectAll().where('id', '=', l.main_officer_id).executeTakeFirstOrThrow();
    let assessorId = officer.other_system_id ? Number(officer.other_system_id) : null;
    if (assessorId === null) {
      assessorId = nextId(sim.state.users);
      sim.seed({ users: [{ ID: assessorId, OrganisationID: org, FirstName: officer.forenames, LastName: officer.surname, Email: officer.email ?? undefined, Role: 5 }] });
      await db.updateTable('pics.officer').set({ other_system_id: String(assessorId) }).where('id', '=', officer.id).execute();
    }
    const employer = await db.selectFrom('pics.organisation').selectAll().where('id', '=', placement.organisation_id).executeTakeFirstOrThrow();
    let placementId = employer.additional_id ? Number(employer.additional_id) : null;
    if (placementId === null) {
      placementId = nextId(sim.state.placements);
      sim.seed({ placements: [{ ID: placementId, OrganisationID: org, Name: employer.name }] });
      await db.updateTable('pics.organisation').set({ additional_id: String(placementId) }).where('id', '=', employer.id).execute();
    }
    const userId = nextId(sim.state.users);
    const fields = {
      FirstName: l.first_name.trim(), LastName: l.surname.trim(), Email: l.email.trim(), MISID: l.ident, Telephone: blankToNull(l.telephone),
      MobileNumber: blankToNull(l.mobile), DOB: oneFileDate(l.birth_date), ULN: blankToNull(l.uln), NINO: blankToNull(l.ni_number)?.toUpperCase() ?? null,
      StartOn: oneFileDate(l.start_date), PlannedEndDate: oneFileDate(l.expected_end_date), L12: l.ethnicity === null ? null : String(l.ethnicity),
      L13: l.sex === null ? null : l.sex.trim().toUpperCase(), L15: l.disability === null ? null : String(l.disability),
    };
    const present = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null));
    sim.seed({ users: [{ ...present, ID: userId, OrganisationID: org, Role: 1, DefaultAssessorID: assessorId, ClassroomID: classroomId, PlacementID: placementId }] });
    await db.updateTable('pics.learner').set({ onefile_id: userId }).where('id', '=', learnerId).execute();
    for (const { lq, standardId } of aims) {
      const aimId = nextId(sim.state.learningAims);
      sim.seed({ learningAims: [{ ID: aimId, UserID: userId, StandardID: standardId, StartDate: oneFileDate(lq.start_date) ?? undefined, PlannedEndDate: oneFileDate(lq.planned_end_date) ?? undefined }] });
      await db.updateTable('pics.learner_qualification').set({ onefile_learning_aim_id: aimId }).where('id', '=', lq.id).execute();
    }
    done.push(learnerId);
  }
  return done;
}

/** A value the scenario put into OneFile that the sync must bring into PICS. */
export interface ExpectedInPics {
  what: string;
  table: 'pics.learner_qualification' | 'pics.review';
  id: number;
  field: 'registration_number' | 'certificate_received_date' | 'attended' | 'actual_date';
  value: string;
}

/**
 * Changes made on the OneFile side before a sync, for every `every`-th learner given: each linked aim gets a
 * registration number (D2: OneFile wins when both are set) and, where PICS has none, a certificate received
 * date (D4); each review PICS already holds a OneFile id for is marked held (D6: attended Y, actual date).
 * Returns what PICS must hold afterwards.
 */
export async function changeInOneFile(db: Kysely<DB>, sim: SimulatorHandle, learnerIds: number[], every = 3): Promise<ExpectedInPics[]> {
  const expected: ExpectedInPics[] = [];
  const heldOn = '2026-11-20';
  for (const [i, learnerId] of learnerIds.entries()) {
    if (i % every !== 0) continue;
    const lqs = await db.selectFrom('pics.learner_qualification').selectAll().where('learner_id', '=', learnerId).where('onefile_learning_aim_id', 'is not', null).execute();
    for (const lq of lqs) {
      const aimId = lq.onefile_learning_aim_id!;
      const registration = `OF-${aimId}`;
      sim.seed({ learningAims: [{ ID: aimId, RegistrationNumber: registration }] });
      expected.push({ what: `aim ${aimId} RegistrationNumber`, table: 'pics.learner_qualification', id: lq.id, field: 'registration_number', value: registration });
      if (lq.certificate_received_date === null) {
        sim.seed({ learningAims: [{ ID: aimId, CertificateReceivedDate: '2026-11-18T00:00:00.000Z' }] });
        expected.push({ what: `aim ${aimId} CertificateReceivedDate`, table: 'pics.learner_qualification', id: lq.id, field: 'certificate_received_date', value: '2026-11-18' });
      }
    }
    const reviews = await db.selectFrom('pics.review').selectAll().where('learner_id', '=', learnerId).where('onefile_system_id', 'is not', null).execute();
    for (const r of reviews.slice(0, 1)) {
      const review = sim.state.reviews.get(r.onefile_system_id!)!;
      // Held: its ScheduledFor moves to the day it was held, as OneFile's does, which is what makes a sync read it again.
      sim.seed({ reviews: [{ ID: review.ID, ScheduledFor: `${heldOn}T10:00:00.000Z`, StartedOn: `${heldOn}T10:05:00.000Z` }] });
      expected.push({ what: `review ${review.ID} StartedOn`, table: 'pics.review', id: r.id, field: 'attended', value: 'Y' });
      expected.push({ what: `review ${review.ID} StartedOn`, table: 'pics.review', id: r.id, field: 'actual_date', value: heldOn });
    }
  }
  return expected;
}

/** Each expected value PICS does not hold, as a readable line. */
export async function missingInPics(db: Kysely<DB>, expected: ExpectedInPics[]): Promise<string[]> {
  const missing: string[] = [];
  for (const e of expected) {
    const row = (await db.selectFrom(e.table).selectAll().where('id', '=', e.id).executeTakeFirst()) as Record<string, unknown> | undefined;
    if (row?.[e.field] !== e.value) missing.push(`${e.what}: PICS ${e.table} #${e.id} ${e.field} is ${JSON.stringify(row?.[e.field])}, not ${JSON.stringify(e.value)}`);
  }
  return missing;
}

/**
 * Every PICS review of the given learners that must be in OneFile by now (S6 on) and is not: a normal review
 * planned after `today` with attendance Unknown (E3, D5), and — for the learners whose first sync has run
 * (D11) — every normal review with a blank attendance and no actual date. "In OneFile" means PICS holds its
 * OneFile id and that review is the learner's, at the planned time.
 */
export async function reviewsNotUploaded(db: Kysely<DB>, sim: SimulatorHandle, options: { learnerIds: number[]; firstSynced: ReadonlySet<number>; today: string }): Promise<string[]> {
  const missing: string[] = [];
  if (options.learnerIds.length === 0) return missing;
  const learners = new Map((await db.selectFrom('pics.learner').select(['id', 'ident', 'onefile_id']).where('id', 'in', options.learnerIds).execute()).map((l) => [l.id, l]));
  const reviews = await db.selectFrom('pics.review').selectAll().where('learner_id', 'in', options.learnerIds).orderBy('id').execute();
  for (const r of reviews) {
    const learner = learners.get(r.learner_id!)!;
    const attended = r.attended?.trim() ?? '';
    const e3 = r.review_type === 'N' && attended === 'U' && r.planned_date !== null && r.planned_date > options.today;
    const d11 = options.firstSynced.has(r.learner_id!) && r.review_type === 'N' && attended === '' && r.actual_date === null && r.planned_date !== null;
    if (!e3 && !d11) continue;
    const inOneFile = r.onefile_system_id === null ? undefined : sim.state.reviews.get(r.onefile_system_id);
    const scheduled = ukInstant(r.planned_date!, r.planned_time ?? '09:00:00');
    if (!inOneFile) missing.push(`${learner.ident}: review #${r.id} (${r.planned_date}, ${e3 ? 'E3' : 'D11'}) has no OneFile review (id ${r.onefile_system_id})`);
    else if (inOneFile.LearnerID !== learner.onefile_id) missing.push(`${learner.ident}: review #${r.id} is OneFile review ${inOneFile.ID} of learner ${inOneFile.LearnerID}`);
    else if (!inOneFile.StartedOn && (!inOneFile.ScheduledFor || Date.parse(inOneFile.ScheduledFor) !== Date.parse(scheduled))) {
      missing.push(`${learner.ident}: review #${r.id} scheduled ${inOneFile.ScheduledFor} in OneFile, ${scheduled} in PICS`);
    }
  }
  return missing;
}

/**
 * D2–D4 after a sync: for each linked aim of the given learners, registration number and date and the two
 * certificate dates are the same on both sides whenever either side had one (a blank is filled from the
 * other, and where both were set OneFile's won). Each field still apart, as a readable line.
 */
export async function aimFieldsApart(db: Kysely<DB>, sim: SimulatorHandle, learnerIds: number[]): Promise<string[]> {
  const apart: string[] = [];
  if (learnerIds.length === 0) return apart;
  const lqs = await db.selectFrom('pics.learner_qualification').selectAll().where('learner_id', 'in', learnerIds).where('onefile_learning_aim_id', 'is not', null).orderBy('id').execute();
  const day = (v: string | null | undefined) => (v ? v.slice(0, 10) : null);
  for (const lq of lqs) {
    const aim = sim.state.learningAims.get(lq.onefile_learning_aim_id!);
    if (!aim) {
      apart.push(`learner qualification #${lq.id}: aim ${lq.onefile_learning_aim_id} is not in OneFile`);
      continue;
    }
    const pairs: Array<[string, string | null, string | null]> = [
      ['registration_number', blankToNull(lq.registration_number), blankToNull(aim.RegistrationNumber ?? null)],
      ['registration_date', lq.registration_date, day(aim.RegistrationDate)],
      ['certificate_applied_date', lq.certificate_applied_date, day(aim.CertificateAppliedDate)],
      ['certificate_received_date', lq.certificate_received_date, day(aim.CertificateReceivedDate)],
    ];
    for (const [field, pics, oneFile] of pairs) {
      if (pics !== oneFile) apart.push(`learner qualification #${lq.id} ${field}: ${JSON.stringify(pics)} in PICS, ${JSON.stringify(oneFile)} in OneFile`);
    }
  }
  return apart;
}
