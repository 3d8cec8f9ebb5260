import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Redis } from 'ioredis';
import { createCallBudget, type CallBudgetOptions, type CallLane } from '../../src/limiter/call-budget.js';
import { customerKeyFromToken } from '../../src/limiter/customer-key.js';
import { BudgetWaitTooLongError } from '../../src/limiter/errors.js';
import { GCRA_LUA } from '../../src/limiter/gcra-script.js';
import { createTestRedis, type TestRedis } from '../helpers/redis.js';

// Issue 21: the budget's two lanes (a user's click ahead of batch work) on one Redis-clocked schedule. Real
// Redis; no stopwatch. The script's answers are read inside one MULTI, where Redis's clock barely moves, so
// they are the schedule itself; real callers are checked by the order they are served in and by the
// schedule Redis holds afterwards.

let t: TestRedis;
let keyPrefix: string;

beforeAll(() => {
  t = createTestRedis();
  keyPrefix = `${t.prefix}:`;
});

afterAll(async () => {
  await t.cleanup();
});

const customer = (): string => customerKeyFromToken(randomUUID());

function budget(redis: Redis, options: Partial<CallBudgetOptions> = {}) {
  return createCallBudget({ redis, keyPrefix, headroom: 1, ...options });
}

const SLOT_US = 100_000; // 600 calls a minute
const HORIZON_US = 2 * SLOT_US;
const LIMIT_US = 60_000_000;

type Step = ['reserve' | 'recheck', CallLane] | ['turn', number] | ['penalise', number];

/** Runs the script for each step inside one MULTI; answers [status, ms rounded to 10 ms, ticket?]. */
async function script(key: string, steps: Step[], { tauUs = 0 }: { tauUs?: number } = {}): Promise<Array<[number, number, number?]>> {
  const multi = t.redis.multi();
  for (const [op, arg] of steps) {
    if (op === 'penalise') multi.eval(GCRA_LUA, 1, key, 'penalise', SLOT_US, tauUs, arg * 1000);
    else if (op === 'turn') multi.eval(GCRA_LUA, 1, key, 'turn', SLOT_US, tauUs, LIMIT_US, HORIZON_US, arg);
    else multi.eval(GCRA_LUA, 1, key, op, SLOT_US, tauUs, LIMIT_US, ...(arg === 'batch' ? [HORIZON_US] : []));
  }
  return (await multi.exec())!.map(([error, reply]) => {
    if (error) throw error;
    const [status, us, ticket] = reply as [number, number, number?];
    return ticket === undefined ? [status, Math.round(us / 10_000) * 10] : [status, Math.round(us / 10_000) * 10, ticket];
  });
}

/** The answers without their tickets. */
const plain = (answers: Array<[number, number, number?]>) => answers.map(([status, ms]) => [status, ms]);

const RESERVED = 1;
const IN_LINE = 3;

