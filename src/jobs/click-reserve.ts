import type { Queue, Worker } from 'bullmq';
import type { Logger } from '../logging/logger.js';

/*
 * A worker slot for clicks on a queue that batch work shares (issue 21). Refresh with OneFile jumps the daily
 * children in BullMQ's order (they carry a priority, it carries none), but while every worker slot holds a child
 * it still waits for one to finish — and a child holds its slot for many seconds, since each of its calls waits
 * its turn in the budget's batch line. Slots free only as often as children finish (calls per child × slot time,
 * about a second at OneFile's 300 a minute, however many run), now and then several seconds apart
 * (bench/interactive measured 3 to 5 s before this). BullMQ has no per-priority concurrency and a worker cannot
 * choose which job it takes, so the slot is made when it is needed: while a job without priority waits (a
 * click, or a daily parent, which is short), each process starts one extra worker that takes one job — the
 * waiting one, as BullMQ serves jobs without priority before prioritised ones — and closes as soon as it has
 * it. Where another process's reserve was quicker, this one takes a child instead and finishes it: one more
 * batch job for a while, no harm. Cheap: one LLEN per process per poll, one short-lived worker per click.
 */

export interface ClickReserveOptions {
  /** A handle on the shared queue, for its count of jobs waiting without priority. */
  queue: Queue;
  /** A worker on that queue with the queue's processor, concurrency 1, running. */
  createWorker: () => Worker;
  /** How often to look for a waiting click (ms). */
  pollMs: number;
  logger: Logger;
}

export interface ClickReserve {
  /** Closes the reserve worker, if one is running, letting its job finish (as Worker#close). */
  stop(): Promise<void>;
  /** Cancels the reserve worker's job (shutdown past its grace), as Worker#cancelAllJobs. */
  cancel(reason: string): void;
  /** Reserve workers started so far (for tests and logs). */
  started(): number;
}

export function startClickReserve(options: ClickReserveOptions): ClickReserve {
  const { queue, createWorker, pollMs, logger } = options;
  let current: Worker | null = null;
  let closing: Promise<void> | null = null;
  let stopped = false;
  let count = 0;
  let polling = false;

  const finish = (worker: Worker) => {
    closing ??= worker.close().catch((error: unknown) => logger.warn({ err: error, queue: queue.name }, 'click reserve worker did not close cleanly'))
      .finally(() => {
        if (current === worker) current = null;
        closing = null;
      });
    return closing;
  };

  const timer = setInterval(() => {
    if (stopped || current || polling) return;
    polling = true;
    queue.getWaitingCount().then((waiting) => {
      if (waiting === 0 || stopped || current) return;
      const worker = createWorker();
      current = worker;
      count += 1;
      // One job: close as soon as it has started (close waits for it to finish and takes no other). A worker that
      // found nothing to take (another process was quicker and the queue is empty) is closed after a while too.
      worker.once('active', () => void finish(worker));
      const idle = setTimeout(() => void finish(worker), Math.max(20 * pollMs, 2_000));
      idle.unref();
      worker.once('closed', () => clearTimeout(idle));
    }).catch((error: unknown) => logger.warn({ err: error, queue: queue.name }, 'click reserve could not read the queue'))
      .finally(() => {
        polling = false;
      });
  }, pollMs);
  timer.unref();

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      if (current) await finish(current);
    },
    cancel(reason) {
      current?.cancelAllJobs(reason);
    },
    started: () => count,
  };
}
