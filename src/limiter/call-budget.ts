import { setTimeout as delay } from 'node:timers/promises';
import type { RedisClient } from '../redis.js';
import type { Logger } from 'pino';
import { BudgetWaitAbortedError, BudgetWaitTooLongError } from './errors.js';
import { GCRA_LUA } from './gcra-script.js';

/*
 * The one OneFile call budget shared by every worker process and queue (SPEC "The OneFile API limit").
 *
 * Hand-written because nothing maintained does this: rate-limiter-flexible's RateLimiterRedis is a fixed
 * window (up to 2× the limit across a boundary) and its RateLimiterQueue keeps the waiting line in each
 * process's memory, so processes race at every window reset; Bottleneck is unmaintained and also queues
 * in-process; BullMQ's limiters count job starts per queue, not HTTP calls across queues (anchors §1.2,
 * §2.3–2.5). Here each caller reserves its own slot in one Redis-clocked schedule and sleeps until it, so
 * calls are evenly spaced and served in reservation order across all processes.
 *
 * Two lanes share that one schedule (issue 21, gcra-script.ts): a user's click (interactive, the default) reserves
 * as above; batch work (daily children, cohort enrols) may hold only `batchHorizonSlots` of slots ahead and
 * otherwise waits its turn in the batch line, so a click's call is never behind more than that of batch calls.
 */

const COMMAND = 'oneFileCallBudget';

const STATUS_REFUSED = 0;
const STATUS_RESERVED = 1;
const STATUS_CLEAR = 2;
const STATUS_IN_LINE = 3;

interface BudgetCommand {
  [COMMAND](key: string, op: string, emissionUs: number, tauUs: number, limitUs: number, ...batch: number[]): Promise<[number, number, number?]>;
}

/**
 * Who a call is for: `interactive` — a user waits for it (Create in OneFile, Refresh with OneFile, the links
 * refresh, the connection test); `batch` — nobody waits for this one call (a daily child, a cohort's enrol).
 */
export type CallLane = 'interactive' | 'batch';
export const CALL_LANES: readonly CallLane[] = ['interactive', 'batch'];

export interface CallBudgetOptions {
  redis: RedisClient;
  /** Prefix of every key this budget writes, e.g. "pics-worker:". */
  keyPrefix: string;
  /** OneFile's published limit per customer. Default 300. */
  callsPerMinute?: number;
  /** Share of the limit we allow ourselves (OneFile's window may be aligned differently). Default 0.95. */
  headroom?: number;
  /** Calls that may go back to back after an idle spell before pacing applies. Default 3. */
  burst?: number;
  /** Longest wait acquire() will sleep; beyond it the caller should delay its job. Default 10 000. */
  maxWaitMs?: number;
  /** Pause imposed on every process after a 429 without Retry-After. Default 10 000. */
  penaltyMs?: number;
  /**
   * How far ahead of now a batch caller may reserve, in slots (emission intervals): what a click's call may
   * find ahead of it. Enough to keep the schedule's head full while batch callers take turns. Default 1
   * (bench/interactive: 2 slots cost a click about 0.2 s per call more, and no throughput was gained).
   */
  batchHorizonSlots?: number;
  logger?: Logger;
  /** Called with each completed wait, e.g. to feed a metrics histogram. */
  onWait?: (waitMs: number, customerKey: string, lane: CallLane) => void;
}

export interface AcquireOptions {
  /** Aborts the sleep (shutdown, job cancellation); the reserved slot is then left unused. */
  signal?: AbortSignal;
  /** Overrides the budget's maxWaitMs for this call; for a batch caller it bounds each wait (its turn, then its slot). */
  maxWaitMs?: number;
  /** Default interactive: the single-lane budget. */
  lane?: CallLane;
}

/** Figures for this process since the budget was created. */
export interface BudgetStats {
  /** Slots taken in the shared schedule, including re-reservations after a penalty. */
  reservations: number;
  /** acquire() calls that returned (the caller went on to call OneFile). */
  acquired: number;
  /** Sum and latest of the waits of those acquire() calls, measured here. */
  totalWaitMs: number;
  lastWaitMs: number;
  /** acquire() calls refused because the wait exceeded maxWaitMs (nothing reserved). */
  refusals: number;
  /** acquire() calls aborted by their signal. */
  aborts: number;
  /** 429s reported through penalise(). */
  rateLimitedReports: number;
  /** penalise() calls that actually pushed the shared schedule back. */
  penaltiesApplied: number;
  /** acquire() calls that returned, by lane. */
  acquiredByLane: Record<CallLane, number>;
  /** Times a batch caller waited its turn in the batch line (once or more per batch call while the budget is busy). */
  batchTurns: number;
}

export interface CallBudget {
  /** Reserves the next slot for this customer and resolves when it is due. */
  acquire(customerKey: string, options?: AcquireOptions): Promise<{ waitedMs: number }>;
  /** Reports a 429: no process calls OneFile for this customer until retryAfterMs (or penaltyMs) passes. */
  penalise(customerKey: string, retryAfterMs?: number): Promise<void>;
  stats(): BudgetStats;
  /** The Redis key holding this customer's schedule (for inspection and tests). */
  keyFor(customerKey: string): string;
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`call budget: ${name} must be > 0, got ${value}`);
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`call budget: ${name} must be ≥ 0, got ${value}`);
  return value;
}