describe('the call budget lanes (issue 21)', () => {
  it('batch callers reserve no further ahead than the horizon; the rest get turns one slot apart, in arrival order', async () => {
    const key = `${keyPrefix}budget:${customer()}`;
    const answers = await script(key, Array.from({ length: 7 }, (): Step => ['reserve', 'batch']));
    expect(plain(answers)).toEqual([
      [RESERVED, 0], [RESERVED, 100], [RESERVED, 200], // the head, and the horizon's two slots
      [IN_LINE, 100], [IN_LINE, 200], [IN_LINE, 300], [IN_LINE, 400], // each turn: when its slot would be within the horizon
    ]);
    // Redis holds three slots taken and the line's next turn; nothing else was reserved.
    const [tat, line] = await t.redis.hmget(key, 'tat', 'line');
    const [s, us] = await t.redis.time();
    const nowUs = Number(s) * 1e6 + Number(us);
    expect(Math.round((Number(tat) - nowUs) / 10_000) * 10).toBeLessThanOrEqual(300);
    expect(Number(line)).toBeGreaterThan(Number(tat));
  });

  it('a click reserves right behind the horizon, ahead of every batch caller waiting its turn', async () => {
    const key = `${keyPrefix}budget:${customer()}`;
    const answers = await script(key, [
      ['reserve', 'batch'], ['reserve', 'batch'], ['reserve', 'batch'], ['reserve', 'batch'], ['reserve', 'batch'],
      ['reserve', 'interactive'],
      ['reserve', 'interactive'],
    ]);
    expect(plain(answers)).toEqual([
      [RESERVED, 0], [RESERVED, 100], [RESERVED, 200], [IN_LINE, 100], [IN_LINE, 200],
      [RESERVED, 300], // the click: after the three batch slots, not after the two waiting their turn
      [RESERVED, 400], // clicks among themselves: first come, first served, as the single-lane budget
    ]);
  });

  it('each click taken while batch callers wait moves every waiting turn back one slot, in order', async () => {
    const key = `${keyPrefix}budget:${customer()}`;
    const first = await script(key, [
      ['reserve', 'batch'], ['reserve', 'batch'], ['reserve', 'batch'], ['reserve', 'batch'], ['reserve', 'batch'],
      ['reserve', 'interactive'], ['reserve', 'interactive'],
    ]);
    const [, , fourth] = first[3]!;
    const [, , fifth] = first[4]!;
    expect(fifth! - fourth!).toBe(SLOT_US); // tickets one slot apart, in arrival order
    // Asked at once (before its turn): the fourth's turn, +100 ms when given, is now +300 ms — two clicks later;
    // the fifth's +400 ms; a newcomer queues behind both, at +500 ms.
    const later = await script(key, [['turn', fourth!], ['turn', fifth!], ['reserve', 'batch']]);
    expect(later.map(([status]) => status)).toEqual([IN_LINE, IN_LINE, IN_LINE]);
    for (const [[, ms], expected] of later.map((a, i) => [a, [300, 400, 500][i]!] as const)) {
      expect(ms).toBeGreaterThanOrEqual(expected - 10); // a few ms of Redis time passed between the two MULTIs
      expect(ms).toBeLessThanOrEqual(expected);
    }
    expect(later[0]![2]).toBe(fourth); // a caller keeps its ticket
  });

  it('a turn that is due is served when the head is within the horizon', async () => {
    const key = `${keyPrefix}budget:${customer()}`;
    // A turn of the past: its ticket is before now, so it is due, and the idle schedule's head is now.
    const [s, us] = await t.redis.time();
    const past = Number(s) * 1e6 + Number(us) - 1_000_000;
    expect(plain(await script(key, [['turn', past]]))).toEqual([[RESERVED, 0]]);
  });

  it('a batch caller waits behind a running penalty like everyone else, and the line resumes after it', async () => {
    const key = `${keyPrefix}budget:${customer()}`;
    const answers = await script(key, [['penalise', 1000], ['reserve', 'batch'], ['reserve', 'batch'], ['reserve', 'interactive'], ['penalise', 2000]]);
    expect(plain(answers)).toEqual([[RESERVED, 1000], [IN_LINE, 800], [IN_LINE, 900], [RESERVED, 1000], [RESERVED, 2000]]);
    // The click and the second penalty pushed the waiting turns back with them: 0.1 s, then 0.9 s more.
    const later = await script(key, [['turn', answers[1]![2]!]]);
    expect(later[0]![0]).toBe(IN_LINE);
    expect(later[0]![1]).toBeGreaterThanOrEqual(1800 - 10);
    expect(later[0]![1]).toBeLessThanOrEqual(1800);
  });

  it('refuses a batch caller whose turn and slot are further than its limit, and takes no turn for it', async () => {
    const b = budget(t.redis, { callsPerMinute: 600, burst: 1 });
    const c = customer();
    const key = b.keyFor(c);
    await script(key, Array.from({ length: 5 }, (): Step => ['reserve', 'batch']));
    const lineBefore = await t.redis.hmget(key, 'line', 'shift');
    // Its turn would come in 0.3 s and its slot 0.2 s after that: more than 0.3 s.
    const refused = await t.redis.eval(GCRA_LUA, 1, key, 'reserve', SLOT_US, 0, 300_000, HORIZON_US) as [number, number];
    expect(refused[0]).toBe(0);
    expect(await t.redis.hmget(key, 'line', 'shift')).toEqual(lineBefore);
    await expect(b.acquire(c, { lane: 'batch', maxWaitMs: 100 })).rejects.toBeInstanceOf(BudgetWaitTooLongError);
    expect(await t.redis.hmget(key, 'line', 'shift')).toEqual(lineBefore);
    expect(b.stats()).toMatchObject({ refusals: 1, batchTurns: 0 });
  });

  it('the interactive lane is the single-lane budget: the same answers with or without it', async () => {
    const a = `${keyPrefix}budget:${customer()}`;
    const b = `${keyPrefix}budget:${customer()}`;
    const steps = Array.from({ length: 6 }, (): Step => ['reserve', 'interactive']);
    const withLane = plain(await script(a, steps, { tauUs: 2 * SLOT_US }));
    const multi = t.redis.multi();
    for (let i = 0; i < 6; i++) multi.eval(GCRA_LUA, 1, b, 'reserve', SLOT_US, 2 * SLOT_US, LIMIT_US);
    const without = (await multi.exec())!.map(([, reply]) => {
      const [status, us] = reply as [number, number];
      return [status, Math.round(us / 10_000) * 10];
    });
    expect(withLane).toEqual(without);
    expect(withLane).toEqual([[1, 0], [1, 0], [1, 0], [1, 100], [1, 200], [1, 300]]);
    expect(await t.redis.hmget(a, 'line', 'shift')).toEqual([null, null]);
  });

  it('real callers: a click asked for after 8 batch calls is served before most of them, batch calls in the order asked, at the budget rate', async () => {
    const b = budget(t.redis, { callsPerMinute: 600, burst: 1, batchHorizonSlots: 2 }); // one slot per 100 ms
    const key = customer();
    await b.acquire(customer()); // the script loaded on this connection (EVALSHA), so the calls below keep their order
    const served: string[] = [];
    const [s0, us0] = await t.redis.time();
    const redisStartMs = Number(s0) * 1000 + Number(us0) / 1000;
    const batch = Array.from({ length: 8 }, (_, i) => b.acquire(key, { lane: 'batch' }).then(() => served.push(`batch-${i}`)));
    // The batch callers' first answers have come back before the click asks: all 8 are reserved or in line.
    await b.acquire(customer(), { lane: 'batch' }); // a round trip on the same connection, after theirs
    const click = b.acquire(key, { lane: 'interactive' }).then(() => served.push('click'));
    await Promise.all([...batch, click]);
    // The click got the slot right behind the horizon: the head and the horizon's two batch slots, then it.
    expect(served.indexOf('click')).toBe(3);
    expect(served.filter((w) => w !== 'click')).toEqual(Array.from({ length: 8 }, (_, i) => `batch-${i}`));
    // Redis side: nine calls on one schedule of 100 ms slots took at least eight slots of Redis time.
    const tat = Number(await t.redis.hget(b.keyFor(key), 'tat')) / 1000;
    expect(tat - redisStartMs).toBeGreaterThanOrEqual(900 - 5);
    expect(b.stats()).toMatchObject({ acquired: 11, acquiredByLane: { interactive: 2, batch: 9 } });
    expect(b.stats().batchTurns).toBeGreaterThanOrEqual(5);
  });

  it('refuses an unknown lane and a horizon that is not a positive number', async () => {
    const b = budget(t.redis);
    await expect(b.acquire(customer(), { lane: 'bulk' as CallLane })).rejects.toThrow(/lane must be interactive or batch/);
    expect(() => budget(t.redis, { batchHorizonSlots: 0 })).toThrow(RangeError);
  });
});
