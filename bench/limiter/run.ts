import { exitWithVerdicts } from '../support/verdict.js';
import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { DEMO_CUSTOMER_TOKEN } from '../../src/demo/catalogue.js';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import {
  STRATEGIES, STRATEGY_LABEL, assertLoopback, type FromWorker, type Strategy, type WorkerConfig,
} from './protocol.js';
import { fixed, percentile, table } from './stats.js';

/*
 * The OneFile call-budget benchmark (issue 5). The simulator runs in this process in strict sliding-window
 * mode (300 calls in any 60 simulated seconds) with time compressed `speed` times; 1, 4 and 8 forked worker
 * processes saturate it with each strategy, while one more process times on-demand calls (a *Refresh with
 * OneFile* click) from request to answer. Everything stays on 127.0.0.1 and every child stops by itself.
 *
 *   npm run bench:limiter                 full run (≥ 5 OneFile minutes per cell)
 *   npm run bench:limiter -- --quick      2 OneFile minutes per cell, 10 on-demand samples
 *   options: --speed 20 --minutes 5 --procs 1,4,8 --strategies ours,ours-fifo,rlf,pause,none --slots 8 --samples 20
 *            --latency 100-300 (OneFile ms, or "none") --bulk-wait 5 --out bench/limiter/RESULTS.md
 */

const LIMIT = 300;
const HEADROOM = 0.95;
const BURST = 3;
/** Longest budget wait of an on-demand call before its job is delayed (config.onefile.maxWaitMs), OneFile ms. */
const ON_DEMAND_MAX_WAIT = 30_000;

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    speed: { type: 'string', default: '20' },
    minutes: { type: 'string' },
    procs: { type: 'string', default: '1,4,8' },
    strategies: { type: 'string', default: STRATEGIES.join(',') },
    slots: { type: 'string', default: '8' },
    samples: { type: 'string' },
    latency: { type: 'string', default: '100-300' },
    'bulk-wait': { type: 'string', default: '5' },
    out: { type: 'string' },
  },
});

const speed = Number(args.speed);
if (!(Number.isInteger(speed) && speed > 0 && 60 % speed === 0)) {
  throw new Error('--speed must divide 60 (rate-limiter-flexible windows are whole seconds)');
}
const minutes = Number(args.minutes ?? (args.quick ? 2 : 5));
const neededSamples = Number(args.samples ?? (args.quick ? 10 : 20));
const procsList = args.procs.split(',').map(Number);
const strategies = args.strategies.split(',') as Strategy[];
for (const s of strategies) if (!STRATEGIES.includes(s)) throw new Error(`unknown strategy ${s}`);
const slots = Number(args.slots);
const bulkWaitOneFileMs = Number(args['bulk-wait']) * 1000;
const latency = args.latency === 'none' ? null : args.latency.split('-').map(Number) as [number, number];

/** OneFile ms → real ms, and back. */
const real = (oneFileMs: number) => oneFileMs / speed;
const oneFileSeconds = (realMs: number) => (realMs * speed) / 1000;
const ONE_MINUTE = real(60_000);
const warmupMs = ONE_MINUTE / 2;

const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
assertLoopback('Redis', redisUrl);
const workerPath = fileURLToPath(new URL('./worker.js', import.meta.url));

interface Cell {
  strategy: Strategy;
  procs: number;
  ratio: number;
  rateLimited: number;
  waitP50: number;
  waitP99: number;
  samples: number[];
  errors: number;
  measuredMinutes: number;
}

function spawnWorker(config: WorkerConfig): { child: ChildProcess; messages: FromWorker[]; ready: Promise<void>; done: Promise<FromWorker> } {
  const child = fork(workerPath, [JSON.stringify(config)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'json' });
  const messages: FromWorker[] = [];
  let onReady!: () => void;
  let onDone!: (m: FromWorker) => void;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  const done = new Promise<FromWorker>((resolve) => (onDone = resolve));
  child.on('message', (m: FromWorker) => {
    messages.push(m);
    if (m.type === 'ready') onReady();
    if (m.type === 'result' || m.type === 'failed') onDone(m);
  });
  child.on('exit', (code) => onDone({ type: 'failed', message: `${config.name} exited (${code}) without a result` }));
  return { child, messages, ready, done };
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  const timer = sleep(ms, undefined, { ref: false }).then(() => {
    throw new Error(`${what} took longer than ${ms} ms`);
  });
  return Promise.race([promise, timer]);
}

