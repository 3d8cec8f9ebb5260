import type { Command } from 'commander';
import type { Enqueued } from '../producer/index.js';
import { action, withContext, withJson } from './context.js';
import { enrolChoices, withEnrolChoices } from './enrol-options.js';
import { print, printJson } from './output.js';

/** `enqueue …`: what PICSWeb's buttons do, through the same producer API (ids only, deterministic job ids). */

type JsonOption = { json?: boolean };

function report(what: string, enqueued: Enqueued, options: JsonOption, extra: Record<string, unknown> = {}): void {
  if (options.json) return printJson({ ...enqueued, ...extra });
  print(enqueued.queued
    ? `queued ${what}: job ${enqueued.jobId}`
    : `${what} is already ${enqueued.state}: job ${enqueued.jobId} (not queued twice)`);
}

export function registerEnqueue(program: Command): void {
  const enqueue = program.command('enqueue').description('add a job, as PICSWeb does');

  withJson(withEnrolChoices(enqueue.command('enrol').argument('<ident>', 'PICS learner ident').description('Create in OneFile: enrol one learner')))
    .action(action(async (ident: string, options: JsonOption & { organisation?: number; pathway?: Record<number, number> }) => {
      await withContext(async ({ producer }) => {
        const learnerId = await producer.resolveLearnerIdent(ident);
        report(`enrol of learner ${ident}`, await producer.enqueueEnrol(learnerId, enrolChoices(options)), options, { learnerId });
      });
    }));

  withJson(enqueue.command('refresh-links').description('Refresh Qualification Links (Q1–Q3)'))
    .action(action(async (options: JsonOption) => {
      await withContext(async ({ producer }) => report('qualification links refresh', await producer.enqueueRefreshLinks('cli'), options));
    }));

  withJson(enqueue.command('sync').argument('<ident>', 'PICS learner ident').description('Refresh with OneFile: sync one learner now, ahead of the daily batch'))
    .action(action(async (ident: string, options: JsonOption) => {
      await withContext(async ({ producer }) => {
        const learnerId = await producer.resolveLearnerIdent(ident);
        report(`sync of learner ${ident}`, await producer.enqueueLearnerSync(learnerId), options, { learnerId });
      });
    }));

  withJson(enqueue.command('sync-all').description('run the daily sync now (every learner in scope)'))
    .action(action(async (options: JsonOption) => {
      await withContext(async ({ producer }) => report('daily sync', await producer.enqueueDailyRun(), options));
    }));

  withJson(enqueue.command('connection-test').description('queue the connection test for a worker to run (see also: connection-test)'))
    .action(action(async (options: JsonOption) => {
      await withContext(async ({ producer }) => report('connection test', await producer.enqueueConnectionTest('cli'), options));
    }));
}