export function createCallBudget(options: CallBudgetOptions): CallBudget {
  const { redis, keyPrefix, logger, onWait } = options;
  const callsPerMinute = positive('callsPerMinute', options.callsPerMinute ?? 300);
  const headroom = positive('headroom', options.headroom ?? 0.95);
  if (headroom > 1) throw new RangeError(`call budget: headroom must be ≤ 1, got ${headroom}`);
  const burst = positive('burst', options.burst ?? 3);
  if (!Number.isInteger(burst)) throw new RangeError(`call budget: burst must be an integer, got ${burst}`);
  const defaultMaxWaitMs = nonNegative('maxWaitMs', options.maxWaitMs ?? 10_000);
  const penaltyMs = nonNegative('penaltyMs', options.penaltyMs ?? 10_000);
  const batchHorizonSlots = positive('batchHorizonSlots', options.batchHorizonSlots ?? 1);

  // Microseconds, rounded up so rounding can only under-use the budget.
  const emissionUs = Math.ceil(60e9 / (callsPerMinute * headroom) / 1000);
  const tauUs = (burst - 1) * emissionUs;
  const horizonUs = Math.round(batchHorizonSlots * emissionUs);

  // defineCommand loads the script by SHA once per connection and, on NOSCRIPT (Redis restarted or
  // SCRIPT FLUSH), resends it with EVAL; defining it twice on one shared client is harmless.
  if (!(COMMAND in redis)) redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: GCRA_LUA });
  const command = redis as unknown as BudgetCommand;

  const counters: BudgetStats = {
    reservations: 0,
    acquired: 0,
    totalWaitMs: 0,
    lastWaitMs: 0,
    refusals: 0,
    aborts: 0,
    rateLimitedReports: 0,
    penaltiesApplied: 0,
    acquiredByLane: { interactive: 0, batch: 0 },
    batchTurns: 0,
  };

  const keyFor = (customerKey: string): string => {
    if (!customerKey) throw new Error('call budget: empty customer key');
    return `${keyPrefix}budget:${customerKey}`;
  };

  async function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
    try {
      await delay(ms, undefined, signal ? { signal } : undefined);
    } catch (error) {
      if (signal?.aborted) {
        counters.aborts += 1;
        throw new BudgetWaitAbortedError({ cause: signal.reason });
      }
      throw error;
    }
  }

  return {
    keyFor,

    async acquire(customerKey, { signal, maxWaitMs = defaultMaxWaitMs, lane = 'interactive' } = {}) {
      const key = keyFor(customerKey);
      if (!CALL_LANES.includes(lane)) throw new RangeError(`call budget: lane must be interactive or batch, got ${String(lane)}`);
      const laneArgs = lane === 'batch' ? [horizonUs] : [];
      const started = performance.now();
      if (signal?.aborted) {
        counters.aborts += 1;
        throw new BudgetWaitAbortedError({ cause: signal.reason });
      }
      const limitUs = Math.floor(nonNegative('maxWaitMs', maxWaitMs) * 1000);

      // First a reservation; after any sleep a recheck, because a 429 reported while we slept means our
      // slot (granted before the penalty) must not be used: the recheck moves us behind the penalty. A batch
      // caller may first be given a turn in the batch line: it sleeps until then and asks again at its turn.
      let op: 'reserve' | 'recheck' | 'turn' = 'reserve';
      let ticket: number | undefined;
      for (;;) {
        const [status, us, nextTicket] = await command[COMMAND](key, op, emissionUs, tauUs, limitUs, ...laneArgs, ...(op === 'turn' ? [ticket!] : []));
        if (status === STATUS_CLEAR) break;
        if (status === STATUS_IN_LINE) {
          counters.batchTurns += 1;
          ticket = nextTicket;
          await sleep(Math.ceil(us / 1000), signal);
          op = 'turn';
          continue;
        }
        if (status === STATUS_REFUSED) {
          counters.refusals += 1;
          logger?.debug({ customerKey, waitMs: us / 1000, maxWaitMs }, 'OneFile call budget: wait too long, refused');
          throw new BudgetWaitTooLongError(us / 1000, maxWaitMs);
        }
        if (status !== STATUS_RESERVED) throw new Error(`call budget: unexpected script status ${status}`);
        counters.reservations += 1;
        if (us <= 0) break;
        await sleep(Math.ceil(us / 1000), signal);
        op = 'recheck';
      }

      const waitedMs = performance.now() - started;
      counters.acquired += 1;
      counters.acquiredByLane[lane] += 1;
      counters.totalWaitMs += waitedMs;
      counters.lastWaitMs = waitedMs;
      onWait?.(waitedMs, customerKey, lane);
      return { waitedMs };
    },

    async penalise(customerKey, retryAfterMs) {
      const key = keyFor(customerKey);
      const pauseMs =
        retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs >= 0 ? retryAfterMs : penaltyMs;
      counters.rateLimitedReports += 1;
      const [moved, resumesInUs] = await command[COMMAND](key, 'penalise', emissionUs, tauUs, Math.ceil(pauseMs * 1000));
      if (moved === 1) counters.penaltiesApplied += 1;
      logger?.warn(
        { customerKey, pauseMs, resumesInMs: Math.round(resumesInUs / 1000), moved: moved === 1 },
        'OneFile rate limited (429): shared call budget paused for every process',
      );
    },

    stats: () => ({ ...counters, acquiredByLane: { ...counters.acquiredByLane } }),
  };
}
