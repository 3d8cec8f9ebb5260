import type { Command } from 'commander';
import { liveIn, runRetentionPrune } from '../jobs/prune-retention.js';
import { cliLogger } from '../logging/logger.js';
import { QUEUE } from '../queues/names.js';
import { action, withContext, withJson } from './context.js';
import { fields, print, printJson } from './output.js';

/**
 * `prune`: the prune-retention job run here and now, once (not through a queue, so it works with no worker
 * running): closes the runs a crash left running, deletes rows past their retention.* periods, prints counts.
 */
export function registerPrune(program: Command): void {
  withJson(program.command('prune').description('delete audit lines, sync rows, job outcomes, runs and enrol batches past their retention periods, once'))
    .action(action(async (options: { json?: boolean }) => {
      await withContext(async ({ config, db, producer }) => {
        const result = await runRetentionPrune(db, config, liveIn(producer.queues[QUEUE.dailySync]), cliLogger());
        if (options.json) return printJson(result);
        print(fields([
          ['runs left running, closed', result.runsClosed],
          [`audit lines deleted (before ${result.cutoffs.audit.toISOString()})`, result.auditDeleted],
          [`sync learner rows deleted (before ${result.cutoffs.syncLearner.toISOString()})`, result.syncLearnersDeleted],
          [`job outcomes deleted (before ${result.cutoffs.jobOutcome.toISOString()})`, result.jobOutcomesDeleted],
          [`runs deleted (started before ${result.cutoffs.run.toISOString()})`, result.runsDeleted],
          ['enrol batches deleted (asked before the same)', result.enrolBatchesDeleted],
        ]));
      });
    }));
}
