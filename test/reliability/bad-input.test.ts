import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Job } from 'bullmq';
import { sql } from 'kysely';
import { JOB_NAME, jobIds } from '../../src/queues/job-options.js';
import { QUEUE } from '../../src/queues/names.js';
import type { FaultUpdate } from '../../src/simulator/index.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { disagreements, duplicatesIn, enrolableLearners, preEnrol, waitForJobs } from './support.js';

/*
 * Bad input, one case per row: PICS rows a user got wrong (missing or invalid fields, references to records
 * that exist but cannot be used, rows deleted mid-run, absurd dates, 10,000-character values, unicode,
 * SQL-looking text), OneFile answers a client cannot use (wrong types, missing fields, an HTML error page,
 * truncated JSON) and malformed job payloads. Each case runs on one daemon, one after the other, and must
 * give its clear recorded answer: the job's state and reason, the job_outcome row and, for an enrol, the
 * enrol row PICSWeb shows (problems per field for E8). Nothing is half-written: no PICS id for a record
 * OneFile never confirmed, no PICS change from a sync that failed. The daemon keeps processing: each case
 * is the next job after the last one's failure, and valid weird input (unicode, SQL-looking text) is
 * enrolled exactly as typed.
 */

const CHOICES = { pathways: { 3: 41301 } };
const LONG = 'x'.repeat(10_000);

interface Ctx {
  h: Harness;
  /** A learner not yet in OneFile whose enrol plan is complete, used by this case alone. */
  fresh(): number;
  /** A learner already in OneFile (with a learning aim), used by this case alone. */
  enrolled(): number;
}

interface Expected {
  state: 'completed' | 'failed';
  /** failedReason and the recorded reason (job_outcome, enrol row) match this. */
  reason?: RegExp;
  /** E8: failed at once, without retries, with a problem on each of these fields. */
  problems?: string[];
  /** Text the recorded reason must not contain (personal data, secrets). */
  notEchoed?: string;
}

interface Case {
  name: string;
  /** Sets the case up and enqueues its job; returns the queue and job id to wait for, and the learner. */
  run(ctx: Ctx): Promise<{ queue: keyof typeof QUEUE; jobId: string; learnerId?: number }>;
  expected: Expected;
  /** A OneFile fault for this case alone (cleared afterwards). */
  fault?: FaultUpdate;
  /** PICS settings for this case alone (restored afterwards). */
  settings?: Record<string, unknown>;
  /** Further checks: nothing half-written, values kept exactly. */
  check?(ctx: Ctx, learnerId: number | undefined, job: Job): Promise<void>;
}

const db = (ctx: Ctx) => ctx.h.t.db;
const learnerRow = (ctx: Ctx, id: number) => db(ctx).selectFrom('pics.learner').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

/** An enrol of a fresh learner after `mutate` changed its PICS rows. */
function enrol(mutate: (ctx: Ctx, learnerId: number) => Promise<unknown>, choices: object = CHOICES) {
  return async (ctx: Ctx) => {
    const learnerId = ctx.fresh();
    await mutate(ctx, learnerId);
    const { jobId } = await ctx.h.producer.enqueueEnrol(learnerId, choices);
    return { queue: 'enrol' as const, jobId, learnerId };
  };
}

/** Refresh with OneFile for an enrolled learner after `mutate` (PICS or OneFile side). */
function sync(mutate: (ctx: Ctx, learnerId: number) => Promise<unknown> = async () => {}) {
  return async function syncCase(ctx: Ctx) {
    const learnerId = ctx.enrolled();
    await mutate(ctx, learnerId);
    const { jobId } = await ctx.h.producer.enqueueLearnerSync(learnerId);
    return { queue: 'dailySync' as const, jobId, learnerId };
  };
}

/** A job added straight to a queue with the given payload, as a buggy producer would. */
function rawJob(queue: keyof typeof QUEUE, name: string, data: unknown, id: string) {
  return async (ctx: Ctx) => {
    await ctx.h.producer.queues[QUEUE[queue]].add(name, data as object, { jobId: id, attempts: 3 });
    return { queue, jobId: id };
  };
}

async function newOfficer(ctx: Ctx, values: { email?: string | null; other_system_id?: string | null }): Promise<number> {
  const n = Math.floor(Math.random() * 1e6);
  const row = await db(ctx).insertInto('pics.officer')
    .values({ ident: `B${n}`.slice(0, 10), forenames: 'Bad', surname: `Officer ${n}`, email: null, ...values })
    .returning('id').executeTakeFirstOrThrow();
  return row.id;
}

