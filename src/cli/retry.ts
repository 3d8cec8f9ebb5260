import type { Command } from 'commander';
import { ALL_QUEUES, type QueueName } from '../queues/names.js';
import { CliError, action, withContext, withJson } from './context.js';
import { print, printJson, table } from './output.js';

/**
 * `retry-failed [queue]`: puts every failed job back to waiting (BullMQ's retryJobs), for after a fix — a
 * OneFile outage over, a PICS record corrected. Each job keeps its id, so nothing is duplicated.
 */
export function registerRetry(program: Command): void {
  withJson(program.command('retry-failed').argument('[queue]', `one queue (${ALL_QUEUES.join(', ')}); default every queue`)
    .description('retry the failed jobs of one queue or of every queue'))
    .action(action(async (queueName: string | undefined, options: { json?: boolean }) => {
      if (queueName !== undefined && !(ALL_QUEUES as string[]).includes(queueName)) {
        throw new CliError(`unknown queue "${queueName}": expected one of ${ALL_QUEUES.join(', ')}`, 2);
      }
      const names = queueName ? [queueName as QueueName] : ALL_QUEUES;
      await withContext(async ({ producer }) => {
        const retried: Record<string, number> = {};
        for (const name of names) {
          const queue = producer.queues[name];
          retried[name] = await queue.getFailedCount();
          if (retried[name] > 0) await queue.retryJobs({ state: 'failed' });
        }
        if (options.json) return printJson({ retried });
        print(table(names, [['queue', (n) => n], ['failed jobs put back to waiting', (n) => retried[n] ?? 0]]));
      });
    }));
}
