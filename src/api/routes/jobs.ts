import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { dashboardReturnValue, scrubText } from '../../http/dashboard-redaction.js';
import type { QueueName } from '../../queues/names.js';
import type { ApiContext } from '../context.js';
import { ApiProblem, problemResponses } from '../problems.js';
import { Nullable, NullableDateTime, QueueNameSchema } from '../schemas.js';

const JobParams = Type.Object({
  queue: QueueNameSchema,
  jobId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,120}$', description: 'The id a 202 answered with.' }),
}, { additionalProperties: false });

const JobResponse = Type.Object({
  queue: QueueNameSchema,
  id: Type.String(),
  name: Type.String({ description: 'What the job does: enrol-learner, refresh-qualification-links, connection-test, sync-learner, daily-sync, refresh-directory …' }),
  state: Type.String({ description: 'waiting, prioritized, delayed, active, waiting-children, completed or failed.' }),
  finished: Type.Boolean({ description: 'completed or failed: stop polling.' }),
  attemptsMade: Type.Integer(),
  createdAt: NullableDateTime(), startedAt: NullableDateTime(), finishedAt: NullableDateTime(),
  result: Type.Unknown({ description: 'A completed job\'s outcome: counts, flags, dates and outcome words (free text is hidden).' }),
  failedReason: Nullable(Type.String({ description: 'Why the job failed (personal values masked).' })),
}, { additionalProperties: false, description: "The job's state and outcome" });

const at = (ms: number | undefined | null) => (ms ? new Date(ms).toISOString() : null);

export function jobRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.withTypeProvider<TypeBoxTypeProvider>().get('/jobs/:queue/:jobId', {
    schema: {
      summary: "A job's state and outcome, for polling",
      description: 'Finished jobs are kept for days (completed) or weeks (failed), then 404.',
      tags: ['jobs'], params: JobParams, response: { 200: JobResponse, ...problemResponses(400, 401, 404, 429) },
    },
  }, async (request) => {
    const queue = request.params.queue as QueueName;
    let job = await ctx.producer.queues[queue].getJob(request.params.jobId);
    if (!job) throw new ApiProblem(404, 'unknown-job', `no job ${request.params.jobId} in queue ${queue} (never queued, or removed after it finished)`);
    const state = await job.getState();
    // Read before it finished, the job has no result or reason yet though its state now says finished: read it again.
    if (state === 'completed' || state === 'failed') job = (await ctx.producer.queues[queue].getJob(request.params.jobId)) ?? job;
    return {
      queue, id: job.id!, name: job.name, state, finished: state === 'completed' || state === 'failed',
      attemptsMade: job.attemptsMade,
      createdAt: at(job.timestamp), startedAt: at(job.processedOn), finishedAt: at(job.finishedOn),
      // The same allow-list and scrubber as the queue dashboard: ids and outcomes only.
      result: state === 'completed' ? dashboardReturnValue(job.returnvalue) ?? null : null,
      failedReason: job.failedReason ? scrubText(job.failedReason) : null,
    };
  });
}
