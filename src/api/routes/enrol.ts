import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { scrubText } from '../../http/dashboard-redaction.js';
import { findLearnerById } from '../../pics/index.js';
import { previewEnrol, type EnrolPreviewView } from '../../producer/preview.js';
import { enrolQueueOfJob, jobIds } from '../../queues/job-options.js';
import { QUEUE } from '../../queues/names.js';
import type { EnrolChoices } from '../../rules/enrol-plan.js';
import type { ApiContext } from '../context.js';
import { ApiProblem, FieldError, problemResponses } from '../problems.js';
import { Accepted, accepted, currentJob, iso, jobHref, Nullable, NullableDateTime, RowId, DateTime } from '../schemas.js';

/*
 * Create in OneFile (E1–E8). The enrol runs the preview first, at the click: a learner PICS users must fix
 * gets 422 with every problem (E8) and nothing is queued; an enrolled one 409 (E7); otherwise 202 with the
 * enrol job, whose deterministic id makes a repeated click the same job (queued: false).
 */

const LearnerParams = Type.Object({ learnerId: RowId('PICS learner id (pics.learner.id)') }, { additionalProperties: false });

const Pathway = Type.Object({
  qualificationId: RowId('PICS qualification id'),
  standardId: RowId('The OneFile standard (pathway) chosen for it'),
}, { additionalProperties: false });

export const EnrolChoicesBody = Type.Object({
  organisationId: Type.Optional(RowId('OneFile organisation to enrol into (default: the one in the OneFile settings)')),
  pathways: Type.Optional(Type.Array(Pathway, { maxItems: 50, description: 'For a qualification with several OneFile pathways (Q2): the one chosen.' })),
}, { additionalProperties: false });

const PreviewQuery = Type.Object({
  organisationId: Type.Optional(RowId('As in the enrol body')),
  pathways: Type.Optional(Type.String({ pattern: '^[0-9]{1,10}:[0-9]{1,10}(,[0-9]{1,10}:[0-9]{1,10}){0,49}$', description: 'As in the enrol body, as qualificationId:standardId pairs, comma-separated: 3:41301,7:41400' })),
}, { additionalProperties: false });

const NotLinked = Type.Object({
  learnerQualificationId: Type.Integer(), title: Type.String(), reason: Type.String(),
}, { additionalProperties: false, description: 'A qualification not uploaded (not available in OneFile …): reported, not failed.' });

const LinksState = Nullable(Type.Object({
  freshness: Type.String({ description: 'fresh, stale or never' }),
  refreshedAt: NullableDateTime(),
  note: Nullable(Type.String({ description: 'Why the preview may differ from what the enrol does: the enrol refreshes stale links first.' })),
}, { additionalProperties: false }));

const PreviewResponse = Type.Object({
  learnerId: Type.Integer(),
  provider: Type.Union([Type.Literal('onefile'), Type.Literal('smartassessor'), Type.Literal('none')]),
  outcome: Type.Union([Type.Literal('ready'), Type.Literal('invalid'), Type.Literal('refused'), Type.Literal('no-integration')], {
    description: 'ready: the enrol would run this plan; invalid: fix the problems in PICS first; refused: already enrolled (E7).',
  }),
  problems: Type.Array(FieldError, { description: 'Every problem a PICS user must fix first (E8); empty when ready.' }),
  refusal: Nullable(Type.String()),
  plan: Nullable(Type.Object({}, { additionalProperties: true, description: "What would be sent, in order, in the ePortfolio's own terms (learner, employer, classroom, officers, learning aims, reviews)." })),
  notLinked: Type.Array(NotLinked),
  links: LinksState,
}, { additionalProperties: false, description: 'The preview: ready, invalid (every problem) or refused' });

