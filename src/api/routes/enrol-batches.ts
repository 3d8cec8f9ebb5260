import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { scrubText } from '../../http/dashboard-redaction.js';
import { MAX_BATCH_LEARNERS } from '../../producer/enrol-batch.js';
import { enrolQueueOfJob } from '../../queues/job-options.js';
import type { ApiContext } from '../context.js';
import { ApiProblem, FieldError, problemResponses } from '../problems.js';
import { DateTime, jobHref, Nullable, RowId } from '../schemas.js';
import { EnrolChoicesBody, toChoices } from './enrol.js';

/*
 * A cohort enrolled as one batch (issue 21). Each learner's enrol is queued as batch work: behind every
 * Create in OneFile and Refresh with OneFile click, for workers and for OneFile calls alike. No preview runs
 * here: a learner PICS users must fix fails its enrol at once, without a OneFile call (E8), and the batch's
 * progress lists it with the problems to fix.
 */

const BatchBody = Type.Object({
  learnerIds: Type.Array(RowId('PICS learner id (pics.learner.id)'), {
    minItems: 1, maxItems: MAX_BATCH_LEARNERS, description: `The cohort: 1 to ${MAX_BATCH_LEARNERS} learners, each once.`,
  }),
  ...EnrolChoicesBody.properties,
}, { additionalProperties: false });

const Member = Type.Object({
  learnerId: Type.Integer(),
  job: Nullable(Type.Object({ queue: Type.String(), id: Type.String(), href: Type.String() }, { additionalProperties: false })),
}, { additionalProperties: false });

const BatchAccepted = Type.Object({
  batchId: Type.Integer(),
  href: Type.String({ description: 'Poll this for the batch\'s progress.' }),
  learners: Type.Integer(),
  queued: Type.Array(Member, { description: 'Learners whose enrol this batch queued (on the enrol-batch queue).' }),
  alreadyQueued: Type.Array(Member, { description: 'Learners whose enrol was already waiting or running — a click stays a click; the batch follows that job.' }),
  refused: Type.Array(Type.Object({
    learnerId: Type.Integer(),
    code: Type.Union([Type.Literal('unknown-learner'), Type.Literal('already-enrolled')]),
    message: Type.String(),
  }, { additionalProperties: false }), { description: 'Refused at once, nothing queued: unknown in PICS, or already enrolled (E7).' }),
}, { additionalProperties: false, description: 'Accepted: the batch, and what became of each learner' });

const BatchParams = Type.Object({ batchId: RowId('Enrol batch id (the batchId a POST answered)') }, { additionalProperties: false });

const Progress = Type.Object({
  batchId: Type.Integer(),
  requestedAt: DateTime(),
  learners: Type.Integer(),
  states: Type.Object({
    queued: Type.Integer(), running: Type.Integer(), completed: Type.Integer(), failed: Type.Integer(),
    refused: Type.Integer({ description: 'The enrol refused the learner (E7/E8 at job time).' }),
    refusedWhenAsked: Type.Integer({ description: 'Refused by the POST, never queued.' }),
  }, { additionalProperties: false, description: 'Learners by where their enrol stands now, whichever job (the batch\'s or a click\'s) does it.' }),
  finished: Type.Boolean({ description: 'Nothing left queued or running: stop polling.' }),
  failures: Type.Array(Type.Object({
    learnerId: Type.Integer(),
    state: Type.String({ description: 'failed, refused or refused-when-asked' }),
    code: Nullable(Type.String()),
    message: Nullable(Type.String({ description: 'Personal values masked.' })),
    problems: Type.Array(FieldError, { description: 'E8: what a PICS user must fix first.' }),
  }, { additionalProperties: false }), { description: 'The first 200 failures, by learner id.' }),
  failuresTotal: Type.Integer(),
}, { additionalProperties: false, description: "The batch's progress" });

const memberView = (learnerId: number, jobId: string | null) => ({
  learnerId, job: jobId ? { queue: enrolQueueOfJob(jobId), id: jobId, href: jobHref(enrolQueueOfJob(jobId), jobId) } : null,
});

export function enrolBatchRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.post('/enrol-batches', {
    // A cohort's ids outgrow the API's default body limit (api.bodyLimitBytes): room for the largest batch.
    bodyLimit: MAX_BATCH_LEARNERS * 12 + 4_096,
    schema: {
      summary: 'Enrol a cohort as one batch, behind every click',
      description: 'Queues each learner\'s enrol as batch work: a Create in OneFile or Refresh with OneFile click goes first, whatever the batch. '
        + 'A learner already queued (by a click or an earlier batch) keeps that job; an unknown or enrolled one is refused and listed. '
        + 'The choices (organisation, pathways) apply to every learner of the batch. Follow it at GET /enrol-batches/{batchId}.',
      tags: ['enrol'], body: BatchBody,
      response: { 202: BatchAccepted, ...problemResponses(400, 401, 413, 415, 429) },
    },
  }, async (request, reply) => {
    const { learnerIds, ...choiceFields } = request.body;
    const seen = new Map<number, number>();
    for (const [i, id] of learnerIds.entries()) {
      const first = seen.get(id);
      if (first !== undefined) {
        throw new ApiProblem(400, 'invalid-request', 'a batch names each learner once', [{ field: `body.learnerIds[${i}]`, message: `repeats learner ${id}, given at [${first}]` }]);
      }
      seen.set(id, i);
    }
    const answer = await ctx.producer.enqueueEnrolBatch(learnerIds, toChoices(choiceFields), 'api');
    return reply.code(202).send({
      batchId: answer.batchId,
      href: `/api/v1/enrol-batches/${answer.batchId}`,
      learners: answer.learners.length,
      queued: answer.learners.filter((m) => m.admitted === 'queued').map((m) => memberView(m.learnerId, m.jobId)),
      alreadyQueued: answer.learners.filter((m) => m.admitted === 'already-queued').map((m) => memberView(m.learnerId, m.jobId)),
      refused: answer.learners.flatMap((m) => (m.admitted === 'refused' && m.refusal
        ? [{ learnerId: m.learnerId, code: m.refusal.code as 'unknown-learner' | 'already-enrolled', message: m.refusal.message }] : [])),
    });
  });

  api.get('/enrol-batches/:batchId', {
    schema: {
      summary: "A batch's progress: learners by state, and the failures with what to fix (E8)",
      tags: ['enrol'], params: BatchParams,
      response: { 200: Progress, ...problemResponses(400, 401, 404, 429) },
    },
  }, async (request) => {
    const progress = await ctx.producer.enrolBatchProgress(request.params.batchId);
    if (!progress) throw new ApiProblem(404, 'unknown-batch', `no enrol batch ${request.params.batchId}`);
    const { states } = progress;
    return {
      batchId: progress.batchId, requestedAt: progress.requestedAt.toISOString(), learners: progress.learners,
      states: {
        queued: states.queued, running: states.running, completed: states.completed, failed: states.failed, refused: states.refused,
        refusedWhenAsked: states['refused-when-asked'],
      },
      finished: progress.finished,
      failures: progress.failures.map((f) => ({
        learnerId: f.learnerId, state: f.state, code: f.code,
        // A failure's text can quote what OneFile echoed back: scrubbed of personal values as the dashboard does.
        message: f.message === null ? null : scrubText(f.message),
        problems: f.problems,
      })),
      failuresTotal: progress.failuresTotal,
    };
  });
}
