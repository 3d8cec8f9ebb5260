import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/types.js';
import type { EnrolChoices, EnrolProblem, NotLinkedQualification } from '../rules/enrol-plan.js';

// Enrol progress and outcome per learner (E7, E8), readable by PICSWeb through the producer API.

export type EnrolStatus = 'queued' | 'running' | 'completed' | 'failed' | 'refused';

export async function recordEnrolRequested(db: Kysely<DB>, learnerId: number, jobId: string, choices: EnrolChoices): Promise<void> {
  await db
    .insertInto('eportfolio_sync.enrol')
    .values({ learner_id: learnerId, status: 'queued', job_id: jobId, options: JSON.stringify(choices) })
    .onConflict((oc) => oc.column('learner_id').doUpdateSet({
      // A finished enrol is not reset by a second request; the job refuses it with a reason instead.
      status: sql`case when eportfolio_sync.enrol.status in ('completed') then eportfolio_sync.enrol.status else 'queued' end`,
      job_id: jobId, options: JSON.stringify(choices), requested_at: new Date(), updated_at: new Date(),
    }))
    .execute();
}

export async function recordEnrolStarted(db: Kysely<DB>, learnerId: number, jobId: string | null): Promise<void> {
  await db
    .insertInto('eportfolio_sync.enrol')
    .values({ learner_id: learnerId, status: 'running', job_id: jobId, attempts: 1, started_at: new Date() })
    .onConflict((oc) => oc.column('learner_id').doUpdateSet({
      status: 'running', job_id: jobId, attempts: sql`eportfolio_sync.enrol.attempts + 1`,
      started_at: sql`coalesce(eportfolio_sync.enrol.started_at, now())`, error_code: null, error_message: null,
      problems: JSON.stringify([]), updated_at: new Date(),
    }))
    .execute();
}

export async function recordEnrolOutcome(
  db: Kysely<DB>, learnerId: number,
  outcome:
    | { status: 'completed'; externalLearnerId: string; notLinked: NotLinkedQualification[] }
    | { status: 'failed' | 'refused'; code: string; message: string; problems?: EnrolProblem[] },
): Promise<void> {
  const now = new Date();
  const values = outcome.status === 'completed'
    ? { status: 'completed', external_learner_id: outcome.externalLearnerId, not_linked: JSON.stringify(outcome.notLinked), error_code: null, error_message: null, problems: JSON.stringify([]) }
    : { status: outcome.status, error_code: outcome.code, error_message: outcome.message, problems: JSON.stringify(outcome.problems ?? []) };
  await db
    .insertInto('eportfolio_sync.enrol')
    .values({ learner_id: learnerId, ...values, finished_at: now, updated_at: now })
    .onConflict((oc) => oc.column('learner_id').doUpdateSet({ ...values, finished_at: now, updated_at: now }))
    .execute();
}

/** The ePortfolio learner id a completed enrol of this learner recorded (kept while later attempts run). */
export async function completedEnrolLearnerId(db: Kysely<DB>, learnerId: number): Promise<string | null> {
  const row = await db.selectFrom('eportfolio_sync.enrol').select('external_learner_id').where('learner_id', '=', learnerId).executeTakeFirst();
  return row?.external_learner_id ?? null;
}

/** Steps done so far for this learner (E7): step key → the id it produced. */
export async function readEnrolSteps(db: Kysely<DB>, learnerId: number): Promise<Map<string, string | null>> {
  const rows = await db.selectFrom('eportfolio_sync.enrol_step').select(['step', 'external_id']).where('learner_id', '=', learnerId).execute();
  return new Map(rows.map((r) => [r.step, r.external_id]));
}

export async function recordEnrolStep(db: Kysely<DB>, learnerId: number, step: string, externalId: string | null): Promise<void> {
  await db
    .insertInto('eportfolio_sync.enrol_step')
    .values({ learner_id: learnerId, step, external_id: externalId })
    .onConflict((oc) => oc.columns(['learner_id', 'step']).doUpdateSet({ external_id: externalId, done_at: new Date() }))
    .execute();
}

export interface EnrolStatusView {
  learnerId: number;
  status: EnrolStatus;
  jobId: string | null;
  attempts: number;
  externalLearnerId: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  problems: EnrolProblem[];
  notLinked: NotLinkedQualification[];
  requestedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  stepsDone: string[];
}

export async function readEnrolStatus(db: Kysely<DB>, learnerId: number): Promise<EnrolStatusView | null> {
  const [row, steps] = await Promise.all([
    db.selectFrom('eportfolio_sync.enrol').selectAll().where('learner_id', '=', learnerId).executeTakeFirst(),
    db.selectFrom('eportfolio_sync.enrol_step').select('step').where('learner_id', '=', learnerId).orderBy('done_at').execute(),
  ]);
  if (!row) return null;
  return {
    learnerId: row.learner_id,
    status: row.status as EnrolStatus,
    jobId: row.job_id,
    attempts: row.attempts,
    externalLearnerId: row.external_learner_id,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    problems: row.problems as unknown as EnrolProblem[],
    notLinked: row.not_linked as unknown as NotLinkedQualification[],
    requestedAt: row.requested_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    stepsDone: steps.map((s) => s.step),
  };
}