const EnrolAccepted = Type.Object({
  ...Accepted.properties,
  notLinked: Type.Array(NotLinked, { description: 'Reported by the click that queued the job; empty on a repeat (queued: false).' }),
}, { additionalProperties: false, description: 'Accepted: the enrol job (queued: false when the same job was already waiting or running)' });

const EnrolStatusResponse = Type.Object({
  learnerId: Type.Integer(),
  status: Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('completed'), Type.Literal('failed'), Type.Literal('refused')]),
  job: Nullable(Type.Object({ queue: Type.String(), id: Type.String(), href: Type.String() }, { additionalProperties: false })),
  attempts: Type.Integer(),
  externalLearnerId: Nullable(Type.String({ description: 'The learner\'s id in the ePortfolio once created.' })),
  errorCode: Nullable(Type.String()),
  errorMessage: Nullable(Type.String()),
  problems: Type.Array(FieldError, { description: 'E8: what a PICS user must fix, when the job refused the learner.' }),
  notLinked: Type.Array(NotLinked),
  stepsDone: Type.Array(Type.String(), { description: 'E7: the steps done so far, in order (learner, employer, classroom, aim:…, review:…).' }),
  requestedAt: DateTime(), startedAt: NullableDateTime(), finishedAt: NullableDateTime(),
}, { additionalProperties: false, description: "The learner's enrol" });

type Choices = Static<typeof EnrolChoicesBody>;

export function toChoices(body: Choices): EnrolChoices {
  const pathways: Record<number, number> = {};
  for (const [i, p] of (body.pathways ?? []).entries()) {
    if (pathways[p.qualificationId] !== undefined) {
      throw new ApiProblem(400, 'invalid-request', 'a qualification may be given one pathway only', [{ field: `body.pathways[${i}].qualificationId`, message: 'repeats a qualification given earlier' }]);
    }
    pathways[p.qualificationId] = p.standardId;
  }
  return { ...(body.organisationId ? { organisationId: body.organisationId } : {}), ...(body.pathways?.length ? { pathways } : {}) };
}

function parsePathways(text: string | undefined): Choices['pathways'] {
  return text?.split(',').map((pair) => {
    const [q, s] = pair.split(':').map(Number);
    return { qualificationId: q!, standardId: s! };
  });
}

async function existingLearner(ctx: ApiContext, learnerId: number) {
  const learner = await findLearnerById(ctx.db, learnerId);
  if (!learner) throw new ApiProblem(404, 'unknown-learner', `learner #${learnerId} does not exist in PICS`);
  return learner;
}

function notLinkedOf(view: EnrolPreviewView) {
  const plan = view.decision?.kind === 'plan' ? (view.decision.plan as { notLinked?: Static<typeof NotLinked>[] }) : null;
  return (plan?.notLinked ?? []).map(({ learnerQualificationId, title, reason }) => ({ learnerQualificationId, title, reason }));
}

