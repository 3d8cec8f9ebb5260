import { UnrecoverableError } from 'bullmq';
import type { Deps } from '../deps.js';
import { INTEGRATION_DISABLED, resolveActiveEPortfolio } from '../eportfolio/active.js';
import { EnrolInvalidError } from '../eportfolio/errors.js';
import { decideEnrol } from '../eportfolio/onefile/enrol-input.js';
import { executeOneFileEnrol } from '../eportfolio/onefile/enrol.js';
import type { OneFileClientFactory } from '../onefile/client.js';
import { QUEUE } from '../queues/names.js';
import type { EnrolChoices } from '../rules/enrol-plan.js';
import { recordEnrolOutcome, recordEnrolStarted, readEnrolStatus } from '../store/enrol.js';
import { parseEnrolJobData, type EnrolJobData } from './payloads.js';
import type { JobDefinition } from './registry.js';
import { createProcessor } from './runner.js';

function choicesOf(data: EnrolJobData): EnrolChoices {
  return {
    ...(data.organisationId ? { organisationId: data.organisationId } : {}),
    ...(data.pathways ? { pathways: Object.fromEntries(Object.entries(data.pathways).map(([q, s]) => [Number(q), s])) } : {}),
  };
}

/** Create in OneFile: the learner upload (E1–E8), crash-safe and never a duplicate. */
export function enrolLearnerJob(createClient: OneFileClientFactory): JobDefinition {
  return {
    queue: QUEUE.enrol,
    concurrency: (deps) => deps.config.workers.enrolConcurrency,
    createProcessor: (deps: Deps) =>
      createProcessor(deps, {
        queue: QUEUE.enrol,
        parse: parseEnrolJobData,
        learnerIdOf: (data) => data.learnerId,
        async handle(ctx) {
          const { learnerId } = ctx.data;
          const active = await resolveActiveEPortfolio(deps.db);
          if (active.provider === 'none') return ctx.skip(INTEGRATION_DISABLED);
          if (active.provider !== 'onefile') {
            throw new UnrecoverableError('enrolling in Smart Assessor is not supported by this worker yet');
          }
          await recordEnrolStarted(deps.db, learnerId, ctx.job.id ?? null);
          const { decision } = await decideEnrol(deps.db, learnerId, active.settings, choicesOf(ctx.data));
          if (decision.kind === 'refused') {
            await recordEnrolOutcome(deps.db, learnerId, { status: 'refused', code: 'already-enrolled', message: decision.reason });
            throw new EnrolInvalidError([{ field: 'learner', message: decision.reason }], 'refused');
          }
          if (decision.kind === 'invalid') {
            const message = decision.problems.map((p) => p.message).join('; ');
            await recordEnrolOutcome(deps.db, learnerId, { status: 'failed', code: 'invalid', message, problems: decision.problems });
            throw new EnrolInvalidError(decision.problems);
          }
          const client = createClient(active.settings, { signal: ctx.signal });
          try {
            const result = await executeOneFileEnrol({ db: deps.db, client, settings: active.settings, logger: ctx.logger }, decision.plan);
            await recordEnrolOutcome(deps.db, learnerId, { status: 'completed', externalLearnerId: String(result.oneFileLearnerId), notLinked: decision.plan.notLinked });
            const summary = {
              oneFileLearnerId: result.oneFileLearnerId, learningAims: Object.keys(result.aims).length, reviews: Object.keys(result.reviews).length,
              notLinked: decision.plan.notLinked.length, callsMade: client.callsMade(),
            };
            ctx.logger.info(summary, 'learner enrolled');
            return summary;
          } catch (error) {
            if (error instanceof EnrolInvalidError) {
              await recordEnrolOutcome(deps.db, learnerId, { status: 'failed', code: error.code, message: error.message, problems: error.problems });
            }
            throw error;
          }
        },
        async onFinalFailure(ctx, reason) {
          const status = await readEnrolStatus(deps.db, ctx.data.learnerId);
          if (status?.status === 'running') {
            await recordEnrolOutcome(deps.db, ctx.data.learnerId, { status: 'failed', code: 'error', message: reason });
          }
        },
      }),
  };
}
