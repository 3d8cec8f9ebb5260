/** What the benchmark's parent and its forked worker processes say to each other (Node IPC, JSON). */

export const STRATEGIES = ['ours', 'ours-fifo', 'rlf', 'pause', 'none'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const STRATEGY_LABEL: Record<Strategy, string> = {
  ours: 'ours (GCRA reservation)',
  'ours-fifo': 'ours, bulk waits unbounded (pure FIFO)',
  rlf: 'rate-limiter-flexible (fixed window)',
  pause: 'pause a minute after a 429',
  none: 'no limiter',
};

export interface WorkerConfig {
  strategy: Strategy;
  /** bulk: `slots` callers back to back (saturating); on-demand: one *Refresh with OneFile* click at a time. */
  role: 'bulk' | 'on-demand';
  name: string;
  baseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  customerToken: string;
  /** Simulated time runs this many times faster; every OneFile duration is divided by it. */
  speed: number;
  /** OneFile's limit per (OneFile) minute. */
  limit: number;
  headroom: number;
  burst: number;
  slots: number;
  /** Budget wait a caller accepts before delaying its job (ours), in real ms. */
  maxWaitMs: number;
  /** Pause between two on-demand clicks, real ms: uniform in [min, max]. */
  clickGapMs: [number, number];
  /** The process exits by itself after this long (real ms), whatever the parent does. */
  lifetimeMs: number;
}

export type ToWorker = { type: 'go' } | { type: 'stop' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'sample'; ms: number }
  | {
      type: 'result';
      /** [epoch ms of the answer, real ms waited before the successful attempt was sent] per successful call. */
      successes: Array<[number, number]>;
      rateLimited: number;
      /** Answers other than 200/429 and network errors (should stay 0). */
      errors: number;
      samples: number[];
    }
  | { type: 'failed'; message: string };

/** Refuses anything but loopback: the benchmark must never reach a real OneFile or a shared Redis. */
export function assertLoopback(what: string, url: string): void {
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host)) {
    throw new Error(`${what} must be on 127.0.0.1 for the benchmark, got host ${host}`);
  }
}