export function enrolRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const preview = (learnerId: number, choices: EnrolChoices) => previewEnrol(ctx.db, learnerId, choices, { linksMaxAgeHours: ctx.config.links.maxAgeHours });

  api.get('/learners/:learnerId/enrol/preview', {
    schema: {
      summary: 'Enrol preview: what Create in OneFile would send, and every problem to fix first (E8)',
      description: 'Reads PICS and the worker\'s links only: no ePortfolio call, nothing queued.',
      tags: ['enrol'], params: LearnerParams, querystring: PreviewQuery,
      response: { 200: PreviewResponse, ...problemResponses(400, 401, 404, 409, 429) },
    },
  }, async (request) => {
    const { learnerId } = request.params;
    await existingLearner(ctx, learnerId);
    const view = await preview(learnerId, toChoices({ ...request.query, pathways: parsePathways(request.query.pathways) }));
    const d = view.decision;
    return {
      learnerId,
      provider: view.provider,
      outcome: d === null ? 'no-integration' as const : d.kind === 'plan' ? 'ready' as const : d.kind,
      problems: d?.kind === 'invalid' ? d.problems : [],
      refusal: d?.kind === 'refused' ? d.reason : null,
      plan: d?.kind === 'plan' ? (d.plan as unknown as Record<string, unknown>) : null,
      notLinked: notLinkedOf(view),
      links: view.links ? { freshness: view.links.freshness, refreshedAt: iso(view.links.refreshedAt), note: view.links.note } : null,
    };
  });

  api.post('/learners/:learnerId/enrol', {
    schema: {
      summary: 'Create in OneFile: enrol one learner (preview first)',
      description: 'Runs the preview first: 422 lists every problem to fix in PICS (E8) and queues nothing; 409 when already enrolled (E7). '
        + 'Otherwise 202 with the enrol job; clicking again while it waits or runs answers the same job with queued: false.',
      tags: ['enrol'], params: LearnerParams, body: EnrolChoicesBody,
      response: { 202: EnrolAccepted, ...problemResponses(400, 401, 404, 409, 413, 415, 422, 429) },
    },
  }, async (request, reply) => {
    const { learnerId } = request.params;
    const choices = toChoices(request.body);
    // A repeat while the learner's enrol job still waits or runs is that job: no second preview (the job uses
    // the first click's choices), and the enrol's recorded state is left as the job has it.
    const current = await currentJob(ctx.producer.queues, QUEUE.enrol, jobIds.enrol(learnerId));
    if (current && current.state !== 'completed' && current.state !== 'failed' && current.state !== 'unknown') {
      return reply.code(202).send({ queued: false, job: current, notLinked: [] });
    }
    await existingLearner(ctx, learnerId);
    const view = await preview(learnerId, choices);
    const d = view.decision;
    if (d === null) throw new ApiProblem(409, 'integration-disabled', 'no ePortfolio integration is enabled in PICS: enable OneFile (or Smart Assessor) in its Settings');
    if (d.kind === 'refused') throw new ApiProblem(409, 'already-enrolled', d.reason);
    if (d.kind === 'invalid') {
      throw new ApiProblem(422, 'learner-data-invalid', `learner #${learnerId} cannot be enrolled until ${d.problems.length} problem(s) are fixed in PICS`, d.problems);
    }
    const enqueued = await ctx.producer.enqueueEnrol(learnerId, choices);
    // A learner whose cohort enrol is running already is answered with that job (on the enrol-batch queue).
    return reply.code(202).send({ ...accepted(enqueued.queue ?? QUEUE.enrol, enqueued), notLinked: notLinkedOf(view) });
  });

  api.get('/learners/:learnerId/enrol', {
    schema: {
      summary: "A learner's enrol: status, steps done, problems (E7, E8)",
      tags: ['enrol'], params: LearnerParams,
      response: { 200: EnrolStatusResponse, ...problemResponses(400, 401, 404, 429) },
    },
  }, async (request) => {
    const { learnerId } = request.params;
    await existingLearner(ctx, learnerId);
    const status = await ctx.producer.enrolStatus(learnerId);
    if (!status) throw new ApiProblem(404, 'enrol-not-requested', `no enrol has been requested for learner #${learnerId}`);
    return {
      learnerId,
      status: status.status,
      job: status.jobId ? { queue: enrolQueueOfJob(status.jobId), id: status.jobId, href: jobHref(enrolQueueOfJob(status.jobId), status.jobId) } : null,
      attempts: status.attempts,
      externalLearnerId: status.externalLearnerId,
      errorCode: status.errorCode,
      // A failure's text can quote what OneFile echoed back: scrubbed of personal values as the dashboard does.
      errorMessage: status.errorMessage === null ? null : scrubText(status.errorMessage),
      problems: status.problems,
      notLinked: status.notLinked,
      stepsDone: status.stepsDone,
      requestedAt: status.requestedAt.toISOString(), startedAt: iso(status.startedAt), finishedAt: iso(status.finishedAt),
    };
  });
}
