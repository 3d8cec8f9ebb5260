import { badRequest } from './errors.js';
import { mulberry32, normalFrom, type Random } from '../util/prng.js';

/**
 * Extra real time per call. `when` (default `before`): before the call is handled, as a slow network; or
 * `after`: the call is handled at once (a write is made) and only its answer is late, the window in which a
 * client that dies has made a change it never learns of.
 */
export type Latency = (
  | { kind: 'none' }
  | { kind: 'fixed'; ms: number }
  | { kind: 'uniform'; minMs: number; maxMs: number }
  | { kind: 'normal'; meanMs: number; sdMs: number }
) & { when?: When };

/**
 * `before`: the call fails before it touches any data. `after`: its change is made and only the answer is
 * lost, the case that tempts a client into creating a record twice.
 */
export type When = 'before' | 'after';

export type BadAnswerKind = 'html-200' | 'html-500' | 'truncated-json' | 'wrong-types' | 'missing-fields' | 'oversized';
export const BAD_ANSWER_KINDS: readonly BadAnswerKind[] = [
  'html-200', 'html-500', 'truncated-json', 'wrong-types', 'missing-fields', 'oversized',
];

/** A malformed answer for one endpoint, e.g. `{endpoint: 'GET /User/{id}', kind: 'truncated-json', times: 1}`. */
export interface BadAnswerRule {
  endpoint: string;
  kind: BadAnswerKind;
  /** missing-fields: the fields removed (default `["ID"]`). */
  fields?: string[];
  /** oversized: the body's size in bytes, the real answer padded with white space (default 17 MiB). */
  bytes?: number;
  /** How many answers to spoil; absent = every one until the rule is replaced. */
  times?: number;
}

export interface FaultSettings {
  /** Seed of the generator behind every random fault: one seed and one request order give one run. */
  seed: number;
  /** Endpoint templates (`"GET /User/{id}"`) the random faults hit; null = every API endpoint. */
  endpoints: string[] | null;
  /** OneFile learner ids the random faults hit: only calls about one of them (call-learner.ts); null = any call. */
  learners: number[] | null;
  /** A share of calls answered with a status picked from `statuses`: 5xx, or 429 (OneFile's limit, at any call). */
  errors: { rate: number; statuses: number[]; when: When };
  /** A share of connections destroyed without an answer. */
  drops: { rate: number; when: When };
  /** A share of answers held back `ms` real milliseconds after the work is done (past a client's timeout). */
  slow: { rate: number; ms: number };
  /** Extra real milliseconds for every call, before it is handled or (`latency.when: 'after'`) before its answer. */
  latency: Latency;
  badAnswers: BadAnswerRule[];
}

/** A change to the faults: any part of the settings, plus the one-off actions. */
export type FaultUpdate = Partial<Omit<FaultSettings, 'errors' | 'drops' | 'slow'>> & {
  errors?: Partial<FaultSettings['errors']>;
  drops?: Partial<FaultSettings['drops']>;
  slow?: Partial<FaultSettings['slow']>;
  /** The next N calls (after authentication) are answered 429, whatever the budget says. */
  burst429?: number;
  /** Every session handed out so far stops working. */
  expireSessions?: boolean;
};

export const NO_FAULTS: FaultSettings = {
  seed: 1,
  endpoints: null,
  learners: null,
  errors: { rate: 0, statuses: [500, 502, 503], when: 'before' },
  drops: { rate: 0, when: 'before' },
  slow: { rate: 0, ms: 0 },
  latency: { kind: 'none' },
  badAnswers: [],
};

/** What happens to one call. */
export interface FaultPlan {
  drop: When | null;
  error: { status: number; when: When } | null;
  delayMs: number;
  /** Where delayMs falls: before the handler, or between the handler and the answer. */
  delayWhen: When;
  slowMs: number;
}

export class FaultEngine {
  settings: FaultSettings = structuredClone(NO_FAULTS);
  private random: Random = mulberry32(NO_FAULTS.seed);
  private pending429 = 0;
  private randomFaults = false;