async function expectNotEnrolled(ctx: Ctx, learnerId: number | undefined) {
  expect((await learnerRow(ctx, learnerId!)).onefile_id).toBeNull();
  const aims = await db(ctx).selectFrom('pics.learner_qualification').select('onefile_learning_aim_id').where('learner_id', '=', learnerId!).where('onefile_learning_aim_id', 'is not', null).execute();
  expect(aims).toEqual([]);
}

/** The learner's synced PICS fields, to show a failed sync changed nothing. */
async function picsSnapshot(ctx: Ctx, learnerId: number) {
  const [learner, lqs, reviews] = await Promise.all([
    learnerRow(ctx, learnerId),
    db(ctx).selectFrom('pics.learner_qualification').selectAll().where('learner_id', '=', learnerId).orderBy('id').execute(),
    db(ctx).selectFrom('pics.review').selectAll().where('learner_id', '=', learnerId).orderBy('id').execute(),
  ]);
  return JSON.stringify({ learner: { ...learner, updated_at: null }, lqs, reviews });
}
const snapshots = new Map<number, string>();
/** A sync case's set-up step: remember PICS as it is, for expectUnchanged. */
const remember = async (ctx: Ctx, learnerId: number) => snapshots.set(learnerId, await picsSnapshot(ctx, learnerId));
const expectUnchanged = async (ctx: Ctx, learnerId: number | undefined) => expect(await picsSnapshot(ctx, learnerId!)).toBe(snapshots.get(learnerId!));

/** A review made in OneFile for the learner (new to PICS, so a sync reads it). */
async function oneFileReview(ctx: Ctx, learnerId: number, at: string) {
  const oneFileId = (await learnerRow(ctx, learnerId)).onefile_id!;
  const assessor = ctx.h.sim.state.users.get(oneFileId)!.DefaultAssessorID!;
  ctx.h.sim.seed({ reviews: [{ LearnerID: oneFileId, AssessorID: assessor, ScheduledFor: at, EndTime: new Date(Date.parse(at) + 3_600_000).toISOString() }] });
}

const firstAim = async (ctx: Ctx, learnerId: number) => {
  const lq = await db(ctx).selectFrom('pics.learner_qualification').selectAll().where('learner_id', '=', learnerId).where('onefile_learning_aim_id', 'is not', null).orderBy('id').executeTakeFirstOrThrow();
  return lq;
};

const E8 = (fields: string[], reason: RegExp, notEchoed?: string): Expected => ({ state: 'failed', problems: fields, reason, ...(notEchoed ? { notEchoed } : {}) });
const BAD_ANSWER = (endpoint: string) => new RegExp(`OneFileBadResponseError: ${endpoint.replace(/[{}/]/g, (c) => `\\${c}`)}: field `);

