import type { Command } from 'commander';
import { learnerHistory, runAudit } from '../store/audit.js';
import { recentJobOutcomes } from '../store/job-outcomes.js';
import { failedLearners, readRun } from '../store/runs.js';
import { CliError, action, withContext, withJson } from './context.js';
import { positiveInt } from './enrol-options.js';
import { fields, print, printJson, table } from './output.js';
import { runFields } from './status.js';

/** `report run`, `report learner`, `enrol-status`: read the worker's own records (D10 summaries, audit trail, E8 outcomes). */

type AuditRow = Awaited<ReturnType<typeof runAudit>>[number];

const auditColumns: [string, (a: AuditRow) => string | number | Date | null][] = [
  ['at', (a) => a.at], ['learner', (a) => a.learner_id], ['field', (a) => `${a.table_name}.${a.field}`], ['row', (a) => a.row_id],
  ['direction', (a) => a.direction], ['old', (a) => a.old_value], ['new', (a) => a.new_value],
];

export function registerReports(program: Command): void {
  const report = program.command('report').description('read sync runs and the audit trail');

  withJson(report.command('run').argument('[runId]', 'sync run id (default: the last daily run)', positiveInt)
    .option('--limit <n>', 'audit lines to show', positiveInt, 200)
    .description("a run's summary, its failed learners and its audit lines"))
    .action(action(async (runId: number | undefined, options: { json?: boolean; limit: number }) => {
      await withContext(async ({ db }) => {
        const run = await readRun(db, runId);
        if (!run) throw new CliError(runId === undefined ? 'no daily run yet' : `no sync run #${runId}`);
        const [failed, audit] = await Promise.all([failedLearners(db, run.id), runAudit(db, run.id, options.limit)]);
        if (options.json) return printJson({ run, failed, audit });
        print(fields(runFields(run)));
        print('\nFailed learners');
        print(table(failed, [['learner', (f) => f.learner_id], ['at', (f) => f.finished_at], ['error', (f) => f.error]]));
        print(`\nChanges (audit, first ${options.limit})`);
        print(table(audit, auditColumns));
      });
    }));

  withJson(report.command('learner').argument('<ident>', 'PICS learner ident')
    .option('--limit <n>', 'audit lines to show', positiveInt, 200)
    .description("a learner's enrol state, recent jobs and audit history"))
    .action(action(async (ident: string, options: { json?: boolean; limit: number }) => {
      await withContext(async ({ db, producer }) => {
        const learnerId = await producer.resolveLearnerIdent(ident);
        const [enrol, jobs, history] = await Promise.all([
          producer.enrolStatus(learnerId), recentJobOutcomes(db, { learnerId, limit: 20 }), learnerHistory(db, learnerId, options.limit),
        ]);
        if (options.json) return printJson({ learnerId, ident, enrol, jobs, history });
        print(`learner ${ident} (#${learnerId})`);
        print(fields([['enrol', enrol ? `${enrol.status}${enrol.externalLearnerId ? ` (OneFile id ${enrol.externalLearnerId})` : ''}` : 'never requested'],
          ['enrol error', enrol?.errorMessage ?? null]]));
        print('\nRecent jobs');
        print(table(jobs, [['at', (j) => j.at], ['queue', (j) => j.queue], ['job', (j) => j.job_id], ['outcome', (j) => j.outcome], ['reason', (j) => j.reason]]));
        print(`\nChanges (audit, latest ${options.limit})`);
        print(table(history, auditColumns));
      });
    }));

  withJson(program.command('enrol-status').argument('<ident>', 'PICS learner ident').description("a learner's enrol progress and outcome (E7, E8)"))
    .action(action(async (ident: string, options: { json?: boolean }) => {
      await withContext(async ({ producer }) => {
        const learnerId = await producer.resolveLearnerIdent(ident);
        const status = await producer.enrolStatus(learnerId);
        if (options.json) return printJson({ learnerId, ident, enrol: status });
        if (!status) return print(`learner ${ident}: no enrol requested`);
        print(fields([
          ['learner', `${ident} (#${learnerId})`], ['status', status.status], ['job', status.jobId], ['attempts', status.attempts],
          ['OneFile learner id', status.externalLearnerId], ['requested', status.requestedAt], ['started', status.startedAt],
          ['finished', status.finishedAt], ['steps done', status.stepsDone.join(', ') || null], ['error', status.errorMessage],
        ]));
        if (status.problems.length) print(`\nProblems to fix in PICS\n${table(status.problems, [['field', (p) => p.field], ['problem', (p) => p.message]])}`);
        if (status.notLinked.length) print(`\nNot linked (reported, not failed)\n${table(status.notLinked, [['qualification', (n) => n.title], ['reason', (n) => n.reason]])}`);
      });
    }));
}
