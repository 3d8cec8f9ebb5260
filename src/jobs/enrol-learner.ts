import { INTEGRATION_DISABLED } from '../eportfolio/active.js';
import { EnrolInvalidError } from '../eportfolio/errors.js';
import { activeEPortfolio, type EPortfolioFactories } from '../eportfolio/select.js';
import { JOB_NAME } from '../queues/job-options.js';
import { QUEUE } from '../queues/names.js';
import { parseEnrolJobData, type EnrolJobData } from '../queues/payloads.js';
import type { EnrolChoices } from '../rules/enrol-plan.js';
import { recordEnrolOutcome, recordEnrolStarted, readEnrolStatus } from '../store/enrol.js';
import { recordFirstSyncDone } from '../store/first-sync.js';
import { readOneFileSettings } from '../pics/index.js';
import { assertWireContract } from './contract-gate.js';
import type { JobDefinition } from './definition.js';

function choicesOf(data: EnrolJobData): EnrolChoices {
  return {
    ...(data.organisationId ? { organisationId: data.organisationId } : {}),
    ...(data.pathways ? { pathways: Object.fromEntries(Object.entries(data.pathways).map(([q, s]) => [Number(q), s])) } : {}),
  };
}

/** Create in OneFile (or Smart Assessor): the learner upload, crash-safe and never a duplicate (E1–E8, A2–A4). */
export function enrolLearnerJob(factories: EPortfolioFactories): JobDefinition<EnrolJobData> {
  return {
    queue: QUEUE.enrol,
    name: JOB_NAME.enrol,
    parse: parseEnrolJobData,
    learnerIdOf: (data) => data.learnerId,
    // A cohort's enrol (it carries its batch) is batch work; a Create in OneFile click is not.
    laneOf: (data) => (data.batchId ? 'batch' : 'interactive'),
    async handle(ctx) {
      const { deps } = ctx;
      const { learnerId } = ctx.data;
      const ePortfolio = await activeEPortfolio(deps.db, factories);
      if (!ePortfolio) return ctx.skip(INTEGRATION_DISABLED);
      if (ePortfolio.provider === 'onefile') {
        const settings = await readOneFileSettings(deps.db);
        if (settings) await assertWireContract(deps.db, settings);
      }
      await recordEnrolStarted(deps.db, learnerId, ctx.job.id ?? null);
      try {
        const outcome = await ePortfolio.enrol(learnerId, choicesOf(ctx.data), {
          signal: ctx.signal, logger: ctx.logger, jobId: ctx.job.id ?? null, linksMaxAgeHours: deps.config.links.maxAgeHours, lane: ctx.lane,
        });
        await deps.db.transaction().execute(async (trx) => {
          await recordEnrolOutcome(trx, learnerId, { status: 'completed', externalLearnerId: outcome.externalLearnerId, notLinked: outcome.notLinked });
          // D11: the enrol uploaded the learner's reviews (E3), so its first daily sync has none of that left to do.
          if (ePortfolio.provider === 'onefile') await recordFirstSyncDone(trx, learnerId);
        });
        ctx.logger.info({ provider: ePortfolio.provider, ...outcome.summary }, 'learner enrolled');
        return { provider: ePortfolio.provider, ...outcome.summary };
      } catch (error) {
        if (error instanceof EnrolInvalidError) {
          await recordEnrolOutcome(deps.db, learnerId, {
            status: error.code === 'refused' ? 'refused' : 'failed',
            code: error.code === 'refused' ? 'already-enrolled' : error.code,
            message: error.message,
            problems: error.problems,
          });
        }
        throw error;
      }
    },
    async onFinalFailure(ctx, reason) {
      const { deps } = ctx;
      const status = await readEnrolStatus(deps.db, ctx.data.learnerId);
      // Running, or still queued when it failed before starting (settings it could not read): PICSWeb must see why.
      if (status?.status === 'running' || status?.status === 'queued') {
        await recordEnrolOutcome(deps.db, ctx.data.learnerId, { status: 'failed', code: 'error', message: reason });
      }
    },
  };
}