const CASES: Case[] = [
  // ── PICS learner fields (E8: fails at once, no retry, a problem per field) ──
  { name: 'learner without an email', run: enrol((c, id) => db(c).updateTable('pics.learner').set({ email: null }).where('id', '=', id).execute()), expected: E8(['email'], /has no email/) },
  { name: 'learner email that is not an address', run: enrol((c, id) => db(c).updateTable('pics.learner').set({ email: 'jo.bloggs(at)example' }).where('id', '=', id).execute()), expected: E8(['email'], /email address that is not valid/, 'jo.bloggs(at)example') },
  { name: 'first name of spaces only', run: enrol((c, id) => db(c).updateTable('pics.learner').set({ first_name: '   ' }).where('id', '=', id).execute()), expected: E8(['first_name'], /has no first name/) },
  { name: 'empty surname', run: enrol((c, id) => db(c).updateTable('pics.learner').set({ surname: '' }).where('id', '=', id).execute()), expected: E8(['surname'], /has no surname/) },
  { name: 'ULN of 5 digits', run: enrol((c, id) => db(c).updateTable('pics.learner').set({ uln: '12345' }).where('id', '=', id).execute()), expected: E8(['uln'], /ULN that is not 10 digits/) },
  { name: 'NI number of SQL-looking text', run: enrol((c, id) => db(c).updateTable('pics.learner').set({ ni_number: "' OR 1=1-" }).where('id', '=', id).execute()), expected: E8(['ni_number'], /NI number that is not valid: it must start with two prefix letters/, "' OR 1=1-") },
  { name: 'sex outside M, F, 9', run: enrol((c, id) => db(c).updateTable('pics.learner').set({ sex: 'X' }).where('id', '=', id).execute()), expected: E8(['sex'], /has a sex code OneFile does not accept: it takes M, F or 9/) },
  { name: 'born in 1850 (absurd date)', run: enrol((c, id) => db(c).updateTable('pics.learner').set({ birth_date: '1850-01-01' }).where('id', '=', id).execute()), expected: E8(['birth_date'], /has a birth date before 1900: it must be 1900 or later/, '1850') },
  { name: 'born in 2999 (future date)', run: enrol((c, id) => db(c).updateTable('pics.learner').set({ birth_date: '2999-12-31' }).where('id', '=', id).execute()), expected: E8(['birth_date'], /has a birth date of today or later: it must be in the past/) },
  { name: 'planned end before the start', run: enrol((c, id) => db(c).updateTable('pics.learner').set({ start_date: '2026-09-01', expected_end_date: '2025-09-01' }).where('id', '=', id).execute()), expected: E8(['expected_end_date'], /planned end date 2025-09-01 before the start date 2026-09-01/) },
  { name: 'several problems at once, each named', run: enrol((c, id) => db(c).updateTable('pics.learner').set({ email: null, sex: 'Q', uln: 'abc' }).where('id', '=', id).execute()), expected: E8(['email', 'uln', 'sex'], /has no email.*ULN.*sex code OneFile does not accept/) },

  // ── references that exist but cannot be used, or are gone ──
  { name: 'no main officer', run: enrol((c, id) => db(c).updateTable('pics.learner').set({ main_officer_id: null }).where('id', '=', id).execute()), expected: E8(['main_officer_id'], /has no main officer/) },
  {
    name: 'main officer not in OneFile and without an email',
    run: enrol(async (c, id) => db(c).updateTable('pics.learner').set({ main_officer_id: await newOfficer(c, {}) }).where('id', '=', id).execute()),
    expected: { state: 'failed', reason: /is not linked to OneFile and has no email/ },
  },
  {
    name: "main officer's Other System ID is not a OneFile id",
    run: enrol(async (c, id) => db(c).updateTable('pics.learner').set({ main_officer_id: await newOfficer(c, { other_system_id: 'SA-7731', email: 'x@provider.example' }) }).where('id', '=', id).execute()),
    expected: { state: 'failed', reason: /Other System ID "SA-7731", which is not a OneFile id/ },
  },
  {
    name: "main officer's Other System ID names no OneFile user (dangling across systems)",
    run: enrol(async (c, id) => db(c).updateTable('pics.learner').set({ main_officer_id: await newOfficer(c, { other_system_id: '987654', email: 'y@provider.example' }) }).where('id', '=', id).execute()),
    expected: { state: 'failed', reason: /OneFileValidationError: POST \/User: 400 rejected: .*987654/ },
    check: expectNotEnrolled,
  },
  { name: 'no placement', run: enrol((c, id) => db(c).deleteFrom('pics.placement').where('learner_id', '=', id).execute()), expected: E8(['placement'], /has no placement/) },
  { name: 'placement without an organisation', run: enrol((c, id) => db(c).updateTable('pics.placement').set({ organisation_id: null }).where('learner_id', '=', id).execute()), expected: E8(['placement'], /has no organisation/) },
  {
    name: "employer's Additional ID is not a OneFile id",
    run: enrol(async (c, id) => {
      const org = await db(c).insertInto('pics.organisation').values({ ident: 'EBAD1', name: 'Odd Ids Ltd', additional_id: 'E-42' }).returning('id').executeTakeFirstOrThrow();
      await db(c).updateTable('pics.placement').set({ organisation_id: org.id, placement_type: 'P' }).where('learner_id', '=', id).execute();
    }),
    expected: E8(['organisation.additional_id'], /Additional ID "E-42", which is not a OneFile id/),
  },
  {
    name: 'employer name of spaces only',
    run: enrol(async (c, id) => {
      const org = await db(c).insertInto('pics.organisation').values({ ident: 'EBAD2', name: '   ' }).returning('id').executeTakeFirstOrThrow();
      await db(c).updateTable('pics.placement').set({ organisation_id: org.id, placement_type: 'P' }).where('learner_id', '=', id).execute();
    }),
    expected: E8(['placement'], /organisation EBAD2 has no name/),
  },
  {
    name: 'no classroom (no main tag, no default classroom name)',
    settings: { default_classroom_name: null },
    run: enrol((c, id) => db(c).updateTable('pics.learner').set({ main_tag_id: null }).where('id', '=', id).execute()),
    expected: E8(['classroom'], /has no classroom/),
  },
  {
    name: 'a qualification with two pathways and none chosen',
    run: enrol((c, id) => db(c).insertInto('pics.learner_qualification').values({ learner_id: id, qualification_id: 3, start_date: '2026-09-01' }).execute(), {}),
    expected: E8(['pathway.#'], /"Business Administrator" has 2 OneFile pathways: choose one of 41301/),
  },
  {
    name: 'learner id that does not exist (deleted after the click)',
    run: rawJob('enrol', JOB_NAME.enrol, { learnerId: 999_999 }, jobIds.enrol(999_999)),
    expected: { state: 'failed', reason: /learner #999999 does not exist in PICS/ },
  },
  {
    name: 'learner deleted between the click and the sync (a row gone mid-run)',
    run: async (ctx) => {
      const learnerId = ctx.enrolled();
      const queue = ctx.h.producer.queues[QUEUE.dailySync];
      await queue.add(JOB_NAME.syncLearner, { learnerId }, { jobId: jobIds.refreshLearner(learnerId), delay: 500 });
      for (const table of ['pics.learner_officer', 'pics.placement', 'pics.review'] as const) await db(ctx).deleteFrom(table).where('learner_id', '=', learnerId).execute();
      await db(ctx).deleteFrom('pics.learner_unit').where('learner_qualification_id', 'in', (eb) => eb.selectFrom('pics.learner_qualification').select('id').where('learner_id', '=', learnerId)).execute();
      await db(ctx).deleteFrom('pics.learner_qualification').where('learner_id', '=', learnerId).execute();
      await db(ctx).deleteFrom('pics.learner').where('id', '=', learnerId).execute();
      return { queue: 'dailySync', jobId: jobIds.refreshLearner(learnerId), learnerId };
    },
    expected: { state: 'completed' },
    check: async (ctx, learnerId, job) => {
      expect(job.returnvalue).toMatchObject({ status: 'skipped', reason: `learner #${learnerId} no longer exists in PICS` });
      const row = await db(ctx).selectFrom('eportfolio_sync.sync_learner').selectAll().where('learner_id', '=', learnerId!).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'skipped', error: expect.stringMatching(/no longer exists in PICS/) });
    },
  },

  // ── absurd dates and values that do not fit ──
  {
    name: 'a review planned for the last hour of 9999 (its end is not a date OneFile can hold)',
    run: enrol((c, id) => db(c).insertInto('pics.review').values({ learner_id: id, review_type: 'N', planned_date: '9999-12-31', planned_time: '23:30:00', attended: 'U' }).execute()),
    expected: E8(['review.#.planned_date'], /review #\d+ is planned so late that it would end after the year 9999/),
    check: async (ctx, learnerId) => {
      await expectNotEnrolled(ctx, learnerId);
      const review = await db(ctx).selectFrom('pics.review').select('onefile_system_id').where('learner_id', '=', learnerId!).where('planned_date', '=', '9999-12-31').executeTakeFirstOrThrow();
      expect(review.onefile_system_id).toBeNull();
    },
  },
  {
    name: 'a 10,000-character customer token (OneFile refuses it; never echoed)',
    settings: { customer_token: LONG },
    run: enrol(async () => {}),
    expected: { state: 'failed', reason: /OneFileAuthError: POST \/Authentication: 401 unauthorised/, notEchoed: LONG.slice(0, 40) },
    check: expectNotEnrolled,
  },
  {
    name: 'a 10,000-character registration number from OneFile (too long for PICS: the sync changes nothing)',
    run: sync(async (c, id) => {
      const lq = await firstAim(c, id);
      c.h.sim.seed({ learningAims: [{ ID: lq.onefile_learning_aim_id!, RegistrationNumber: LONG, TotalCriteria: 90, CompletedCriteria: 30 }] });
      await db(c).updateTable('pics.learner_qualification').set({ registration_number: null }).where('id', '=', lq.id).execute();
      await remember(c, id);
    }),
    expected: { state: 'failed', reason: /value too long/ },
    check: async (ctx, learnerId) => {
      await expectUnchanged(ctx, learnerId);
      const lq = await firstAim(ctx, learnerId!);
      ctx.h.sim.seed({ learningAims: [{ ID: lq.onefile_learning_aim_id!, RegistrationNumber: 'REG-2026-01' }] }); // OneFile corrected
    },
  },
  {
    name: 'a 10,000-character first name from OneFile with learner demographics pulled',
    settings: { learner_demographics_mode: 'pull' },
    run: sync(async (c, id) => {
      c.h.sim.seed({ users: [{ ID: (await learnerRow(c, id)).onefile_id!, FirstName: LONG }] });
      await remember(c, id);
    }),
    expected: { state: 'failed', reason: /value too long/ },
    check: async (ctx, learnerId) => {
      await expectUnchanged(ctx, learnerId);
      const learner = await learnerRow(ctx, learnerId!);
      ctx.h.sim.seed({ users: [{ ID: learner.onefile_id!, FirstName: learner.first_name }] }); // OneFile corrected
    },
  },

  // ── unicode and SQL-looking text: valid, enrolled exactly as typed ──
  {
    name: 'SQL-looking first name is enrolled verbatim',
    run: enrol((c, id) => db(c).updateTable('pics.learner').set({ first_name: "Robert'); DROP TABLE pics.learner;--" }).where('id', '=', id).execute()),
    expected: { state: 'completed' },
    check: async (ctx, learnerId) => {
      const learner = await learnerRow(ctx, learnerId!);
      expect(ctx.h.sim.state.users.get(learner.onefile_id!)?.FirstName).toBe("Robert'); DROP TABLE pics.learner;--");
      const count = await sql<{ n: string }>`select count(*) as n from pics.learner`.execute(db(ctx));
      expect(Number(count.rows[0]!.n)).toBeGreaterThan(50);
    },
  },
  {
    name: 'unicode names (accents, CJK, emoji, right-to-left) are enrolled verbatim',
    run: enrol((c, id) => db(c).updateTable('pics.learner').set({ first_name: 'Zoë-Siân 李', surname: 'Ó Súilleabháin 🙂 مريم' }).where('id', '=', id).execute()),
    expected: { state: 'completed' },
    check: async (ctx, learnerId) => {
      const user = ctx.h.sim.state.users.get((await learnerRow(ctx, learnerId!)).onefile_id!);
      expect([user?.FirstName, user?.LastName]).toEqual(['Zoë-Siân 李', 'Ó Súilleabháin 🙂 مريم']);
    },
  },
  {
    name: 'SQL-looking, quoted main tag becomes a classroom of exactly that name',
    run: enrol(async (c, id) => {
      const tag = await db(c).insertInto('pics.tag').values({ name: "Cohort 'A'; DELETE FROM x --" }).returning('id').executeTakeFirstOrThrow();
      await db(c).updateTable('pics.learner').set({ main_tag_id: tag.id }).where('id', '=', id).execute();
    }),
    expected: { state: 'completed' },
    check: async (ctx, learnerId) => {
      const user = ctx.h.sim.state.users.get((await learnerRow(ctx, learnerId!)).onefile_id!);
      expect(ctx.h.sim.state.classrooms.get(user!.ClassroomID!)?.Name).toBe("Cohort 'A'; DELETE FROM x --");
    },
  },

  // ── OneFile answers the client cannot use ──
  {
    name: 'an HTML error page (200) for the learner search (after an attempt that sent the create)',
    fault: { badAnswers: [{ endpoint: 'POST /User/Search/{page}/{size}', kind: 'html-200', times: 1 }] },
    // E7 looks the learner up only after an attempt that sent its create; one did, and its answer was lost.
    run: enrol((c, id) => db(c).insertInto('eportfolio_sync.enrol_step').values({ learner_id: id, step: 'learner-create-sent', external_id: null }).execute()),
    expected: { state: 'failed', reason: BAD_ANSWER('POST /User/Search/{page}/{size}') },
    check: expectNotEnrolled,
  },
  {
    name: 'an empty answer where the new learner id belongs (missing fields)',
    fault: { badAnswers: [{ endpoint: 'POST /User', kind: 'missing-fields', times: 1 }] },
    run: enrol(async () => {}),
    expected: { state: 'failed', reason: BAD_ANSWER('POST /User') },
    check: expectNotEnrolled, // OneFile made the learner, but never confirmed it: PICS holds no id
  },
  {
    name: 'truncated JSON for the new learning aim',
    fault: { badAnswers: [{ endpoint: 'POST /Standard/{id}/Assign/{learnerId}', kind: 'truncated-json', times: 1 }] },
    run: enrol(async () => {}),
    expected: { state: 'failed', reason: BAD_ANSWER('POST /Standard/{id}/Assign/{learnerId}') },
    check: async (ctx, learnerId) => {
      expect((await learnerRow(ctx, learnerId!)).onefile_id).not.toBeNull(); // confirmed: kept
      const aims = await db(ctx).selectFrom('pics.learner_qualification').select('onefile_learning_aim_id').where('learner_id', '=', learnerId!).where('onefile_learning_aim_id', 'is not', null).execute();
      expect(aims).toEqual([]); // never confirmed: not written
    },
  },
  {
    name: 'wrong types in the classroom search rows',
    fault: { badAnswers: [{ endpoint: 'POST /Classroom/Search/{page}/{size}', kind: 'wrong-types', times: 1 }] },
    // A classroom no earlier enrol found (E6 remembers the ones it did): its name is looked up in OneFile.
    run: enrol(async (c, id) => {
      const tag = await db(c).insertInto('pics.tag').values({ name: 'Bad Answer Cohort' }).returning('id').executeTakeFirstOrThrow();
      await db(c).updateTable('pics.learner').set({ main_tag_id: tag.id }).where('id', '=', id).execute();
    }),
    expected: { state: 'failed', reason: /OneFileBadResponseError: POST \/Classroom\/Search\/\{page\}\/\{size\}: field \[0\]\.ID: expected an integer/ },
    check: expectNotEnrolled,
  },
  {
    name: 'an HTML error page (500) after the employer placement was made: retried, found, no duplicate',
    fault: { badAnswers: [{ endpoint: 'POST /Placement', kind: 'html-500', times: 1 }] },
    run: enrol(async (c, id) => {
      const org = await db(c).insertInto('pics.organisation').values({ ident: 'ENEW1', name: 'Brand New Employer Ltd' }).returning('id').executeTakeFirstOrThrow();
      await db(c).updateTable('pics.placement').set({ organisation_id: org.id, placement_type: 'P' }).where('learner_id', '=', id).execute();
    }),
    expected: { state: 'completed' },
    check: async (ctx, _learnerId, job) => {
      expect(job.attemptsMade).toBe(2);
      expect([...ctx.h.sim.state.placements.values()].filter((p) => p.Name === 'Brand New Employer Ltd')).toHaveLength(1);
    },
  },
  {
    name: 'an HTML page instead of a session at login (the session is never shown)',
    fault: { expireSessions: true, badAnswers: [{ endpoint: 'POST /Authentication', kind: 'html-200', times: 1 }] },
    run: enrol(async () => {}),
    expected: { state: 'failed', reason: /POST \/Authentication: field session: expected a session token .*\(hidden\)/, notEchoed: '<html' },
    check: expectNotEnrolled,
  },
  {
    name: 'an HTML error page (200) for the learning aim search of a sync',
    fault: { badAnswers: [{ endpoint: 'POST /LearningAim/Search/{page}/{size}', kind: 'html-200', times: 1 }] },
    run: sync(remember),
    expected: { state: 'failed', reason: BAD_ANSWER('POST /LearningAim/Search/{page}/{size}') },
    check: async (ctx, learnerId) => expectUnchanged(ctx, learnerId),
  },
  {
    name: 'truncated JSON for the review search of a sync',
    fault: { badAnswers: [{ endpoint: 'POST /Review/Search/{page}/{size}', kind: 'truncated-json', times: 1 }] },
    run: sync(async (c, id) => {
      await oneFileReview(c, id, '2027-05-03T09:00:00.000Z'); // a page of rows to cut short (an empty search is a bare 204)
      await remember(c, id);
    }),
    expected: { state: 'failed', reason: BAD_ANSWER('POST /Review/Search/{page}/{size}') },
    check: async (ctx, learnerId) => expectUnchanged(ctx, learnerId),
  },
  {
    name: 'wrong types in a learning aim (numbers as text)',
    fault: { badAnswers: [{ endpoint: 'GET /LearningAim/{id}', kind: 'wrong-types', times: 1 }] },
    run: sync(remember),
    expected: { state: 'failed', reason: BAD_ANSWER('GET /LearningAim/{id}') },
    check: async (ctx, learnerId) => expectUnchanged(ctx, learnerId),
  },
  {
    name: 'a review without its ID (missing fields)',
    fault: { badAnswers: [{ endpoint: 'GET /Review/{id}', kind: 'missing-fields', fields: ['ID'], times: 1 }] },
    run: sync(async (c, id) => {
      await oneFileReview(c, id, '2027-05-04T09:00:00.000Z');
      await remember(c, id);
    }),
    expected: { state: 'failed', reason: BAD_ANSWER('GET /Review/{id}') },
    check: async (ctx, learnerId) => expectUnchanged(ctx, learnerId),
  },

  // ── settings a user got wrong ──
  { name: 'no OneFile organisation in the settings', settings: { organisation_id: null }, run: enrol(async () => {}), expected: E8(['organisation'], /no OneFile organisation/) },
  {
    name: 'an environment that does not exist',
    settings: { environment: 'moon' },
    run: enrol(async () => {}),
    expected: { state: 'failed', reason: /onefile_settings\.environment is "moon"; expected one of live, beta, practice/ },
    check: expectNotEnrolled,
  },

  // ── malformed job payloads (ids only; anything else is refused, naming the field) ──
  { name: 'enrol payload with a text learner id', run: rawJob('enrol', JOB_NAME.enrol, { learnerId: 'abc' }, 'enrol-bad-1'), expected: { state: 'failed', reason: /job data learnerId must be a positive whole number, got "abc"/ } },
  { name: 'enrol payload carrying more than ids', run: rawJob('enrol', JOB_NAME.enrol, { learnerId: 5, customerToken: 'leaked' }, 'enrol-bad-2'), expected: { state: 'failed', reason: /unexpected field\(s\): customerToken/, notEchoed: 'leaked' } },
  { name: 'sync payload with a negative learner id', run: rawJob('dailySync', JOB_NAME.syncLearner, { learnerId: -5 }, 'sync-bad-1'), expected: { state: 'failed', reason: /job data learnerId must be a positive whole number, got -5/ } },
  { name: 'daily run payload with an unknown step', run: rawJob('dailySync', JOB_NAME.dailyRun, { step: 'explode' }, 'daily-bad-1'), expected: { state: 'failed', reason: /job data step must be fan-out or summarise/ } },
  { name: 'enrol payload that is not an object', run: rawJob('enrol', JOB_NAME.enrol, [1, 2, 3], 'enrol-bad-3'), expected: { state: 'failed', reason: /job data must be an object/ } },
  // Last, so the learners the cases above take from the pool stay the same.
  { name: 'NI number of the right form with a prefix HMRC never issues', run: enrol((c, id) => db(c).updateTable('pics.learner').set({ ni_number: 'GB123456A' }).where('id', '=', id).execute()), expected: E8(['ni_number'], /NI number that is not valid: prefix 'GB' is never issued by HMRC/, 'GB123456A') },
];

