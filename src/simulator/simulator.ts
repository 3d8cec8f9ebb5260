import { SimClock } from './clock.js';
import { demoSeed } from './demo-seed.js';
import { findDuplicates, type DuplicateReport } from './duplicates.js';
import { FaultEngine, type FaultUpdate } from './faults.js';
import type { ResolvedOptions } from './options.js';
import { WindowLimiter } from './rate-limit.js';
import { applySeed, type SeedInput } from './seed.js';
import { SessionStore } from './sessions.js';
import { SmartAssessorSim } from './smartassessor/service.js';
import { SimState, aimView } from './state.js';
import { Stats } from './stats.js';

/** The simulated OneFile without its HTTP front: data, clock, sessions, limits, faults and the call log. */
export class Simulator {
  readonly clock: SimClock;
  readonly state: SimState;
  readonly sessions: SessionStore;
  readonly stats = new Stats();
  readonly faults = new FaultEngine();
  /** The Smart Assessor SOAP endpoint's records (the second ePortfolio), behind the same faults and stats. */
  readonly smartAssessor: SmartAssessorSim;
  private readonly limiters = new Map<number, WindowLimiter>();

  constructor(readonly options: ResolvedOptions) {
    const start = options.startAt === undefined ? Date.now() : new Date(options.startAt).getTime();
    if (Number.isNaN(start)) throw new RangeError(`startAt is not a date: ${String(options.startAt)}`);
    this.clock = new SimClock(options.speed, start);
    this.state = new SimState(() => this.clock.nowIso());
    this.sessions = new SessionStore(this.clock, options.sessionTtlMs, options.singleSession);
    this.seed(options.seed);
    this.smartAssessor = new SmartAssessorSim(options.seed === 'demo' ? 'demo' : 'empty');
    if (options.faults) this.setFaults(options.faults);
  }

  /** Simulated ms until this customer may call again; 0 = go ahead (and the call is counted). */
  takeBudget(customerId: number): number {
    let limiter = this.limiters.get(customerId);
    if (!limiter) {
      const { rateLimit, windowMs, window } = this.options;
      this.limiters.set(customerId, (limiter = new WindowLimiter({ limit: rateLimit, windowMs, kind: window })));
    }
    return limiter.take(this.clock.now());
  }

  seed(input: 'demo' | 'empty' | SeedInput): Record<string, number> {
    if (input === 'empty') return {};
    return applySeed(this.state, input === 'demo' ? demoSeed() : input);
  }

  setFaults(update: FaultUpdate): void {
    this.faults.update(update);
    if (update.expireSessions) this.sessions.expireAll();
  }

  duplicates(): DuplicateReport {
    return findDuplicates(this.state);
  }

  /** Back to start-up: data re-seeded (with `seed`, or the start-up seed), sessions, budgets, faults and log cleared. */
  reset(seed: 'demo' | 'empty' | SeedInput = this.options.seed): void {
    this.state.clear();
    this.sessions.clear();
    this.limiters.clear();
    this.stats.reset();
    this.faults.reset();
    this.seed(seed);
    this.smartAssessor.reset(seed === 'demo' ? 'demo' : 'empty');
  }

  /** Every record, in the shape a seed takes (so a dump can be seeded back). */
  dump(): Record<string, unknown> {
    const s = this.state;
    return {
      customers: [...s.customers.values()],
      organisations: [...s.organisations.values()],
      users: [...s.users.values()],
      classrooms: [...s.classrooms.values()],
      placements: [...s.placements.values()],
      standards: [...s.standards.values()],
      learningAims: [...s.learningAims.values()].map(aimView),
      reviews: [...s.reviews.values()],
      visits: [...s.visits.values()],
      assignments: [...s.assignments.values()],
    };
  }
}