async function runCell(sim: SimulatorHandle, redis: Redis, strategy: Strategy, procs: number, runId: string): Promise<Cell> {
  sim.reset();
  if (latency) sim.setFaults({ latency: { kind: 'uniform', minMs: real(latency[0]), maxMs: real(latency[1]) } });
  const redisPrefix = `bench-limiter-${runId}:${strategy}-${procs}:`;
  // Room for 20 on-demand samples even when each one sits out one or more 60 s pauses.
  const capMs = warmupMs + ONE_MINUTE * (minutes + 30);
  // The variant without a bound shows what the bound buys: bulk callers then simply queue (FIFO) however long.
  const bulkMaxWait = real(strategy === 'ours-fifo' ? 600_000 : bulkWaitOneFileMs);
  // On-demand timings are asked for while the budget is saturated: with 4 and more processes.
  const samplesWanted = procs >= 4 ? neededSamples : 0;
  const base = {
    strategy, baseUrl: sim.baseUrl, redisUrl, redisPrefix, customerToken: DEMO_CUSTOMER_TOKEN, speed, limit: LIMIT,
    headroom: HEADROOM, burst: BURST, slots, lifetimeMs: capMs + 60_000,
  };
  const workers = [
    ...Array.from({ length: procs }, (_, i) =>
      spawnWorker({ ...base, role: 'bulk', name: `bulk-${i + 1}`, maxWaitMs: bulkMaxWait, clickGapMs: [0, 0] })),
    spawnWorker({
      ...base, role: 'on-demand', name: 'on-demand', maxWaitMs: real(ON_DEMAND_MAX_WAIT),
      clickGapMs: [real(2_000), real(6_000)], // a click every 2–6 OneFile seconds
    }),
  ];
  const onDemand = workers.at(-1)!;
  try {
    await withTimeout(Promise.all(workers.map((w) => w.ready)), 60_000, 'starting the workers');
    const start = Date.now();
    for (const w of workers) w.child.send({ type: 'go' });
    const measureFrom = start + warmupMs;
    const minEnd = measureFrom + ONE_MINUTE * minutes;
    const samplesSeen = () => onDemand.messages.filter((m) => m.type === 'sample').length;
    while (Date.now() < start + capMs && (Date.now() < minEnd || samplesSeen() < samplesWanted)) {
      const early = workers.find((w) => w.messages.some((m) => m.type === 'failed'));
      if (early) break;
      await sleep(100);
    }
    const stopAt = Date.now();
    for (const w of workers) if (w.child.connected) w.child.send({ type: 'stop' });
    const results = await withTimeout(Promise.all(workers.map((w) => w.done)), 30_000, 'stopping the workers');
    const failed = results.find((r) => r.type === 'failed');
    if (failed && failed.type === 'failed') throw new Error(`${strategy} × ${procs}: ${failed.message}`);

    const done = results.filter((r) => r.type === 'result');
    const inWindow = (t: number) => t >= measureFrom && t <= stopAt;
    const successes = done.flatMap((r) => r.successes).filter(([t]) => inWindow(t));
    const waits = done.slice(0, procs).flatMap((r) => r.successes).filter(([t]) => inWindow(t)).map(([, w]) => w);
    const measuredMinutes = (stopAt - measureFrom) / ONE_MINUTE;
    const answered429 = Object.values(sim.stats().byEndpoint).reduce((n, counts) => n + (counts['429'] ?? 0), 0);
    return {
      strategy,
      procs,
      ratio: successes.length / measuredMinutes / LIMIT,
      rateLimited: answered429,
      waitP50: oneFileSeconds(percentile(waits, 50)),
      waitP99: oneFileSeconds(percentile(waits, 99)),
      samples: done.at(-1)!.samples.map(oneFileSeconds),
      errors: done.reduce((n, r) => n + r.errors, 0),
      measuredMinutes,
    };
  } finally {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  }
}

