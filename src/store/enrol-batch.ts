import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/types.js';
import type { EnrolChoices, EnrolProblem } from '../rules/enrol-plan.js';
import type { EnrolStatus } from './enrol.js';

// A cohort's enrol as one batch (issue 21): the batch, and what became of each learner when it was asked. Each
// learner's progress is its enrol row (store/enrol.ts), whichever job — the batch's or a click's — enrols it.

export type BatchAdmission = 'queued' | 'already-queued' | 'refused';
export type BatchReason = 'api' | 'cli' | 'bench';

export interface BatchMember {
  learnerId: number;
  admitted: BatchAdmission;
  /** The job enrolling the learner when the batch was asked (its own, or the click's or earlier batch's). */
  jobId: string | null;
  refusal?: { code: string; message: string };
}

export async function startEnrolBatch(db: Kysely<DB>, reason: BatchReason, choices: EnrolChoices): Promise<number> {
  const row = await db.insertInto('eportfolio_sync.enrol_batch').values({ reason, options: JSON.stringify(choices) }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function recordBatchMembers(db: Kysely<DB>, batchId: number, members: BatchMember[]): Promise<void> {
  // Chunks: a cohort of thousands stays well inside Postgres's 65,535 bind parameters.
  for (let i = 0; i < members.length; i += 1000) {
    await db.insertInto('eportfolio_sync.enrol_batch_learner').values(members.slice(i, i + 1000).map((m) => ({
      batch_id: batchId, learner_id: m.learnerId, admitted: m.admitted, job_id: m.jobId,
      refusal_code: m.refusal?.code ?? null, refusal_message: m.refusal?.message ?? null,
    }))).execute();
  }
}

/** Where a learner of the batch stands: refused when asked, or its enrol's status now. */
export type BatchLearnerState = EnrolStatus | 'refused-when-asked';

export interface BatchFailure {
  learnerId: number;
  state: 'failed' | 'refused' | 'refused-when-asked';
  code: string | null;
  message: string | null;
  /** E8: what a PICS user must fix. */
  problems: EnrolProblem[];
}

export interface BatchProgress {
  batchId: number;
  requestedAt: Date;
  reason: BatchReason;
  learners: number;
  admitted: Record<BatchAdmission, number>;
  /** Learners by where they stand now; a learner enrolled by a click or another batch counts as its enrol does. */
  states: Record<BatchLearnerState, number>;
  /** Every learner is completed, failed or refused. */
  finished: boolean;
  /** The first failures (by learner id), up to the limit asked for. */
  failures: BatchFailure[];
  failuresTotal: number;
}

const STATES: BatchLearnerState[] = ['queued', 'running', 'completed', 'failed', 'refused', 'refused-when-asked'];

export async function readBatchProgress(db: Kysely<DB>, batchId: number, failureLimit = 200): Promise<BatchProgress | null> {
  const batch = await db.selectFrom('eportfolio_sync.enrol_batch').selectAll().where('id', '=', batchId).executeTakeFirst();
  if (!batch) return null;
  const state = sql<BatchLearnerState>`case when m.admitted = 'refused' then 'refused-when-asked' else coalesce(e.status, 'queued') end`;
  const counts = await db
    .selectFrom('eportfolio_sync.enrol_batch_learner as m')
    .leftJoin('eportfolio_sync.enrol as e', 'e.learner_id', 'm.learner_id')
    .select([state.as('state'), 'm.admitted', sql<string>`count(*)`.as('n')])
    .where('m.batch_id', '=', batchId)
    .groupBy([sql`1`, 'm.admitted'])
    .execute();
  const failed = db
    .selectFrom('eportfolio_sync.enrol_batch_learner as m')
    .leftJoin('eportfolio_sync.enrol as e', 'e.learner_id', 'm.learner_id')
    .where('m.batch_id', '=', batchId)
    .where((eb) => eb.or([eb('m.admitted', '=', 'refused'), eb('e.status', 'in', ['failed', 'refused'])]));
  const [rows, total] = await Promise.all([
    failed.select(['m.learner_id', 'm.admitted', 'm.refusal_code', 'm.refusal_message', 'e.status', 'e.error_code', 'e.error_message', 'e.problems'])
      .orderBy('m.learner_id').limit(failureLimit).execute(),
    failed.select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  const states = Object.fromEntries(STATES.map((s) => [s, 0])) as Record<BatchLearnerState, number>;
  const admitted: Record<BatchAdmission, number> = { queued: 0, 'already-queued': 0, refused: 0 };
  for (const row of counts) {
    states[row.state] += Number(row.n);
    admitted[row.admitted as BatchAdmission] += Number(row.n);
  }
  const learners = Object.values(admitted).reduce((a, b) => a + b, 0);
  return {
    batchId: batch.id, requestedAt: batch.requested_at, reason: batch.reason as BatchReason, learners, admitted, states,
    finished: states.queued + states.running === 0,
    failures: rows.map((r) => r.admitted === 'refused'
      ? { learnerId: r.learner_id, state: 'refused-when-asked' as const, code: r.refusal_code, message: r.refusal_message, problems: [] }
      : {
        learnerId: r.learner_id, state: r.status as 'failed' | 'refused', code: r.error_code ?? null, message: r.error_message ?? null,
        problems: (r.problems ?? []) as unknown as EnrolProblem[],
      }),
    failuresTotal: Number(total.n),
  };
}

/** The latest batches, newest first (ops' view; the API reads one batch). */
export async function latestBatchIds(db: Kysely<DB>, limit: number): Promise<number[]> {
  const rows = await db.selectFrom('eportfolio_sync.enrol_batch').select('id').orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => r.id);
}
