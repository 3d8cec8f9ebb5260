import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { readQualificationLinks } from '../../producer/qualifications.js';
import { jobIds } from '../../queues/job-options.js';
import { QUEUE } from '../../queues/names.js';
import { lastLinkRefresh } from '../../store/links.js';
import type { ApiContext } from '../context.js';
import { problemResponses } from '../problems.js';
import { Accepted, accepted, currentJob, DateTime, EmptyBody, iso, JobRef, Nullable, NullableDateTime, RowId } from '../schemas.js';

// Refresh Qualification Links (Q1–Q3): queue a refresh, and read for each PICS qualification whether it is in OneFile.

const Standard = Type.Object({
  standardId: Type.Integer({ description: 'OneFile standard id' }),
  title: Type.String(),
  code: Nullable(Type.String({ description: 'The code OneFile shows in square brackets after the title (matched to the VQ reference).' })),
}, { additionalProperties: false });

const LinksResponse = Type.Object({
  organisationId: Nullable(Type.Integer({ description: 'The OneFile organisation the links are of.' })),
  qualifications: Type.Array(Type.Object({
    qualificationId: Type.Integer(),
    title: Type.String(),
    vqReference: Nullable(Type.String()),
    available: Type.Boolean({ description: 'Available in OneFile (the OneFile status column).' }),
    standards: Type.Array(Standard, { description: 'The standards it links to; several = pathways to choose from at enrol (Q2).' }),
  }, { additionalProperties: false })),
  lastRefresh: Nullable(Type.Object({
    id: Type.Integer(),
    status: Type.String({ description: 'running, completed or failed' }),
    startedAt: DateTime(), finishedAt: NullableDateTime(),
    standardsSeen: Nullable(Type.Integer()), qualificationsLinked: Nullable(Type.Integer()), qualificationsNotAvailable: Nullable(Type.Integer()),
    linksAdded: Nullable(Type.Integer()), linksGone: Nullable(Type.Integer()), callsMade: Nullable(Type.Integer()),
    error: Nullable(Type.String()),
  }, { additionalProperties: false, description: 'The last refresh, whatever its outcome: when it ran and what it found.' })),
  lastCompletedAt: NullableDateTime('When the links shown were read from OneFile.'),
  centres: Type.Array(Type.Object({
    organisationId: Type.Integer({ description: 'A OneFile centre (organisation) whose standards were read.' }),
    lastCompletedAt: DateTime('When its links were last read.'),
    availableQualificationIds: Type.Array(Type.Integer(), { description: 'The PICS qualifications available in that centre.' }),
  }, { additionalProperties: false }), { description: 'Per centre, which qualifications are available (several centres only for a multi-centre provider).' }),
  job: Nullable(JobRef),
}, { additionalProperties: false, description: 'Every PICS qualification and the last refresh' });

export function qualificationLinkRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.post('/qualification-links/refresh', {
    schema: {
      summary: 'Refresh Qualification Links', tags: ['qualification-links'], body: EmptyBody,
      response: { 202: Accepted, ...problemResponses(400, 401, 413, 415, 429) },
    },
  }, async (_request, reply) => reply.code(202).send(accepted(QUEUE.refreshLinks, await ctx.producer.enqueueRefreshLinks('user'))));

  api.get('/qualification-links', {
    schema: {
      summary: 'For each PICS qualification: available in OneFile, through which standards and pathways; and the last refresh',
      tags: ['qualification-links'],
      querystring: Type.Object({
        organisationId: Type.Optional(RowId('The centre whose links to list (default: the one last refreshed)')),
      }, { additionalProperties: false }),
      response: { 200: LinksResponse, ...problemResponses(400, 401, 429) },
    },
  }, async (request) => {
    const [view, last, job] = await Promise.all([
      readQualificationLinks(ctx.db, request.query.organisationId), lastLinkRefresh(ctx.db), currentJob(ctx.producer.queues, QUEUE.refreshLinks, jobIds.refreshLinks()),
    ]);
    return {
      organisationId: view.organisationId,
      qualifications: view.qualifications.map((q) => ({ ...q, standards: q.standards.map(({ standardId, title, code }) => ({ standardId, title, code })) })),
      lastRefresh: last ? {
        id: last.id, status: last.status, startedAt: last.started_at.toISOString(), finishedAt: iso(last.finished_at),
        standardsSeen: last.standards_seen, qualificationsLinked: last.qualifications_linked, qualificationsNotAvailable: last.qualifications_not_available,
        linksAdded: last.links_added, linksGone: last.links_gone, callsMade: last.calls_made, error: last.error,
      } : null,
      lastCompletedAt: iso(view.refreshedAt),
      centres: view.centres.map((c) => ({ organisationId: c.organisationId, lastCompletedAt: c.refreshedAt.toISOString(), availableQualificationIds: c.availableQualificationIds })),
      job,
    };
  });
}
