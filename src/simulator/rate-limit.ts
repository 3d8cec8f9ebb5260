export type WindowKind = 'sliding' | 'fixed';

export interface RateLimitOptions {
  /** Calls allowed per window; 0 switches the limit off (benchmarks). */
  limit: number;
  /** Window length in simulated milliseconds. */
  windowMs: number;
  kind: WindowKind;
}

/**
 * One customer's call budget. `take(now)` answers 0 when the call may go ahead, otherwise the simulated
 * milliseconds until it would. Only accepted calls use up the budget: a client hammering through its 429s
 * is refused, but does not push its own recovery further out.
 */
export class WindowLimiter {
  private readonly opts: RateLimitOptions;
  // Sliding: a ring of the last `limit` accepted call times; the oldest one decides whether a new call fits.
  private readonly ring: Float64Array;
  private filled = 0;
  private head = 0;
  // Fixed: windows aligned to multiples of windowMs on the simulated clock (minute boundaries at 60 s).
  private windowStart = Number.NEGATIVE_INFINITY;
  private used = 0;

  constructor(opts: RateLimitOptions) {
    if (!(opts.windowMs > 0)) throw new RangeError('windowMs must be positive');
    if (!(opts.limit >= 0) || !Number.isInteger(opts.limit)) throw new RangeError('limit must be a whole number ≥ 0');
    this.opts = opts;
    this.ring = new Float64Array(opts.kind === 'sliding' ? opts.limit : 0);
  }

  take(now: number): number {
    const { limit, windowMs } = this.opts;
    if (limit === 0) return 0;
    if (this.opts.kind === 'fixed') {
      const start = Math.floor(now / windowMs) * windowMs;
      if (start !== this.windowStart) {
        this.windowStart = start;
        this.used = 0;
      }
      if (this.used < limit) {
        this.used++;
        return 0;
      }
      return start + windowMs - now;
    }
    if (this.filled < limit) {
      this.ring[(this.head + this.filled) % limit] = now;
      this.filled++;
      return 0;
    }
    const oldest = this.ring[this.head]!;
    if (now - oldest >= windowMs) {
      this.ring[this.head] = now;
      this.head = (this.head + 1) % limit;
      return 0;
    }
    return oldest + windowMs - now;
  }
}
