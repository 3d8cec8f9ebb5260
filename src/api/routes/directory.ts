import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { enqueueDirectoryRefresh, linkOfficerToDirectoryEntry, linkOrganisationToDirectoryEntry, readDirectory } from '../../producer/directory.js';
import { QUEUE } from '../../queues/names.js';
import { jobIds } from '../../queues/job-options.js';
import type { DirectoryKind } from '../../store/directory.js';
import type { ApiContext } from '../context.js';
import { problemResponses } from '../problems.js';
import { Accepted, accepted, currentJob, DateTime, EmptyBody, iso, JobRef, Nullable, NullableDateTime, RowId } from '../schemas.js';

/*
 * Look Up OneFile ID / Look Up Smart Assessor ID (A1): read the enabled ePortfolio's assessors and employers
 * into a list, and save a chosen id on an officer (Other System ID) or an organisation (Additional ID). A link
 * is a write to PICS only (multi-centre: to the worker's per-centre record); an id another record holds is refused.
 */

const Provider = Type.Union([Type.Literal('onefile'), Type.Literal('smartassessor')]);

const DirectoryResponse = Type.Object({
  provider: Type.Union([Type.Literal('onefile'), Type.Literal('smartassessor'), Type.Literal('none')]),
  kind: Type.Union([Type.Literal('assessor'), Type.Literal('employer')]),
  refreshedAt: NullableDateTime('When the list was last read from the ePortfolio; null = never (POST /directory/refresh).'),
  entries: Type.Array(Type.Object({
    externalId: Type.String({ description: 'The id to save with PUT …/eportfolio-id.' }),
    name: Type.String(), email: Nullable(Type.String()), misId: Nullable(Type.String()), archived: Type.Boolean(), refreshedAt: DateTime(),
    organisationId: Nullable(Type.Integer({ description: 'Multi-centre mode: the OneFile centre (organisation) the record is in; null where there is one.' })),
    linkedTo: Type.Array(Type.Object({ id: Type.Integer(), ident: Nullable(Type.String()), name: Type.String() }, { additionalProperties: false }),
      { description: 'The PICS officers or organisations already holding this id.' }),
  }, { additionalProperties: false })),
  job: Nullable(JobRef),
}, { additionalProperties: false, description: 'The look-up list' });

const LinkBody = Type.Object({
  externalId: Type.String({ minLength: 1, maxLength: 50, pattern: '\\S', description: 'An id from GET /directory/{kind}.' }),
}, { additionalProperties: false });

const LinkResponse = Type.Object({
  provider: Provider, id: Type.Integer({ description: 'The PICS officer or organisation id.' }), externalId: Type.String(),
  previous: Nullable(Type.String({ description: 'What the field held before.' })),
  organisationId: Type.Optional(Type.Integer({ description: 'Multi-centre mode: the centre the id was kept for, by the worker (PICS holds one id per record, so its field is left alone).' })),
}, { additionalProperties: false, description: 'Saved' });

export function directoryRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.post('/directory/refresh', {
    schema: {
      summary: "Read every assessor and employer of the enabled ePortfolio again (the look-up list)",
      tags: ['directory'], body: EmptyBody, response: { 202: Accepted, ...problemResponses(400, 401, 413, 415, 429) },
    },
  }, async (_request, reply) => reply.code(202).send(accepted(QUEUE.refreshLinks, await enqueueDirectoryRefresh(ctx.producer.queues, 'user'))));

  api.get('/directory/:kind', {
    schema: {
      summary: 'The look-up list: assessors or employers, with the PICS records already linked to each',
      tags: ['directory'],
      params: Type.Object({ kind: Type.Union([Type.Literal('assessor'), Type.Literal('employer')]) }, { additionalProperties: false }),
      querystring: Type.Object({
        search: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Name or email contains, or the id is.' })),
        includeArchived: Type.Optional(Type.Boolean({ default: false })),
        organisationId: Type.Optional(RowId('Multi-centre mode: only this centre\'s records')),
      }, { additionalProperties: false }),
      response: { 200: DirectoryResponse, ...problemResponses(400, 401, 409, 429) },
    },
  }, async (request) => {
    const kind = request.params.kind as DirectoryKind;
    const [view, job] = await Promise.all([
      readDirectory(ctx.db, kind, {
        ...(request.query.search ? { search: request.query.search } : {}), includeArchived: request.query.includeArchived === true,
        ...(request.query.organisationId ? { organisationId: request.query.organisationId } : {}),
      }),
      currentJob(ctx.producer.queues, QUEUE.refreshLinks, jobIds.refreshDirectory()),
    ]);
    return {
      provider: view.provider, kind: view.kind, refreshedAt: iso(view.refreshedAt),
      entries: view.entries.map((e) => ({ ...e, refreshedAt: e.refreshedAt.toISOString() })),
      job,
    };
  });

  const links = [
    { path: '/officers/:officerId/eportfolio-id', param: 'officerId', record: 'officer', field: 'Other System ID', kind: 'assessor', link: linkOfficerToDirectoryEntry, notFound: 404 },
    { path: '/organisations/:organisationId/eportfolio-id', param: 'organisationId', record: 'organisation', field: 'Additional ID', kind: 'employer', link: linkOrganisationToDirectoryEntry, notFound: 404 },
  ] as const;
  for (const { path, param, record, field, kind, link } of links) {
    api.put(path, {
      schema: {
        summary: `Save a chosen ${kind} id on the ${record}'s ${field}`,
        description: `409 already-linked when another ${record} holds it; 422 when the id is not a current entry of the last look-up.`,
        tags: ['directory'],
        params: Type.Object({ [param]: RowId(`PICS ${record} id`) }, { additionalProperties: false }),
        body: LinkBody,
        response: { 200: LinkResponse, ...problemResponses(400, 401, 404, 409, 413, 415, 422, 429) },
      },
    }, async (request) => {
      const id = (request.params as Record<string, number>)[param]!;
      return link(ctx.db, id, request.body.externalId);
    });
  }
}
