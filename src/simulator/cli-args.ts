import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { FaultUpdate, Latency, When } from './faults.js';
import { EMPTY_SEARCH_ANSWERS, REVIEW_ROW_SHAPES, type SimulatorOptions } from './options.js';
import { ENVIRONMENTS, type Environment } from './schemas.js';
import type { SeedInput } from './seed.js';
import { demoSeed } from './demo-seed.js';

export const USAGE = `Usage: node dist/src/simulator/main.js [options]
  --port N                 listen port (default 0 = a free one)
  --host H                 listen address (default 127.0.0.1)
  --seed demo|demo-multi-centre|empty|FILE
                           start-up data: the demo provider (default), the demo with a second centre,
                           nothing, or a JSON seed file
  --environment E          live|beta|practice: which customer tokens authenticate (default live)
  --speed X                time compression: X simulated seconds per real second (default 1)
  --session-ttl-ms N       session lifetime, simulated ms (default 86400000)
  --single-session         a new login ends the customer's earlier sessions
  --rate-limit N           calls per window per customer, 0 = none (default 300)
  --window-ms N            rate window, simulated ms (default 60000)
  --window sliding|fixed   window kind (default sliding)
  --retry-after on|off     send Retry-After with 429 (default on)
  --create-answer id|object  POST /Placement and /Classroom answer (default id)
  --learning-aim-rows minimal|full  LearningAim search rows (default minimal)
  --review-rows minimal|status|full  Review search rows (default minimal: ID, LearnerID, ScheduledFor)
  --empty-search 204|empty-array   what a search matching nothing answers (default 204)
  --session-body bare|quoted       POST /Authentication's body (default bare text/plain)
  --refused-session-status 401|403 the status of a missing, unknown or expired session (default 401)
  --require-staff-email    refuse staff users without Email
 Faults (seeded, reproducible):
  --fault-seed N           seed of the fault generator (default 1)
  --error-rate R           share of calls answered 5xx (0..1)
  --error-when before|after  fail before the work, or after it is done (default before)
  --drop-rate R            share of connections dropped without an answer
  --drop-when before|after
  --slow-rate R            share of answers held back --slow-ms after the work is done
  --slow-ms N
  --latency SPEC           none | fixed:MS | uniform:MIN-MAX | normal:MEAN,SD (real ms)`;

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new Error(`${flag} must be one of ${allowed.join(', ')}`);
  return value as T;
}

function num(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new Error(`${flag} must be a number, got '${value}'`);
  return n;
}

export function parseLatency(spec: string): Latency {
  const [kind, arg = ''] = spec.split(':', 2);
  const nums = arg.split(/[-,]/).map(Number);
  const bad = () => new Error(`--latency '${spec}' is not none, fixed:MS, uniform:MIN-MAX or normal:MEAN,SD`);
  if (kind === 'none') return { kind: 'none' };
  if (nums.some((n) => !Number.isFinite(n))) throw bad();
  if (kind === 'fixed' && nums.length === 1) return { kind, ms: nums[0]! };
  if (kind === 'uniform' && nums.length === 2) return { kind, minMs: nums[0]!, maxMs: nums[1]! };
  if (kind === 'normal' && nums.length === 2) return { kind, meanMs: nums[0]!, sdMs: nums[1]! };
  throw bad();
}

