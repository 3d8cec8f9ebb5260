/**
 * The simulator's own clock. With `speed` 60 a simulated minute passes in one real second, so session
 * lifetimes, rate windows and LastModified stamps all keep their real-world ratios while tests run fast.
 */
export class SimClock {
  readonly speed: number;
  private readonly startSim: number;
  private readonly startReal: number;
  /** Simulated milliseconds added by `advance` (jumps such as "a day later"). */
  private offset = 0;

  constructor(speed = 1, startAt: number = Date.now()) {
    if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`speed must be a positive number, got ${speed}`);
    this.speed = speed;
    this.startSim = startAt;
    this.startReal = performance.now();
  }

  /** Simulated epoch milliseconds. */
  now(): number {
    return this.startSim + (performance.now() - this.startReal) * this.speed + this.offset;
  }

  nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  advance(simMs: number): void {
    if (!(simMs >= 0)) throw new RangeError('the clock only moves forward');
    this.offset += simMs;
  }

  /** Real milliseconds that `simMs` of simulated time takes at this speed. */
  toRealMs(simMs: number): number {
    return simMs / this.speed;
  }
}
