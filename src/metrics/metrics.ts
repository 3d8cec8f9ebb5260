import type { Queue } from 'bullmq';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BudgetStats, CallLane } from '../limiter/call-budget.js';
import type { Logger } from '../logging/logger.js';
import type { OneFileRequestInfo } from '../onefile/client.js';
import { JOB_NAME } from '../queues/job-options.js';
import { QUEUE } from '../queues/names.js';
import type { JobMetrics, JobRun } from './job-metrics.js';

/*
 * The daemon's Prometheus metrics, in one registry built per daemon (tests run several daemons in one
 * process, so nothing goes in prom-client's global registry). Names follow prometheus.io naming: base units
 * in the name, _total on counters. Labels stay low-cardinality: queue, state, outcome, endpoint TEMPLATE and
 * status class — never a learner, a job id or a concrete URL (anchors §3.4).
 */

export interface WorkerMetrics extends JobMetrics {
  readonly registry: Registry;
  /** Feed for every OneFile client's onRequest hook. */
  oneFileRequest(info: OneFileRequestInfo): void;
  /** Feed for the call budget's onWait hook, by lane (a user's click, or batch work). */
  limiterWait(waitMs: number, lane?: CallLane): void;
  /** Reads the budget's refusal counter at scrape time. */
  watchBudget(stats: () => BudgetStats): void;
  /** Runs these dependency checks at scrape time (worker_dependency_up). */
  watchDependencies(checks: DependencyCheck[]): void;
  /** Reads the last daily run and connection test from Postgres at scrape time. */
  watchOpsState(read: () => Promise<OpsState>): void;
}

export interface DependencyCheck {
  /** The dependency label: postgres, redis. */
  name: string;
  /** Resolves when the dependency answers; rejects (or times out) when it does not. */
  check: () => Promise<unknown>;
}

/** What the alerts need from Postgres: when the last daily run completed, and the last connection test. */
export interface OpsState {
  lastDailyRunCompletedAt: Date | null;
  connectionOk: boolean | null;
  connectionCheckedAt: Date | null;
}

export interface MetricsOptions {
  /** Every queue whose job counts are exported (bullmq_job_count). */
  queues: Queue[];
  logger: Logger;
}