function report(cells: Cell[], seconds: number): string {
  const budgetRatio = HEADROOM;
  const rows = cells.map((c) => [
    STRATEGY_LABEL[c.strategy], String(c.procs), fixed(c.ratio, 3), String(c.rateLimited), fixed(c.waitP50, 1),
    fixed(c.waitP99, 1), String(c.samples.length), fixed(percentile(c.samples, 50), 1), fixed(percentile(c.samples, 99), 1),
  ]);
  const header = ['strategy', 'processes', 'calls/min ÷ 300', "429s", 'wait p50 s', 'wait p99 s', 'on-demand n',
    'on-demand p50 s', 'on-demand p99 s'];
  const verdicts = cells.filter((c) => c.strategy === 'ours' && c.procs >= 4).map((c) => {
    const okRate = c.ratio >= 0.97 * budgetRatio;
    const ok429 = c.rateLimited === 0;
    // A p99 of fewer samples than asked for is no p99: short of them, the target is missed.
    const enoughSamples = c.samples.length >= neededSamples;
    const okClick = enoughSamples && percentile(c.samples, 99) <= 10;
    return `- ours × ${c.procs}: ${fixed(c.ratio / budgetRatio, 3)} × budget (target ≥ 0.97) ${okRate ? 'met' : 'MISSED'}; `
      + `429s ${c.rateLimited} (target 0) ${ok429 ? 'met' : 'MISSED'}; on-demand p99 ${fixed(percentile(c.samples, 99), 1)} s `
      + `of ${c.samples.length} samples (target ≤ 10 over ≥ ${neededSamples}) ${okClick ? 'met' : 'MISSED'}`;
  });
  const errors = cells.filter((c) => c.errors > 0).map((c) => `- ${c.strategy} × ${c.procs}: ${c.errors} answers other than 200/429 (target 0: MISSED)`);
  return [
    `OneFile limit ${LIMIT}/min, strict sliding window; speed ×${speed} (a OneFile minute = ${fixed(ONE_MINUTE / 1000, 1)} s); `
      + `≥ ${minutes} OneFile minutes measured per row after ${fixed(warmupMs / ONE_MINUTE, 1)} min warm-up; `
      + `${slots} callers per process; simulator latency ${latency ? `${latency[0]}–${latency[1]} ms` : 'none'} (OneFile time).`,
    `ours: budget ${LIMIT} × ${HEADROOM} = ${LIMIT * HEADROOM}/min, burst ${BURST}; bulk callers wait ≤ ${bulkWaitOneFileMs / 1000} s `
      + `for a slot, else their job is delayed (jobActionFor); on-demand ≤ ${ON_DEMAND_MAX_WAIT / 1000} s. `
      + 'ours-fifo: the same with no bound on bulk waits.',
    'Times in OneFile seconds. "wait" = from wanting a call to sending the attempt that succeeded (limiter waits, '
      + 'delays, pauses and failed attempts included); "on-demand" = one click from request to answer while the budget is saturated.',
    '',
    table(header, rows, [false, true, true, true, true, true, true, true, true]),
    '',
    ...verdicts,
    ...errors,
    `(run took ${fixed(seconds / 60, 1)} min wall time)`,
  ].join('\n');
}

async function main(): Promise<void> {
  const started = performance.now();
  const runId = `${process.pid}`;
  const sim = await startSimulator({ speed, rateLimit: LIMIT, window: 'sliding', host: '127.0.0.1' });
  assertLoopback('the simulator', sim.baseUrl);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const cells: Cell[] = [];
  process.once('SIGINT', () => process.exit(130)); // children see the IPC channel close and exit too
  try {
    for (const strategy of strategies) {
      for (const procs of procsList) {
        const cell = await runCell(sim, redis, strategy, procs, runId);
        cells.push(cell);
        console.log(`${STRATEGY_LABEL[strategy]} × ${procs}: ${fixed(cell.ratio, 3)} of the limit, ${cell.rateLimited} 429s, `
          + `wait p99 ${fixed(cell.waitP99, 1)} s, on-demand p99 ${fixed(percentile(cell.samples, 99), 1)} s (n=${cell.samples.length})`);
      }
    }
  } finally {
    redis.disconnect();
    await sim.close();
  }
  const text = report(cells, (performance.now() - started) / 1000);
  console.log(`\n${text}`);
  if (args.out) {
    writeFileSync(args.out, `# Limiter benchmark: one run\n\nPrinted by \`npm run bench:limiter\` on ${new Date().toISOString().slice(0, 10)}.\n\n${text}\n`);
  }
  exitWithVerdicts(text);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
