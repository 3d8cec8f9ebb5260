import type { Kysely } from 'kysely';
import { withEntityLock } from '../../db/entity-lock.js';
import type { DB } from '../../db/handle.js';
import type { Logger } from '../../logging/logger.js';
import { readOrganisationAdditionalId, setLearnerSmartAssessorId, setOrganisationAdditionalId } from '../../pics/index.js';
import { SmartAssessorRefusedError } from '../../smartassessor/errors.js';
import type { SmartAssessorApi } from '../../smartassessor/types.js';
import { readEnrolSteps, recordEnrolStep } from '../../store/enrol.js';
import { EnrolInvalidError } from '../errors.js';
import { matchEmployer, matchLearner, type Match } from './match.js';
import type { SaEmployerUpload, SaEnrolPlan } from './plan.js';

/*
 * Executes a Smart Assessor enrol plan (A2–A4), crash-safe and duplicate-free by E7's standard: each step's
 * id is recorded in the worker's schema as soon as Smart Assessor answers, before it is written back to PICS;
 * before creating an employer or a learner, the bulk read is searched for it (match.ts); and shared records
 * are found-or-created under a Postgres advisory lock, so two enrols never both create one employer.
 */

export const STEP = { employer: 'sa:employer', learner: 'sa:learner' } as const;

export interface SaEnrolCtx {
  db: Kysely<DB>;
  client: SmartAssessorApi;
  logger: Logger;
  signal?: AbortSignal | undefined;
}

export interface SaEnrolResult {
  smartAssessorLearnerId: string;
  employerId: number;
  employer: 'linked' | 'found' | 'created' | 'resumed';
  learner: 'found' | 'created' | 'resumed';
  mainOfficerSent: boolean;
}

function taken<T>(match: Match<T>): T | null {
  if (match.kind === 'conflict') throw new EnrolInvalidError([{ field: 'smartassessor', message: match.message }], 'duplicate-in-eportfolio');
  return match.kind === 'found' ? match.id : null;
}

/** What a PICS user must fix, in their terms: Smart Assessor refused the data the plan sent. */
async function refusalsAsProblems<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof SmartAssessorRefusedError) throw new EnrolInvalidError([{ field: 'smartassessor', message: error.message }]);
    throw error;
  }
}

/** A4: by Additional ID; else found in Smart Assessor (ours after a crash, or one EDRS number); else created. */
async function resolveEmployer(ctx: SaEnrolCtx, employer: SaEmployerUpload): Promise<{ id: number; how: SaEnrolResult['employer'] }> {
  if (employer.smartAssessorId !== null) return { id: employer.smartAssessorId, how: 'linked' };
  return withEntityLock(ctx.db, `smartassessor:employer:${employer.organisationId}`, async (conn) => {
    // Another learner's enrol may have created and stored it while this one waited for the lock.
    const stored = await readOrganisationAdditionalId(conn, employer.organisationId);
    if (stored !== null) return { id: stored, how: 'linked' as const };
    const found = taken(matchEmployer(await ctx.client.getAllEmployers(), employer.record));
    const id = found ?? (await refusalsAsProblems(() => ctx.client.insertEmployer(employer.record)));
    await setOrganisationAdditionalId(conn, employer.organisationId, String(id));
    return { id, how: found === null ? ('created' as const) : ('found' as const) };
  }, { signal: ctx.signal });
}

export async function executeSmartAssessorEnrol(ctx: SaEnrolCtx, plan: SaEnrolPlan): Promise<SaEnrolResult> {
  const { db, client, logger } = ctx;
  const steps = await readEnrolSteps(db, plan.learnerId);

  let employerId = steps.has(STEP.employer) ? Number(steps.get(STEP.employer)) : null;
  let employerHow: SaEnrolResult['employer'] = 'resumed';
  if (employerId === null) {
    const resolved = await resolveEmployer(ctx, plan.employer);
    employerId = resolved.id;
    employerHow = resolved.how;
    await recordEnrolStep(db, plan.learnerId, STEP.employer, String(employerId));
  }

  let learnerId = steps.get(STEP.learner) ?? null;
  let learnerHow: SaEnrolResult['learner'] = 'resumed';
  if (learnerId === null) {
    const resolved = await withEntityLock(db, `smartassessor:learner:${plan.learnerId}`, async () => {
      const found = taken(matchLearner(await client.getAllLearners(), plan.learner));
      if (found !== null) {
        logger.warn({ smartAssessorLearnerId: found }, 'learner already in Smart Assessor under its MIS id (an earlier attempt lost the answer): taking it');
        return { id: found, how: 'found' as const };
      }
      const id = await refusalsAsProblems(() => client.insertLearner({ ...plan.learner, employerSmartAssessorId: employerId! }));
      return { id, how: 'created' as const };
    }, { signal: ctx.signal });
    learnerId = resolved.id;
    learnerHow = resolved.how;
    // Recorded before PICS is written: a crash between the two resumes here instead of refusing the learner.
    await recordEnrolStep(db, plan.learnerId, STEP.learner, learnerId);
  }
  await setLearnerSmartAssessorId(db, plan.learnerId, learnerId);
  return { smartAssessorLearnerId: learnerId, employerId, employer: employerHow, learner: learnerHow, mainOfficerSent: plan.mainOfficer !== null };
}
