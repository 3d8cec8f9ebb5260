import type { Command } from 'commander';
import { readOneFileSettings } from '../pics/index.js';
import { ALL_QUEUES } from '../queues/names.js';
import { readRun, type RunSummary } from '../store/runs.js';
import { action, withContext, withJson } from './context.js';
import { fields, print, printJson, table } from './output.js';

/** `status`: what ops look at first — queue depths, the last daily run, the connection. */

const STATES = ['waiting', 'prioritized', 'active', 'delayed', 'waiting-children', 'completed', 'failed'] as const;

export function runFields(run: RunSummary): [string, string | number | boolean | Date | null][] {
  return [
    ['run', `#${run.id} (${run.kind}${run.firstSync ? ', with first syncs (D11)' : ''})`],
    ['status', run.status],
    ['started', run.startedAt],
    ['finished', run.finishedAt],
    ['learners', `${run.learnersTotal} in scope, ${run.learnersSynced} synced, ${run.learnersChanged} changed, ${run.learnersFailed} failed`],
    ['OneFile calls', run.callsMade],
    ['error', run.error],
  ];
}

export function registerStatus(program: Command): void {
  withJson(program.command('status').description('job counts per queue and state, the last daily run, the connection test'))
    .action(action(async (options: { json?: boolean }) => {
      await withContext(async ({ db, producer }) => {
        const counts = Object.fromEntries(await Promise.all(ALL_QUEUES.map(async (name) => [name, await producer.queues[name].getJobCounts(...STATES)] as const)));
        const [lastRun, settings] = await Promise.all([readRun(db), readOneFileSettings(db)]);
        const connection = settings
          ? { ok: settings.connectionOk, version: settings.connectionVersion, checkedAt: settings.connectionCheckedAt }
          : null;
        const lastSynchronisedAt = settings?.lastSynchronisedAt ?? null;
        if (options.json) return printJson({ queues: counts, lastRun, lastSynchronisedAt, connection });

        print('Queues');
        print(table(ALL_QUEUES, [['queue', (q) => q], ...STATES.map((state) => [state, (q: string) => counts[q]?.[state] ?? 0] as [string, (q: string) => number])]));
        print('\nLast daily run');
        print(lastRun ? fields(runFields(lastRun)) : '  none yet');
        print('\nOneFile');
        print(fields([
          ['integration', settings ? (settings.integrationEnabled ? 'enabled' : 'disabled') : 'no settings row'],
          ['connection test', connection?.ok === null || !connection ? 'never run' : connection.ok ? `connected (${connection.version ?? '?'})` : 'NOT connected'],
          ['tested at', connection?.checkedAt ?? null],
          ['last synchronised', lastSynchronisedAt],
        ]));
      });
    }));
}
