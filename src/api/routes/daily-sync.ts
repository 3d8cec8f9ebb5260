import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { scrubText } from '../../http/dashboard-redaction.js';
import { QUEUE } from '../../queues/names.js';
import { runProgress } from '../../rules/run-progress.js';
import { failedLearners, findRunByJobId, listRuns, readRunListing, readRunTotals, type RunListing } from '../../store/runs.js';
import type { ApiContext } from '../context.js';
import { ApiProblem, problemResponses } from '../problems.js';
import { Accepted, accepted, DateTime, EmptyBody, iso, jobHref, Nullable, NullableDateTime, PageQuery, RowId } from '../schemas.js';

// The daily sync (D1–D11): run it now, list runs, and follow one's progress while it runs.

const Run = Type.Object({
  id: Type.Integer(),
  kind: Type.String({ description: 'daily (the schedule or run now) or on_demand' }),
  status: Type.String({ description: 'running, completed or failed' }),
  startedAt: DateTime(), finishedAt: NullableDateTime(),
  firstSync: Type.Boolean({ description: 'Some learner\'s first sync (D11) completed in this run.' }),
  learnersTotal: Type.Integer({ description: 'Learners in scope (0 until the run has counted them).' }),
  learnersSynced: Type.Integer(), learnersChanged: Type.Integer(), learnersFailed: Type.Integer(),
  callsMade: Type.Integer({ description: 'OneFile calls the run made.' }),
  error: Nullable(Type.String()),
  job: Nullable(Type.Object({ queue: Type.String(), id: Type.String(), href: Type.String() }, { additionalProperties: false })),
  href: Type.String(),
}, { additionalProperties: false });

const RunDetail = Type.Object({
  ...Run.properties,
  progress: Nullable(Type.Object({
    learnersDone: Type.Integer(), learnersTotal: Type.Integer(),
    fraction: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
    estimatedFinishAt: NullableDateTime('From the calls per learner so far and the shared OneFile call budget; null until a learner is done.'),
  }, { additionalProperties: false, description: 'While the run is going: live counts from its learners.' })),
  failed: Type.Array(Type.Object({
    learnerId: Type.Integer(), at: NullableDateTime(), error: Nullable(Type.String({ description: 'Personal values masked.' })),
  }, { additionalProperties: false }), { description: 'The first 100 learners that failed.' }),
}, { additionalProperties: false, description: 'The run' });

const RunsQuery = Type.Object({
  ...PageQuery('A run id: the page starts below it (the `next` of the previous page).').properties,
  jobId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,120}$', description: 'Only the run this job started (the job of POST /daily-sync/runs).' })),
}, { additionalProperties: false });

const RunParams = Type.Object({ runId: RowId('Sync run id') }, { additionalProperties: false });

function runView(run: RunListing) {
  return {
    id: run.id, kind: run.kind, status: run.status, startedAt: run.startedAt.toISOString(), finishedAt: iso(run.finishedAt),
    firstSync: run.firstSync, learnersTotal: run.learnersTotal, learnersSynced: run.learnersSynced, learnersChanged: run.learnersChanged,
    learnersFailed: run.learnersFailed, callsMade: run.callsMade, error: run.error === null ? null : scrubText(run.error),
    job: run.jobId ? { queue: QUEUE.dailySync, id: run.jobId, href: jobHref(QUEUE.dailySync, run.jobId) } : null,
    href: `/api/v1/daily-sync/runs/${run.id}`,
  };
}

export function dailySyncRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.post('/daily-sync/runs', {
    schema: {
      summary: 'Run the daily sync now', description: 'The job starts a run: find it with GET /daily-sync/runs?jobId=<job id>.',
      tags: ['daily-sync'], body: EmptyBody, response: { 202: Accepted, ...problemResponses(400, 401, 413, 415, 429) },
    },
  }, async (_request, reply) => reply.code(202).send(accepted(QUEUE.dailySync, await ctx.producer.enqueueDailyRun())));

  api.get('/daily-sync/runs', {
    schema: {
      summary: 'Sync runs, newest first, paged', tags: ['daily-sync'], querystring: RunsQuery,
      response: {
        200: Type.Object({ items: Type.Array(Run), next: Nullable(Type.String({ description: 'The `before` of the next page; null on the last.' })) }, { additionalProperties: false, description: 'A page of runs' }),
        ...problemResponses(400, 401, 429),
      },
    },
  }, async (request) => {
    const { jobId, before } = request.query;
    if (jobId !== undefined) {
      const run = await findRunByJobId(ctx.db, jobId);
      return { items: run ? [runView(run)] : [], next: null };
    }
    const limit = request.query.limit ?? 50;
    const runs = await listRuns(ctx.db, { limit, ...(before ? { beforeId: Number(before) } : {}) });
    return { items: runs.map(runView), next: runs.length === limit ? String(runs.at(-1)!.id) : null };
  });

  api.get('/daily-sync/runs/:runId', {
    schema: {
      summary: 'One run: its counts, its progress while it runs, its failed learners',
      tags: ['daily-sync'], params: RunParams, response: { 200: RunDetail, ...problemResponses(400, 401, 404, 429) },
    },
  }, async (request) => {
    const run = await readRunListing(ctx.db, request.params.runId);
    if (!run) throw new ApiProblem(404, 'unknown-run', `no sync run #${request.params.runId}`);
    const running = run.status === 'running';
    // A running run's row holds no counts yet: they are its learners' rows, totalled now.
    const live = running ? { ...run, ...(await readRunTotals(ctx.db, run.id)) } : run;
    const budgetPerMinute = ctx.config.onefile.callsPerMinute * ctx.config.onefile.headroom;
    const progress = running ? runProgress({ ...live, budgetPerMinute, now: new Date() }) : null;
    const failed = await failedLearners(ctx.db, run.id, 100);
    return {
      ...runView(live),
      progress: progress && { ...progress, estimatedFinishAt: iso(progress.estimatedFinishAt) },
      failed: failed.map((f) => ({ learnerId: f.learner_id, at: iso(f.finished_at), error: f.error === null ? null : scrubText(f.error) })),
    };
  });
}