  /** Applies an update (validated whole before anything changes); a `seed` in it restarts the sequence. */
  update(u: FaultUpdate): void {
    const next = mergeFaults(this.settings, u);
    if (u.burst429 !== undefined && !(Number.isInteger(u.burst429) && u.burst429 >= 0)) {
      throw badRequest('burst429 must be a whole number ≥ 0.');
    }
    this.settings = next;
    if (u.seed !== undefined) this.random = mulberry32(next.seed);
    if (u.burst429 !== undefined) this.pending429 = u.burst429;
    const s = this.settings;
    this.randomFaults = s.errors.rate > 0 || s.drops.rate > 0 || s.slow.rate > 0 || s.latency.kind !== 'none';
  }

  reset(): void {
    this.settings = structuredClone(NO_FAULTS);
    this.random = mulberry32(NO_FAULTS.seed);
    this.pending429 = 0;
    this.randomFaults = false;
  }

  /**
   * The random faults for one call, or null when none applies. Draws a fixed count per affected call.
   * `learnerOf` names the OneFile learner the call is about (asked only when faults are scoped to learners).
   */
  plan(endpoint: string, learnerOf: () => number | null = () => null): FaultPlan | null {
    if (!this.randomFaults) return null;
    const s = this.settings;
    if (s.endpoints !== null && !s.endpoints.includes(endpoint)) return null;
    if (s.learners !== null) {
      const learner = learnerOf();
      if (learner === null || !s.learners.includes(learner)) return null;
    }
    const [rDrop, rError, rStatus, rSlow, u1, u2] = [this.random(), this.random(), this.random(), this.random(),
      this.random(), this.random()];
    const status = s.errors.statuses[Math.floor(rStatus * s.errors.statuses.length)] ?? 500;
    return {
      drop: rDrop < s.drops.rate ? s.drops.when : null,
      error: rError < s.errors.rate ? { status, when: s.errors.when } : null,
      delayMs: latencyMs(s.latency, u1, u2),
      delayWhen: s.latency.when ?? 'before',
      slowMs: rSlow < s.slow.rate ? s.slow.ms : 0,
    };
  }

  /** True when this call is one of a forced 429 burst. */
  takeForced429(): boolean {
    if (this.pending429 === 0) return false;
    this.pending429--;
    return true;
  }

  /** The bad-answer rule for this endpoint, if any, using up one of its `times`. */
  takeBadAnswer(endpoint: string): BadAnswerRule | undefined {
    const rules = this.settings.badAnswers;
    if (rules.length === 0) return undefined;
    const i = rules.findIndex((r) => r.endpoint === endpoint);
    const rule = rules[i];
    if (!rule) return undefined;
    if (rule.times !== undefined && --rule.times <= 0) rules.splice(i, 1);
    return rule;
  }
}

function latencyMs(l: Latency, u1: number, u2: number): number {
  switch (l.kind) {
    case 'none': return 0;
    case 'fixed': return l.ms;
    case 'uniform': return l.minMs + u1 * (l.maxMs - l.minMs);
    case 'normal': return Math.max(0, l.meanMs + l.sdMs * normalFrom(u1, u2));
  }
}

const rate = (x: unknown, name: string): number => {
  if (typeof x !== 'number' || !(x >= 0 && x <= 1)) throw badRequest(`${name} must be a share between 0 and 1.`);
  return x;
};
const ms = (x: unknown, name: string): number => {
  if (typeof x !== 'number' || !(x >= 0) || !Number.isFinite(x)) throw badRequest(`${name} must be milliseconds ≥ 0.`);
  return x;
};
const when = (x: unknown, name: string): When => {
  if (x !== 'before' && x !== 'after') throw badRequest(`${name} must be "before" or "after".`);
  return x;
};

