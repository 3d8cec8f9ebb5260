import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { findLearnerById } from '../../pics/index.js';
import { QUEUE } from '../../queues/names.js';
import { learnerHistoryPage } from '../../store/audit.js';
import type { ApiContext } from '../context.js';
import { ApiProblem, problemResponses } from '../problems.js';
import { Accepted, accepted, DateTime, EmptyBody, Nullable, PageQuery, RowId } from '../schemas.js';

// Refresh with OneFile (the per-learner sync, ahead of the daily batch) and what the sync changed (audit).

const LearnerParams = Type.Object({ learnerId: RowId('PICS learner id (pics.learner.id)') }, { additionalProperties: false });

const AuditLine = Type.Object({
  id: Type.String({ description: 'Audit line id (a cursor: pass it as `before` for the next page).' }),
  at: DateTime(),
  table: Type.String({ description: 'The table written, e.g. pics.learner_qualification or onefile.learning_aim.' }),
  rowId: Type.String(),
  field: Type.String(),
  direction: Type.String({ description: 'push (PICS → OneFile) or pull (OneFile → PICS).' }),
  oldValue: Nullable(Type.String()),
  newValue: Nullable(Type.String()),
  runId: Nullable(Type.Integer({ description: 'The daily run, when the change was part of one.' })),
  jobId: Nullable(Type.String()),
}, { additionalProperties: false });

const HistoryPage = Type.Object({
  items: Type.Array(AuditLine, { description: 'Newest first.' }),
  next: Nullable(Type.String({ description: 'The `before` of the next page; null on the last.' })),
}, { additionalProperties: false, description: 'A page of audit lines' });

export function learnerRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.post('/learners/:learnerId/refresh', {
    schema: {
      summary: 'Refresh with OneFile: sync one enrolled learner now',
      description: 'Runs ahead of the daily batch. 409 when the learner is not in OneFile yet (enrol first).',
      tags: ['learners'], params: LearnerParams, body: EmptyBody,
      response: { 202: Accepted, ...problemResponses(400, 401, 404, 409, 413, 415, 429) },
    },
  }, async (request, reply) => reply.code(202).send(accepted(QUEUE.dailySync, await ctx.producer.enqueueLearnerSync(request.params.learnerId))));

  api.get('/learners/:learnerId/history', {
    schema: {
      summary: 'What the sync changed for this learner: audit lines, newest first, paged',
      tags: ['learners'], params: LearnerParams, querystring: PageQuery('An audit line id: the page starts below it (the `next` of the previous page).'),
      response: { 200: HistoryPage, ...problemResponses(400, 401, 404, 429) },
    },
  }, async (request) => {
    const { learnerId } = request.params;
    if (!(await findLearnerById(ctx.db, learnerId))) throw new ApiProblem(404, 'unknown-learner', `learner #${learnerId} does not exist in PICS`);
    const limit = request.query.limit ?? 50;
    const rows = await learnerHistoryPage(ctx.db, learnerId, { limit, ...(request.query.before ? { beforeId: request.query.before } : {}) });
    return {
      items: rows.map((r) => ({
        id: String(r.id), at: r.at.toISOString(), table: r.table_name, rowId: r.row_id, field: r.field, direction: r.direction,
        oldValue: r.old_value, newValue: r.new_value, runId: r.run_id, jobId: r.job_id,
      })),
      next: rows.length === limit ? String(rows.at(-1)!.id) : null,
    };
  });
}