const JOB_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];
const REQUEST_SECONDS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const WAIT_SECONDS = [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** A scrape must answer well within Prometheus's default 10 s timeout, like /readyz's checks. */
const CHECK_TIMEOUT_MS = 2_000;

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const seconds = (at: Date) => at.getTime() / 1000;

/** A learner's sync result → its outcome label; null for runs that are not a learner's final answer. */
function learnerOutcome(run: JobRun): string | null {
  if (run.queue !== QUEUE.dailySync || run.name !== JOB_NAME.syncLearner) return null;
  if (run.outcome === 'failed' || run.outcome === 'skipped') return run.outcome;
  if (run.outcome !== 'completed') return null; // retried / delayed: not final yet
  const result = (run.result ?? {}) as { status?: unknown; changes?: unknown };
  if (result.status === 'skipped') return 'skipped';
  return typeof result.changes === 'number' && result.changes > 0 ? 'changed' : 'unchanged';
}

export function createMetrics({ queues, logger }: MetricsOptions): WorkerMetrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });

  // Queue depth is a property of Redis, so every process exports the same numbers: aggregate with
  // max by (queue, state), not sum (docs/operations.md).
  new Gauge({
    name: 'bullmq_job_count',
    help: 'Jobs per queue and state, read from Redis at scrape time.',
    labelNames: ['queue', 'state'] as const,
    registers,
    async collect() {
      this.reset();
      await Promise.all(queues.map(async (queue) => {
        try {
          const counts = await queue.getJobCounts();
          for (const [state, count] of Object.entries(counts)) this.set({ queue: queue.name, state }, count);
        } catch (error) {
          // Redis down: the series disappear for this scrape (absent, not stale), /readyz reports why.
          logger.debug({ err: error, queue: queue.name }, 'metrics: could not read job counts');
        }
      }));
    },
  });

  const jobsTotal = new Counter({
    name: 'worker_jobs_total',
    help: 'Job runs by queue and outcome (completed, skipped, failed, retried, delayed, waiting-children).',
    labelNames: ['queue', 'outcome'] as const,
    registers,
  });
  const jobSeconds = new Histogram({
    name: 'worker_job_duration_seconds',
    help: 'Duration of one processing run of a job, by queue.',
    labelNames: ['queue'] as const,
    buckets: JOB_SECONDS,
    registers,
  });
  const learnersTotal = new Counter({
    name: 'daily_sync_learners_total',
    help: 'Learner syncs finished (daily children and Refresh with OneFile), by outcome: changed, unchanged, skipped, failed.',
    labelNames: ['outcome'] as const,
    registers,
  });
  const requestsTotal = new Counter({
    name: 'onefile_requests_total',
    help: 'HTTP requests to OneFile (logins included), by endpoint template and status class (none = no answer).',
    labelNames: ['endpoint', 'status_class'] as const,
    registers,
  });
  const requestSeconds = new Histogram({
    name: 'onefile_request_duration_seconds',
    help: 'Duration of one OneFile HTTP request, by endpoint template.',
    labelNames: ['endpoint'] as const,
    buckets: REQUEST_SECONDS,
    registers,
  });
  const rateLimited = new Counter({
    name: 'onefile_rate_limited_total',
    help: '429 answers received from OneFile (each pushes every process back).',
    registers,
  });
  const limiterWait = new Histogram({
    name: 'onefile_limiter_wait_seconds',
    help: 'Time a call waited for its slot in the shared OneFile call budget, by lane: interactive (a user\'s click) or batch (daily children, cohort enrols).',
    labelNames: ['lane'],
    buckets: WAIT_SECONDS,
    registers,
  });
  let budgetStats: (() => BudgetStats) | null = null;
  new Counter({
    name: 'onefile_limiter_refusals_total',
    help: 'Calls refused a budget slot because the wait exceeded onefile.maxWaitMs (the job was delayed instead).',
    registers,
    collect() {
      if (!budgetStats) return;
      this.reset();
      this.inc(budgetStats().refusals);
    },
  });

  let dependencyChecks: DependencyCheck[] = [];
  new Gauge({
    name: 'worker_dependency_up',
    help: 'Whether a dependency (postgres, redis) answered its readiness check at scrape time: 1 yes, 0 no.',
    labelNames: ['dependency'] as const,
    registers,
    async collect() {
      this.reset();
      await Promise.all(dependencyChecks.map(async ({ name, check }) => {
        const up = await within(check(), CHECK_TIMEOUT_MS).then(() => 1, () => 0);
        this.set({ dependency: name }, up);
      }));
    },
  });

  // One read of Postgres per scrape, shared by the gauges below (prom-client collects them one after another).
  let readOpsState: (() => Promise<OpsState>) | null = null;
  let pendingState: Promise<OpsState | null> | null = null;
  const opsState = (): Promise<OpsState | null> => {
    if (!readOpsState) return Promise.resolve(null);
    pendingState ??= within(readOpsState(), CHECK_TIMEOUT_MS)
      .catch((error: unknown) => {
        // Postgres down: the series disappear for this scrape; worker_dependency_up says why.
        logger.debug({ err: error }, 'metrics: could not read the daily run and connection test state');
        return null;
      })
      .finally(() => {
        pendingState = null;
      });
    return pendingState;
  };
  new Gauge({
    name: 'daily_sync_last_completed_timestamp_seconds',
    help: 'When the last daily run completed (Unix seconds), read from eportfolio_sync.sync_run. Absent before the first one.',
    registers,
    async collect() {
      this.remove(); // unlabelled gauges otherwise read 0: absent, not 0, before the first one
      const at = (await opsState())?.lastDailyRunCompletedAt;
      if (at) this.set(seconds(at));
    },
  });
  new Gauge({
    name: 'onefile_connection_test_ok',
    help: 'Result of the last OneFile connection test recorded in pics.onefile_settings: 1 passed, 0 failed. Absent before the first one.',
    registers,
    async collect() {
      this.remove(); // unlabelled gauges otherwise read 0: absent, not 0, before the first one
      const ok = (await opsState())?.connectionOk;
      if (typeof ok === 'boolean') this.set(ok ? 1 : 0);
    },
  });
  new Gauge({
    name: 'onefile_connection_test_timestamp_seconds',
    help: 'When the last OneFile connection test ran (Unix seconds), from pics.onefile_settings. Absent before the first one.',
    registers,
    async collect() {
      this.remove(); // unlabelled gauges otherwise read 0: absent, not 0, before the first one
      const at = (await opsState())?.connectionCheckedAt;
      if (at) this.set(seconds(at));
    },
  });

  // Metrics must never break a job or a request: a bad observation is logged and dropped.
  const safely = (what: string, fn: () => void) => {
    try {
      fn();
    } catch (error) {
      logger.warn({ err: error }, `metrics: could not record ${what}`);
    }
  };

  return {
    registry,
    jobRun(run) {
      safely('a job run', () => {
        jobsTotal.inc({ queue: run.queue, outcome: run.outcome });
        jobSeconds.observe({ queue: run.queue }, run.seconds);
        const outcome = learnerOutcome(run);
        if (outcome) learnersTotal.inc({ outcome });
      });
    },
    oneFileRequest(info) {
      safely('a OneFile request', () => {
        requestsTotal.inc({ endpoint: info.endpoint, status_class: info.statusClass });
        requestSeconds.observe({ endpoint: info.endpoint }, info.durationMs / 1000);
        if (info.status === 429) rateLimited.inc();
      });
    },
    limiterWait(waitMs, lane = 'interactive') {
      safely('a budget wait', () => limiterWait.observe({ lane }, waitMs / 1000));
    },
    watchBudget(stats) {
      budgetStats = stats;
    },
    watchDependencies(checks) {
      dependencyChecks = checks;
    },
    watchOpsState(read) {
      readOpsState = read;
    },
  };
}