/** Command-line flags → simulator options; `help` when --help was given. Throws on a bad flag. */
export function parseCliArgs(argv: string[]): { help: boolean; options: SimulatorOptions } {
  const { values: v } = parseArgs({
    args: argv,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      port: { type: 'string' }, host: { type: 'string' }, seed: { type: 'string' }, environment: { type: 'string' },
      speed: { type: 'string' }, 'session-ttl-ms': { type: 'string' }, 'single-session': { type: 'boolean' },
      'rate-limit': { type: 'string' }, 'window-ms': { type: 'string' }, window: { type: 'string' },
      'retry-after': { type: 'string' }, 'create-answer': { type: 'string' }, 'learning-aim-rows': { type: 'string' }, 'review-rows': { type: 'string' },
      'empty-search': { type: 'string' }, 'session-body': { type: 'string' }, 'refused-session-status': { type: 'string' },
      'require-staff-email': { type: 'boolean' },
      'fault-seed': { type: 'string' }, 'error-rate': { type: 'string' }, 'error-when': { type: 'string' },
      'drop-rate': { type: 'string' }, 'drop-when': { type: 'string' }, 'slow-rate': { type: 'string' },
      'slow-ms': { type: 'string' }, latency: { type: 'string' },
    },
  });
  let seed: SimulatorOptions['seed'];
  if (v.seed === 'demo' || v.seed === 'empty') seed = v.seed;
  else if (v.seed === 'demo-multi-centre') seed = demoSeed({ centres: 2 });
  else if (v.seed !== undefined) seed = JSON.parse(readFileSync(v.seed, 'utf8')) as SeedInput;

  const whens = ['before', 'after'] as const satisfies readonly When[];
  const faults: FaultUpdate = {};
  if (v['fault-seed'] !== undefined) faults.seed = num(v['fault-seed'], '--fault-seed')!;
  if (v['error-rate'] !== undefined || v['error-when'] !== undefined) {
    faults.errors = { rate: num(v['error-rate'], '--error-rate') ?? 0, when: oneOf(v['error-when'], whens, '--error-when') ?? 'before' };
  }
  if (v['drop-rate'] !== undefined || v['drop-when'] !== undefined) {
    faults.drops = { rate: num(v['drop-rate'], '--drop-rate') ?? 0, when: oneOf(v['drop-when'], whens, '--drop-when') ?? 'before' };
  }
  if (v['slow-rate'] !== undefined || v['slow-ms'] !== undefined) {
    faults.slow = { rate: num(v['slow-rate'], '--slow-rate') ?? 0, ms: num(v['slow-ms'], '--slow-ms') ?? 0 };
  }
  if (v.latency !== undefined) faults.latency = parseLatency(v.latency);

  const refusedStatus = oneOf(v['refused-session-status'], ['401', '403'] as const, '--refused-session-status');
  const retryAfter = oneOf(v['retry-after'], ['on', 'off'] as const, '--retry-after');
  const options: SimulatorOptions = {
    port: num(v.port, '--port'),
    host: v.host,
    seed,
    environment: oneOf<Environment>(v.environment, ENVIRONMENTS, '--environment'),
    speed: num(v.speed, '--speed'),
    sessionTtlMs: num(v['session-ttl-ms'], '--session-ttl-ms'),
    singleSession: v['single-session'],
    rateLimit: num(v['rate-limit'], '--rate-limit'),
    windowMs: num(v['window-ms'], '--window-ms'),
    window: oneOf(v.window, ['sliding', 'fixed'] as const, '--window'),
    retryAfter: retryAfter === undefined ? undefined : retryAfter === 'on',
    createAnswer: oneOf(v['create-answer'], ['id', 'object'] as const, '--create-answer'),
    learningAimRows: oneOf(v['learning-aim-rows'], ['minimal', 'full'] as const, '--learning-aim-rows'),
    reviewRows: oneOf(v['review-rows'], REVIEW_ROW_SHAPES, '--review-rows'),
    emptySearch: oneOf(v['empty-search'], EMPTY_SEARCH_ANSWERS, '--empty-search'),
    sessionBody: oneOf(v['session-body'], ['bare', 'quoted'] as const, '--session-body'),
    refusedSessionStatus: refusedStatus === undefined ? undefined : (Number(refusedStatus) as 401 | 403),
    requireStaffEmail: v['require-staff-email'],
    faults: Object.keys(faults).length > 0 ? faults : undefined,
  };
  // Leave unset flags out, so the library defaults apply.
  for (const k of Object.keys(options) as (keyof SimulatorOptions)[]) if (options[k] === undefined) delete options[k];
  return { help: v.help === true, options };
}