/** Cases after which OneFile holds a record PICS does not (never confirmed): enrolled again at the end. */
const HALF_ENROLLED = ['an empty answer where the new learner id belongs (missing fields)', 'truncated JSON for the new learning aim'];
const learnerOf = new Map<string, number>();

describe('bad input: a clear recorded answer for each, no crash, nothing half-written', () => {
  let h: Harness;
  let ctx: Ctx;
  let settingsRow: Record<string, unknown>;

  beforeAll(async () => {
    h = await startHarness({ seed: { learners: 110, includeProblemLearners: false }, env: { RETRY_BACKOFF_MS: '50', ONEFILE_TIMEOUT_MS: '3000' } });
    const links = await h.producer.enqueueRefreshLinks('cli');
    await h.waitForJob(h.producer.queues[QUEUE.refreshLinks], links.jobId);
    const pool = await enrolableLearners(h.t.db, CHOICES, 110);
    const synced = pool.slice(70);
    await preEnrol(h.t.db, h.sim, synced, CHOICES);
    // Sync cases need a learner with a learning aim in OneFile.
    const withAims = new Set((await h.t.db.selectFrom('pics.learner_qualification').select('learner_id').where('onefile_learning_aim_id', 'is not', null).execute()).map((r) => r.learner_id));
    const fresh = pool.slice(0, 70);
    const enrolled = synced.filter((id) => withAims.has(id));
    ctx = {
      h,
      fresh: () => fresh.shift() ?? (() => { throw new Error('no fresh learner left'); })(),
      enrolled: () => enrolled.shift() ?? (() => { throw new Error('no enrolled learner left'); })(),
    };
    settingsRow = await h.t.db.selectFrom('pics.onefile_settings').selectAll().executeTakeFirstOrThrow();
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  it(`has at least 30 cases (${CASES.length})`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    if (c.settings) await h.t.db.updateTable('pics.onefile_settings').set(c.settings).execute();
    if (c.fault) h.sim.setFaults(c.fault);
    let learnerId: number | undefined;
    let job: Job;
    try {
      const started = await c.run(ctx);
      learnerId = started.learnerId;
      if (learnerId !== undefined) learnerOf.set(c.name, learnerId);
      [job] = (await waitForJobs(h.producer.queues[QUEUE[started.queue]], [started.jobId], 30_000)) as [Job];
    } finally {
      h.sim.setFaults({ badAnswers: [] });
      if (c.settings) await h.t.db.updateTable('pics.onefile_settings').set(Object.fromEntries(Object.keys(c.settings).map((k) => [k, settingsRow[k]]))).execute();
    }
    const state = await job.getState();
    expect({ state, reason: state === 'failed' ? job.failedReason : undefined }).toEqual({
      state: c.expected.state, reason: c.expected.state === 'failed' ? expect.stringMatching(c.expected.reason ?? /./) : undefined,
    });

    const queueName = job.queueName;
    const outcome = await h.t.db.selectFrom('eportfolio_sync.job_outcome').selectAll().where('queue', '=', queueName).where('job_id', '=', job.id!).orderBy('id', 'desc').executeTakeFirst();
    if (c.expected.state === 'failed') {
      expect(outcome).toMatchObject({ outcome: 'failed', reason: expect.stringMatching(c.expected.reason ?? /./) });
      if (c.expected.notEchoed) {
        expect(job.failedReason).not.toContain(c.expected.notEchoed);
        expect(outcome?.reason).not.toContain(c.expected.notEchoed);
      }
      if (queueName === QUEUE.enrol && learnerId !== undefined) {
        const status = await h.producer.enrolStatus(learnerId);
        expect(status).toMatchObject({ status: 'failed', errorMessage: expect.stringMatching(c.expected.reason ?? /./) });
        if (c.expected.notEchoed) expect(JSON.stringify(status)).not.toContain(c.expected.notEchoed);
        if (c.expected.problems) {
          expect(job.attemptsMade).toBe(1); // E8: no retries
          const field = (f: string) => f.replace(/\.\d+(?=\.|$)/g, '.#'); // pathway.3 → pathway.#
          expect(status!.problems.map((p) => field(p.field)).sort()).toEqual([...c.expected.problems].sort());
          expect(status!.errorCode).toBe('invalid');
        }
      }
    } else {
      expect(outcome?.outcome).toBe('completed');
    }
    await c.check?.(ctx, learnerId, job);
  }, 60_000);

  it('afterwards the daemon still enrols, OneFile holds no duplicate, and PICS and OneFile agree', async () => {
    const learnerId = ctx.fresh();
    const { jobId } = await h.producer.enqueueEnrol(learnerId, CHOICES);
    const [job] = await waitForJobs(h.producer.queues[QUEUE.enrol], [jobId], 30_000);
    expect(await job!.getState()).toBe('completed');
    expect(h.logs.filter((l) => /"level":60/.test(l))).toEqual([]);
    expect(duplicatesIn(h.sim)).toEqual([]);
    // Learners a bad answer left half-enrolled (OneFile made a record it never confirmed) are enrolled again,
    // as a PICS user would: each finds what OneFile made instead of making it twice. Then all agree.
    const again: string[] = [];
    for (const name of HALF_ENROLLED) again.push((await h.producer.enqueueEnrol(learnerOf.get(name)!, CHOICES)).jobId);
    for (const j of await waitForJobs(h.producer.queues[QUEUE.enrol], again, 30_000)) expect(await j.getState()).toBe('completed');
    // Learners whose sync failed are synced by the next run (here: Refresh with OneFile each).
    const refreshed: string[] = [];
    for (const c of CASES.filter((k) => k.expected.state === 'failed' && k.run.name === 'syncCase')) {
      refreshed.push((await h.producer.enqueueLearnerSync(learnerOf.get(c.name)!)).jobId);
    }
    expect(refreshed.length).toBeGreaterThanOrEqual(6);
    for (const j of await waitForJobs(h.producer.queues[QUEUE.dailySync], refreshed, 30_000)) {
      expect({ id: j.id, state: await j.getState() }).toEqual({ id: j.id, state: 'completed' });
    }
    expect(duplicatesIn(h.sim)).toEqual([]);
    expect(await disagreements(h.t.db, h.sim)).toEqual([]);
  }, 60_000);
});
