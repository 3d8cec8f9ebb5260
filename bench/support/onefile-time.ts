import type { StatsSnapshot } from '../../src/simulator/index.js';

/*
 * The simulator runs OneFile's clock `speed` times faster than real time (a OneFile minute lasts 60/speed real
 * seconds) and enforces `limit` calls in any 60 OneFile seconds. The worker's budget is configured in real
 * time, so it is scaled the same way: limit × speed calls per real minute, and every OneFile duration in the
 * worker's configuration divided by speed.
 */
export interface TimeScale {
  speed: number;
  /** OneFile's calls per (OneFile) minute. */
  limit: number;
  /** Share of the limit the worker's budget spends (config onefile.headroom). */
  headroom: number;
  burst: number;
}

/** The worker's environment for the budget (src/config/schema.ts), scaled to the simulator's clock. */
export function budgetEnv(s: TimeScale): Record<string, string> {
  return {
    ONEFILE_CALLS_PER_MINUTE: String(s.limit * s.speed),
    ONEFILE_HEADROOM: String(s.headroom),
    ONEFILE_BURST: String(s.burst),
    // 30 OneFile seconds of budget wait before a job is delayed instead (the default), a 60 s push-back after a 429.
    ONEFILE_MAX_WAIT_MS: String(Math.round(30_000 / s.speed)),
    // Batch work's bound likewise (the default 30 OneFile seconds), or compressed time would stretch it ×speed.
    ONEFILE_BULK_MAX_WAIT_MS: String(Math.round(30_000 / s.speed)),
    ONEFILE_PENALTY_MS: String(Math.round(60_000 / s.speed)),
  };
}

/** Calls the budget allows per OneFile minute. */
export const budgetPerMinute = (s: TimeScale) => s.limit * s.headroom;

/** The least real time `calls` can take at the budget: calls ÷ (limit × headroom) OneFile minutes. */
export const minimumRealMs = (calls: number, s: TimeScale) => (calls / budgetPerMinute(s)) * (60_000 / s.speed);

/** Real ms → OneFile minutes. */
export const oneFileMinutes = (realMs: number, s: TimeScale) => (realMs * s.speed) / 60_000;

export interface CallCounts {
  /** Every call that reached OneFile (any status; logins included: they count against the limit). */
  total: number;
  /** Answered 429 (over the limit). */
  rateLimited: number;
  /** Answered 5xx, 4xx other than 429, or dropped. */
  errors: number;
  byEndpoint: Array<[string, number]>;
}

export function callCounts(stats: StatsSnapshot): CallCounts {
  let rateLimited = 0;
  let errors = 0;
  const byEndpoint: Array<[string, number]> = [];
  for (const [endpoint, statuses] of Object.entries(stats.byEndpoint)) {
    let n = 0;
    for (const [status, count] of Object.entries(statuses)) {
      n += count;
      if (status === '429') rateLimited += count;
      else if (status === 'dropped' || Number(status) >= 400) errors += count;
    }
    byEndpoint.push([endpoint, n]);
  }
  byEndpoint.sort((a, b) => b[1] - a[1]);
  return { total: stats.total, rateLimited, errors, byEndpoint };
}

/**
 * How late (real ms) a call may reach OneFile, relative to the slot the budget gave it, before a strict
 * 60-second window can see more than the limit: the headroom's worth of calls (limit − budget − burst) at
 * the budget's pace. A process stalled longer than this (GC, a busy CPU) sends calls reserved for earlier
 * slots bunched together, and the strict window may answer 429. Compressing time divides it by `speed`.
 */
export function stallToleranceMs(s: TimeScale): number {
  const spare = s.limit - budgetPerMinute(s) - s.burst;
  return (spare / budgetPerMinute(s)) * (60_000 / s.speed);
}
