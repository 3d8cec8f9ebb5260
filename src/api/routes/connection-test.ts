import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { readOneFileSettings } from '../../pics/index.js';
import { jobIds } from '../../queues/job-options.js';
import { QUEUE } from '../../queues/names.js';
import type { ApiContext } from '../context.js';
import { problemResponses } from '../problems.js';
import { Accepted, accepted, currentJob, EmptyBody, iso, JobRef, Nullable, NullableDateTime } from '../schemas.js';

// Connection Test: a job logs in to OneFile, reads the customer and records the result in pics.onefile_settings.

const ResultResponse = Type.Object({
  connected: Nullable(Type.Boolean({ description: 'null: never run.' })),
  version: Nullable(Type.String({ description: 'The OneFile API version reached, e.g. v2.1.' })),
  testedAt: NullableDateTime(),
  job: Nullable(JobRef),
}, { additionalProperties: false, description: 'The last result' });

export function connectionTestRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.post('/connection-test', {
    schema: {
      summary: 'Connection Test: queue it', description: 'Poll the job, then GET /connection-test for the result.',
      tags: ['connection-test'], body: EmptyBody, response: { 202: Accepted, ...problemResponses(400, 401, 413, 415, 429) },
    },
  }, async (_request, reply) => reply.code(202).send(accepted(QUEUE.refreshLinks, await ctx.producer.enqueueConnectionTest('user'))));

  api.get('/connection-test', {
    schema: {
      summary: 'The last Connection Test result (and its job while one is queued or running)',
      tags: ['connection-test'], response: { 200: ResultResponse, ...problemResponses(400, 401, 409, 429) },
    },
  }, async () => {
    const [settings, job] = await Promise.all([readOneFileSettings(ctx.db), currentJob(ctx.producer.queues, QUEUE.refreshLinks, jobIds.connectionTest())]);
    return { connected: settings?.connectionOk ?? null, version: settings?.connectionVersion ?? null, testedAt: iso(settings?.connectionCheckedAt), job };
  });
}
