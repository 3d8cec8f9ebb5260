import type { FaultUpdate } from './faults.js';
import type { WindowKind } from './rate-limit.js';
import type { Environment } from './schemas.js';
import type { SeedInput } from './seed.js';

export interface SimulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Start-up data: the demo provider (default), nothing, or records of your own. */
  seed?: 'demo' | 'empty' | SeedInput;
  /** Which of a customer's per-environment tokens authenticate here. Default 'live'. */
  environment?: Environment;
  /** Time compression: simulated time runs `speed` times faster than real time. Default 1. */
  speed?: number;
  /** Simulated time at start-up (ISO string or epoch ms). Default: the real time now. */
  startAt?: string | number;
  /** Session lifetime in simulated ms. Default 24 h. */
  sessionTtlMs?: number;
  /** A new login ends the customer's earlier sessions. Default false. */
  singleSession?: boolean;
  /** Calls per window per customer; 0 = no limit. Default 300. */
  rateLimit?: number;
  /** Window length in simulated ms. Default 60 000. */
  windowMs?: number;
  /** Default 'sliding' (strict: the calls of the last window). */
  window?: WindowKind;
  /** Send Retry-After (real seconds, rounded up) with a 429. Default true. */
  retryAfter?: boolean;
  /** What POST /Placement and POST /Classroom answer: a bare id (default) or the new record as JSON. */
  createAnswer?: 'id' | 'object';
  /** LearningAim search rows: every field, or only ID, StandardID, UserID, Status (default). */
  learningAimRows?: 'full' | 'minimal';
  /**
   * Review search rows: ID, LearnerID and ScheduledFor only (default: all OneFile is known to send); with
   * Status; or with Status, AssessorID, StartedOn and the signed dates (every field D6 reads).
   */
  reviewRows?: ReviewRowShape;
  /** What a search that matches nothing answers: 204 with no body (default) or `200 []` (both are OneFile's). */
  emptySearch?: EmptySearchAnswer;
  /** POST /Authentication's body: the bare session as text/plain (default) or a JSON-quoted string. */
  sessionBody?: 'bare' | 'quoted';
  /** The status of a call whose X-TokenID is missing, unknown or expired: 401 (default) or 403. */
  refusedSessionStatus?: 401 | 403;
  /** Refuse staff users created without an Email (OneFile's docs say it is required; PICSWeb sends names only). */
  requireStaffEmail?: boolean;
  faults?: FaultUpdate;
}

export type ResolvedOptions = Required<Omit<SimulatorOptions, 'startAt' | 'faults' | 'seed'>> &
  Pick<SimulatorOptions, 'startAt' | 'faults'> & { seed: 'demo' | 'empty' | SeedInput };

export const REVIEW_ROW_SHAPES = ['minimal', 'status', 'full'] as const;
export type ReviewRowShape = (typeof REVIEW_ROW_SHAPES)[number];

export const EMPTY_SEARCH_ANSWERS = ['204', 'empty-array'] as const;
export type EmptySearchAnswer = (typeof EMPTY_SEARCH_ANSWERS)[number];

export const DAY_MS = 24 * 60 * 60 * 1000;

export function resolveOptions(o: SimulatorOptions = {}): ResolvedOptions {
  return {
    port: o.port ?? 0,
    host: o.host ?? '127.0.0.1',
    seed: o.seed ?? 'demo',
    environment: o.environment ?? 'live',
    speed: o.speed ?? 1,
    startAt: o.startAt,
    sessionTtlMs: o.sessionTtlMs ?? DAY_MS,
    singleSession: o.singleSession ?? false,
    rateLimit: o.rateLimit ?? 300,
    windowMs: o.windowMs ?? 60_000,
    window: o.window ?? 'sliding',
    retryAfter: o.retryAfter ?? true,
    createAnswer: o.createAnswer ?? 'id',
    learningAimRows: o.learningAimRows ?? 'minimal',
    reviewRows: o.reviewRows ?? 'minimal',
    emptySearch: o.emptySearch ?? '204',
    sessionBody: o.sessionBody ?? 'bare',
    refusedSessionStatus: o.refusedSessionStatus ?? 401,
    requireStaffEmail: o.requireStaffEmail ?? false,
    faults: o.faults,
  };
}