/** Validates `u` against the current settings and answers the merged settings. */
export function mergeFaults(cur: FaultSettings, u: FaultUpdate): FaultSettings {
  if (typeof u !== 'object' || u === null) throw badRequest('Faults are a JSON object.');
  const known = ['seed', 'endpoints', 'learners', 'errors', 'drops', 'slow', 'latency', 'badAnswers', 'burst429', 'expireSessions'];
  const stray = Object.keys(u).filter((k) => !known.includes(k));
  if (stray.length > 0) throw badRequest(`Unknown fault setting(s): ${stray.join(', ')}.`);
  for (const name of ['errors', 'drops', 'slow', 'latency'] as const) {
    const v: unknown = u[name];
    if (v !== undefined && (typeof v !== 'object' || v === null || Array.isArray(v))) throw badRequest(`${name} must be a JSON object.`);
  }
  if (u.expireSessions !== undefined && typeof u.expireSessions !== 'boolean') throw badRequest('expireSessions must be true or false.');
  const errors = { ...cur.errors, ...u.errors };
  const drops = { ...cur.drops, ...u.drops };
  const slow = { ...cur.slow, ...u.slow };
  const out: FaultSettings = {
    seed: u.seed ?? cur.seed,
    endpoints: u.endpoints === undefined ? cur.endpoints : u.endpoints,
    learners: u.learners === undefined ? cur.learners : u.learners,
    errors: { rate: rate(errors.rate, 'errors.rate'), statuses: errors.statuses, when: when(errors.when, 'errors.when') },
    drops: { rate: rate(drops.rate, 'drops.rate'), when: when(drops.when, 'drops.when') },
    slow: { rate: rate(slow.rate, 'slow.rate'), ms: ms(slow.ms, 'slow.ms') },
    latency: u.latency ?? cur.latency,
    badAnswers: structuredClone(u.badAnswers ?? cur.badAnswers),
  };
  if (!Number.isInteger(out.seed)) throw badRequest('seed must be a whole number.');
  if (out.endpoints !== null && !(Array.isArray(out.endpoints) && out.endpoints.every((e) => typeof e === 'string'))) {
    throw badRequest('endpoints must be null or a list of endpoint templates.');
  }
  if (out.learners !== null && !(Array.isArray(out.learners) && out.learners.every((id) => Number.isInteger(id) && id > 0))) {
    throw badRequest('learners must be null or a list of OneFile learner ids.');
  }
  if (!Array.isArray(out.errors.statuses) || out.errors.statuses.length === 0
    || !out.errors.statuses.every((s) => s === 429 || (Number.isInteger(s) && s >= 500 && s <= 599))) {
    throw badRequest('errors.statuses must be a non-empty list of 5xx statuses or 429.');
  }
  const l = out.latency as Latency & Record<string, unknown>;
  if (l.when !== undefined) when(l.when, 'latency.when');
  switch (l.kind) {
    case 'none': break;
    case 'fixed': ms(l.ms, 'latency.ms'); break;
    case 'uniform': ms(l.minMs, 'latency.minMs'); if (ms(l.maxMs, 'latency.maxMs') < l.minMs) throw badRequest('latency.maxMs < minMs.'); break;
    case 'normal': ms(l.meanMs, 'latency.meanMs'); ms(l.sdMs, 'latency.sdMs'); break;
    default: throw badRequest('latency.kind must be none, fixed, uniform or normal.');
  }
  if (!Array.isArray(out.badAnswers)) throw badRequest('badAnswers must be a list.');
  for (const r of out.badAnswers) {
    if (typeof r?.endpoint !== 'string' || !BAD_ANSWER_KINDS.includes(r.kind)) {
      throw badRequest(`A bad answer needs an endpoint and a kind (${BAD_ANSWER_KINDS.join(', ')}).`);
    }
    if (r.times !== undefined && !(Number.isInteger(r.times) && r.times > 0)) throw badRequest('badAnswers[].times must be ≥ 1.');
    if (r.bytes !== undefined && !(Number.isInteger(r.bytes) && r.bytes > 0 && r.bytes <= 256 * 1024 * 1024)) {
      throw badRequest('badAnswers[].bytes must be a whole number of bytes from 1 to 268435456.');
    }
  }
  return out;
}
