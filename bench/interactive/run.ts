import { standaloneRedis } from '../../src/redis.js';
import { exitWithVerdicts } from '../support/verdict.js';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { seedCatalogue } from '../../src/demo/seed-pics.js';
import { generateLearners } from '../../src/demo/pics-generator.js';
import { createProducer, type Producer } from '../../src/producer/index.js';
import { readQualificationLinks } from '../../src/producer/qualifications.js';
import { jobIds } from '../../src/queues/job-options.js';
import { QUEUE, type QueueName } from '../../src/queues/names.js';
import { ukToday } from '../../src/domain/dates.js';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { createBenchDatabase, type BenchDatabase } from '../support/database.js';
import { BENCH_REDIS_URL, assertLoopback } from '../support/env.js';
import { checkInterrupted, onInterrupt } from '../support/interrupt.js';
import { waitForJob } from '../support/jobs.js';
import { budgetEnv, budgetPerMinute, oneFileMinutes, type TimeScale } from '../support/onefile-time.js';
import { deleteKeysWithPrefix } from '../support/redis.js';
import { machineLine, resultsHeader } from '../support/machine.js';
import { fixed, table } from '../support/table.js';
import { printWorkerTails, spawnWorker, stopWorkersReporting, type WorkerProcess } from '../support/workers.js';
import { seedEnrolledState } from '../daily-sync/enrolled-state.js';

/*
 * A click is answered in seconds whatever else is running (issue 21). 4 daemon processes (`node
 * dist/src/main.js`) against the OneFile simulator in compressed time with OneFile's real ratios (a strict
 * sliding window of 300 calls per OneFile minute; the budget 300 × 0.95). While batch work saturates the
 * budget, PICSWeb's two clicks are timed through the HTTP API, one after the other with a short pause between:
 *   Refresh with OneFile   POST /learners/{id}/refresh   (a learner already enrolled)
 *   Create in OneFile      POST /learners/{id}/enrol     (a learner not in OneFile, preview at the click)
 * each from the request to its job finished (the worker's own finishedOn), in OneFile seconds (real × speed).
 * The batch work, three scenarios in turn:
 *   (a) a daily run over several thousand enrolled learners (the first sync after enrolment, D11);
 *   (b) a cohort of 500 enrols sent as one batch (POST /enrol-batches);
 *   (c) both at once (the second daily run, and another 500).
 * Baseline, measured in the same run: the budget's own pace. "batch ÷ what clicks left" = the batch's calls ÷
 * (the budget over the window − the clicks' calls): how fully batch work used the slots the clicks left it.
 * Only clicks that began and ended inside the window count.
 *
 *   npm run bench:interactive                     3,000 enrolled learners, cohorts of 500, 20 clicks of each kind (speed ×5)
 *   npm run bench:interactive -- --quick          600 learners, cohorts of 100, 6 clicks of each kind
 *   options: --learners 3000 --cohort 500 --clicks 20 --speed 5 --horizon 1 (onefile.batchHorizonSlots) --procs 4 --scenarios a,b,c
 *            --out bench/interactive/RESULTS.md
 */

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    learners: { type: 'string' },
    cohort: { type: 'string' },
    clicks: { type: 'string' },
    speed: { type: 'string', default: '5' },
    horizon: { type: 'string', default: '1' },
    procs: { type: 'string', default: '4' },
    scenarios: { type: 'string', default: 'a,b,c' },
    out: { type: 'string' },
  },
});

const scale: TimeScale = { speed: Number(args.speed), limit: 300, headroom: 0.95, burst: 3 };
const enrolledCount = Number(args.learners ?? (args.quick ? 600 : 3_000));
const cohortSize = Number(args.cohort ?? (args.quick ? 100 : 500));
const clicksWanted = Number(args.clicks ?? (args.quick ? 6 : 20));
const procs = Number(args.procs);
const horizonSlots = Number(args.horizon);
if (!(horizonSlots > 0)) throw new Error('--horizon is a number of budget slots above 0');
for (const [name, v] of Object.entries({ speed: scale.speed, learners: enrolledCount, cohort: cohortSize, clicks: clicksWanted, procs })) {
  if (!(Number.isInteger(v) && v > 0)) throw new Error(`--${name} must be a whole number above 0`);
}
type Scenario = 'a' | 'b' | 'c';
const SCENARIOS: Record<Scenario, string> = {
  a: '(a) daily run',
  b: `(b) batch of ${cohortSize} enrols`,
  c: '(c) daily run + batch at once',
};
const scenarios = args.scenarios.split(',') as Scenario[];
for (const s of scenarios) if (!(s in SCENARIOS)) throw new Error(`--scenarios takes a, b and c, not ${s}`);

/** Targets, OneFile seconds (issue 21). */
const TARGET_P99_S = { refresh: 5, create: 15 } as const;
const TARGET_BATCH_RATIO = 0.97;
const API_KEY = 'bench-interactive-key-0123456789abcdef';
/** OneFile seconds a user pauses between two clicks. */
const CLICK_GAP_S: [number, number] = [1, 4];

const real = (oneFileMs: number) => oneFileMs / scale.speed;
const oneFileSeconds = (realMs: number) => (realMs * scale.speed) / 1000;
/** One slot of the budget, OneFile seconds: 60 ÷ (300 × 0.95). */
const slotSeconds = 60 / budgetPerMinute(scale);

type ClickKind = 'refresh' | 'create';

interface Click {
  kind: ClickKind;
  startedAt: number;
  processedOn: number;
  finishedOn: number;
  ok: boolean;
  reason?: string;
  calls: number;
}

interface ScenarioResult {
  scenario: Scenario;
  clicks: Click[];
  windowMs: number;
  calls: number;
  clickCalls: number;
  rateLimited: number;
  batchFailed: number;
  batchItems: number;
  notes: string[];
}

interface Context {
  bench: BenchDatabase;
  sim: SimulatorHandle;
  producer: Producer;
  apiUrl: string;
  pathways: Array<{ qualificationId: number; standardId: number }>;
  /** Learners enrolled (for Refresh clicks), not yet used by a click. */
  refreshPool: number[];
  /** Learners not in OneFile (for Create clicks and cohorts), not yet used. */
  freshPool: number[];
}

async function api(ctx: Context, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${ctx.apiUrl}/api/v1${path}`, {
    method, headers: { authorization: `Bearer ${API_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** Polls a job until it finished; the times are the worker's own (processedOn, finishedOn). */
async function finished(queue: Queue, jobId: string, timeoutMs: number): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await queue.getJob(jobId);
    if (job?.finishedOn) return job;
    if (Date.now() > deadline) throw new Error(`click job ${jobId} not finished after ${timeoutMs} ms`);
    await sleep(10);
  }
}

async function click(ctx: Context, kind: ClickKind, skipped: string[]): Promise<Click> {
  const learnerId = (kind === 'refresh' ? ctx.refreshPool : ctx.freshPool).shift();
  if (learnerId === undefined) throw new Error(`no learner left for a ${kind} click`);
  const startedAt = Date.now();
  const res = kind === 'refresh'
    ? await api(ctx, 'POST', `/learners/${learnerId}/refresh`)
    : await api(ctx, 'POST', `/learners/${learnerId}/enrol`, { pathways: ctx.pathways });
  if (res.status === 422 && kind === 'create') {
    // A learner PICS users must fix first (E8) is answered at the click, with nothing queued: a user picks another.
    skipped.push(`learner ${learnerId}: ${JSON.stringify(res.json.errors).slice(0, 200)}`);
    return click(ctx, kind, skipped);
  }
  if (res.status !== 202) throw new Error(`${kind} click on learner ${learnerId} answered ${res.status}: ${JSON.stringify(res.json).slice(0, 300)}`);
  const ref = res.json.job as { queue: QueueName; id: string };
  const job = await finished(ctx.producer.queues[ref.queue], ref.id, real(600_000) + 60_000);
  const ok = job.failedReason === undefined || (await job.getState()) === 'completed';
  const value = job.returnvalue as { callsMade?: number } | null;
  return { kind, startedAt, processedOn: job.processedOn ?? startedAt, finishedOn: job.finishedOn!, ok, ...(ok ? {} : { reason: job.failedReason }), calls: value?.callsMade ?? 0 };
}

/** Clicks, one at a time with a user's pause between, alternating kinds, until `done()`. */
async function clickWhile(ctx: Context, done: () => boolean, clicks: Click[], skipped: string[]): Promise<void> {
  let next: ClickKind = 'refresh';
  while (!done()) {
    checkInterrupted();
    await sleep(real((CLICK_GAP_S[0] + Math.random() * (CLICK_GAP_S[1] - CLICK_GAP_S[0])) * 1000));
    if (done()) break;
    const c = await click(ctx, next, skipped);
    clicks.push(c);
    if (process.env.BENCH_VERBOSE) {
      console.log(`    ${c.kind}: ${fixed(oneFileSeconds(c.finishedOn - c.startedAt), 1)} s (worker after ${fixed(oneFileSeconds(c.processedOn - c.startedAt), 2)} s), ${c.calls} calls`);
    }
    next = next === 'refresh' ? 'create' : 'refresh';
  }
}

async function startDailyRun(ctx: Context): Promise<() => Promise<{ done: boolean; failed: number; items: number }>> {
  const res = await api(ctx, 'POST', '/daily-sync/runs');
  if (res.status !== 202) throw new Error(`daily run answered ${res.status}`);
  const jobId = (res.json.job as { id: string }).id;
  const queue = ctx.producer.queues[QUEUE.dailySync];
  return async () => {
    const job = await queue.getJob(jobId);
    const state = job ? await job.getState() : 'missing';
    if (state === 'failed') throw new Error(`daily run failed: ${job?.failedReason}`);
    // Re-read: the job read before it finished has no return value yet.
    const summary = state === 'completed' ? (await queue.getJob(jobId))?.returnvalue as { learnersFailed: number; learnersTotal: number } | null : null;
    if (!summary) return { done: false, failed: 0, items: 0 };
    return { done: true, failed: summary.learnersFailed, items: summary.learnersTotal };
  };
}

async function startCohort(ctx: Context): Promise<() => Promise<{ done: boolean; failed: number; items: number }>> {
  const learnerIds = ctx.freshPool.splice(0, cohortSize);
  if (learnerIds.length < cohortSize) throw new Error('not enough learners left for a cohort');
  const res = await api(ctx, 'POST', '/enrol-batches', { learnerIds, pathways: ctx.pathways });
  if (res.status !== 202) throw new Error(`enrol batch answered ${res.status}: ${JSON.stringify(res.json).slice(0, 300)}`);
  if ((res.json.queued as unknown[]).length !== cohortSize) throw new Error(`the batch queued ${(res.json.queued as unknown[]).length} of ${cohortSize}`);
  const href = (res.json.href as string).replace('/api/v1', '');
  return async () => {
    const progress = await api(ctx, 'GET', href);
    const states = progress.json.states as Record<string, number>;
    return { done: progress.json.finished === true, failed: states.failed! + states.refused!, items: cohortSize };
  };
}

async function runScenario(ctx: Context, scenario: Scenario): Promise<ScenarioResult> {
  const notes: string[] = [];
  ctx.sim.resetStats();
  const started = Date.now();
  const trackers = [
    ...(scenario !== 'b' ? [await startDailyRun(ctx)] : []),
    ...(scenario !== 'a' ? [await startCohort(ctx)] : []),
  ];
  let over = false;
  let outcome = { failed: 0, items: 0 };
  let lastReport = Date.now();
  const clicksSoFar: Click[] = [];
  const watch = (async () => {
    const deadline = started + real(240 * 60_000) + 300_000;
    for (;;) {
      checkInterrupted();
      const states = await Promise.all(trackers.map((t) => t()));
      if (states.every((s) => s.done)) {
        outcome = { failed: states.reduce((n, s) => n + s.failed, 0), items: states.reduce((n, s) => n + s.items, 0) };
        return { end: Date.now(), simStats: ctx.sim.stats() };
      }
      if (Date.now() > deadline) throw new Error(`${SCENARIOS[scenario]} still running after ${Math.round((Date.now() - started) / 1000)} s`);
      if (Date.now() - lastReport >= 10_000) {
        lastReport = Date.now();
        const calls = ctx.sim.stats().total;
        const budget = oneFileMinutes(lastReport - started, scale) * budgetPerMinute(scale);
        console.log(`  … ${fixed(oneFileMinutes(lastReport - started, scale), 1)} OneFile min: ${calls} calls (${fixed(calls / budget, 3)} × budget), `
          + `${clicksSoFar.length} clicks`);
      }
      await sleep(50);
    }
  })().finally(() => {
    over = true;
  });
  // Clicks begin once the batch work has filled the budget's line (a few OneFile seconds), and stop with it.
  await sleep(real(10_000));
  const clicks = clicksSoFar;
  let clickError: unknown;
  // A few more than asked for, in case the last ones end after the window.
  const enough = () => (['refresh', 'create'] as const).every((k) => clicks.filter((c) => c.kind === k).length >= clicksWanted + 3);
  const skipped: string[] = [];
  const clicking = clickWhile(ctx, () => over || enough(), clicks, skipped).catch((error: unknown) => {
    console.error('a click failed; the batch work goes on to its end:', error);
    clickError = error;
  });
  const { end, simStats } = await watch.catch(async (error: unknown) => {
    await clicking;
    throw error;
  });
  await clicking;
  if (clickError) throw clickError;
  const inWindow = clicks.filter((c) => c.finishedOn <= end);
  if (inWindow.length < clicks.length) notes.push(`${clicks.length - inWindow.length} click(s) finished after the batch work and are not counted`);
  for (const c of inWindow.filter((x) => !x.ok)) notes.push(`a ${c.kind} click FAILED: ${c.reason}`);
  if (skipped.length) notes.push(`${skipped.length} Create click(s) answered 422 at the click (E8, nothing queued, not timed): ${skipped.slice(0, 3).join('; ')}`);
  let rateLimited = 0;
  for (const statuses of Object.values(simStats.byEndpoint)) rateLimited += statuses['429'] ?? 0;
  return {
    scenario, clicks: inWindow, windowMs: end - started, calls: simStats.total, clickCalls: inWindow.reduce((n, c) => n + c.calls, 0),
    rateLimited, batchFailed: outcome.failed, batchItems: outcome.items, notes,
  };
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function report(results: ScenarioResult[], seconds: number, loadDuring: string): string {
  const verdicts: string[] = [];
  const rows: string[][] = [];
  for (const r of results) {
    const windowMin = oneFileMinutes(r.windowMs, scale);
    const budgetCalls = windowMin * budgetPerMinute(scale);
    const totalRatio = r.calls / budgetCalls;
    const batchRatio = (r.calls - r.clickCalls) / (budgetCalls - r.clickCalls);
    for (const kind of ['refresh', 'create'] as const) {
      const mine = r.clicks.filter((c) => c.kind === kind && c.ok);
      const total = mine.map((c) => oneFileSeconds(c.finishedOn - c.startedAt));
      const workerWait = mine.map((c) => oneFileSeconds(c.processedOn - c.startedAt));
      const p99 = percentile(total, 99);
      const met = mine.length >= clicksWanted && p99 <= TARGET_P99_S[kind];
      verdicts.push(`${SCENARIOS[r.scenario]}, ${kind === 'refresh' ? 'Refresh with OneFile' : 'Create in OneFile'}: p99 ${fixed(p99, 1)} s `
        + `(≤ ${TARGET_P99_S[kind]} s, n=${mine.length} of ≥ ${clicksWanted}) ${met ? 'met' : 'MISSED'}`);
      rows.push([
        SCENARIOS[r.scenario], kind === 'refresh' ? 'Refresh with OneFile' : 'Create in OneFile', String(mine.length),
        fixed(percentile(total, 50), 1), fixed(p99, 1), fixed(percentile(workerWait, 50), 2), fixed(percentile(workerWait, 99), 2),
        fixed(mine.reduce((n, c) => n + c.calls, 0) / Math.max(1, mine.length), 1), fixed(slotSeconds, 3),
        fixed(totalRatio, 3), fixed(batchRatio, 3), String(r.rateLimited), `${r.batchFailed} / ${r.batchItems}`, fixed(windowMin, 1),
      ]);
    }
    const ratioMet = batchRatio >= TARGET_BATCH_RATIO;
    verdicts.push(`${SCENARIOS[r.scenario]}: batch ÷ what clicks left ${fixed(batchRatio, 3)} (≥ ${TARGET_BATCH_RATIO}) ${ratioMet ? 'met' : 'MISSED'}; `
      + `429s ${r.rateLimited} (0) ${r.rateLimited === 0 ? 'met' : 'MISSED'}; batch items failed ${r.batchFailed} (0) ${r.batchFailed === 0 ? 'met' : 'MISSED'}`);
  }
  const header = ['scenario', 'click', 'n', 'p50 s', 'p99 s', 'worker wait p50 s', 'worker wait p99 s', 'calls per click', 'slot s',
    'all calls ÷ budget', 'batch ÷ what clicks left', '429s', 'batch items failed / total', 'window (OneFile min)'];
  return [
    `OneFile limit ${scale.limit} calls in any 60 OneFile s (strict sliding window); budget ${scale.limit} × ${scale.headroom} = `
      + `${budgetPerMinute(scale)}/min (one slot = ${fixed(slotSeconds, 3)} OneFile s), burst ${scale.burst}, batch horizon ${horizonSlots} slots${horizonSlots === 1 ? ' (the default)' : ''}; `
      + `speed ×${scale.speed} (a OneFile minute lasts ${fixed(60 / scale.speed, 1)} real s). ${procs} processes \`node dist/src/main.js\` with the default `
      + 'concurrencies (DAILY_SYNC 8, ENROL 2, ENROL_BATCH 2 per process). Times in OneFile seconds (real × speed): every millisecond this '
      + 'machine spends outside OneFile counts ×' + `${scale.speed} too, so the figures are pessimistic by that much CPU.`,
    `${enrolledCount} learners generated and enrolled in the simulator directly (bench/daily-sync's seeding), then the learners of the cohorts and `
      + `the Create clicks generated, not enrolled. Clicks one at a time, alternating kinds, ${CLICK_GAP_S[0]}–${CLICK_GAP_S[1]} OneFile s apart, `
      + 'each on a learner of its own, through the HTTP API of worker 1; a click = from the request to its job finished. "worker wait" = from the '
      + 'request to a worker taking the job. The window = from the batch work queued to its last job finished.',
    '',
    table(header, rows),
    '',
    ...results.flatMap((r) => r.notes.map((n) => `- ${SCENARIOS[r.scenario]}: ${n}`)),
    '',
    `Targets: ${verdicts.join('; ')}.`,
    `(run took ${fixed(seconds / 60, 1)} min wall time; load average during the scenarios ${loadDuring}; at the end ${loadavg().map((l) => fixed(l, 2)).join(' ')} on ${cpus().length} cores)`,
  ].join('\n');
}

async function main(): Promise<void> {
  const startedAt = performance.now();
  const machineAtStart = machineLine();
  const prefix = `bench-interactive-${process.pid}`;
  assertLoopback('Redis', BENCH_REDIS_URL);
  const redis = new Redis(BENCH_REDIS_URL, { maxRetriesPerRequest: 1 });
  let bench: BenchDatabase | undefined;
  let sim: SimulatorHandle | undefined;
  let producer: Producer | undefined;
  const workers: WorkerProcess[] = [];
  const results: ScenarioResult[] = [];
  const loads: number[] = [];
  try {
    bench = await createBenchDatabase(`bench_interactive_${process.pid}`);
    const today = ukToday();
    const catalogue = await seedCatalogue(bench.db, { environment: 'practice' });
    await generateLearners(bench.db, catalogue, { count: enrolledCount, today, includeProblemLearners: false });
    sim = await startSimulator({ speed: scale.speed, rateLimit: scale.limit, windowMs: 60_000, window: 'sliding', seed: 'demo', environment: 'practice', host: '127.0.0.1' });
    assertLoopback('the simulator', sim.baseUrl);
    const enrolled = await seedEnrolledState(bench.db, sim, { today });
    const cohorts = scenarios.filter((s) => s !== 'a').length;
    const fresh = cohorts * cohortSize + scenarios.length * (clicksWanted * 2 + 20);
    const more = await generateLearners(bench.db, catalogue, { count: fresh, today, includeProblemLearners: false, startAt: enrolledCount + 1, seed: 7 });
    console.log(`${enrolled.learners} learners enrolled in the simulator; ${more.learnerIds.length} more not enrolled`);

    producer = createProducer({ redis: standaloneRedis(BENCH_REDIS_URL, prefix), db: bench.db });
    const env = {
      NODE_ENV: 'test', LOG_LEVEL: 'info', LOG_PRETTY: 'false', HTTP_PORT: '0', DATABASE_URL: bench.url, REDIS_URL: BENCH_REDIS_URL,
      REDIS_PREFIX: prefix, ONEFILE_BASE_URL: sim.baseUrl, SHUTDOWN_GRACE_MS: '5000', API_KEYS: API_KEY, API_MAX_FAILED_AUTH: '1000',
      DAILY_SYNC_CRON: '0 3 29 2 *', // runs are started here, not by the schedule
      ...budgetEnv(scale),
      ONEFILE_BATCH_HORIZON_SLOTS: String(horizonSlots),
    };
    const lifetimeMs = real(6 * 60 * 60_000) + 600_000;
    for (let i = 0; i < procs; i++) workers.push(await spawnWorker({ name: `worker-${i + 1}`, env, lifetimeMs }));
    const started = workers[0]!.tail.find((l) => l.includes('"msg":"daemon started"'));
    const apiUrl = /"http":"([^"]+)"/.exec(started ?? '')?.[1];
    if (!apiUrl) throw new Error('worker 1 did not say where its HTTP server listens');
    assertLoopback('the worker API', apiUrl);
    await producer.enqueueRefreshLinks('cli');
    const links = await waitForJob(producer.queues[QUEUE.refreshLinks], jobIds.refreshLinks(), 60_000);
    if (links.job.failedReason) throw new Error(`links refresh failed: ${links.job.failedReason}`);
    const view = await readQualificationLinks(bench.db);
    const pathways = view.qualifications.filter((q) => q.standards.length > 1).map((q) => ({ qualificationId: q.qualificationId, standardId: q.standards[0]!.standardId }));
    const enrolledIds = (await bench.db.selectFrom('pics.learner').select('id').where('onefile_id', 'is not', null).where('status', '=', 'Live')
      .where('actual_end_date', 'is', null).orderBy('id').execute()).map((r) => r.id);
    // Refresh clicks spread over the learners, never two on one learner, highest ids first: the daily run goes
    // up from the lowest, so a click meets a learner whose daily child runs that moment no more often than a
    // user would (that click waits for the child: one learner, one job).
    const refreshPool = enrolledIds.filter((_, i) => i % 7 === 3).reverse();
    const ctx: Context = { bench, sim, producer, apiUrl, pathways, refreshPool, freshPool: [...more.learnerIds] };
    const sampler = setInterval(() => loads.push(loadavg()[0]!), 5_000).unref();
    for (const scenario of scenarios) {
      console.log(`${SCENARIOS[scenario]} …`);
      const result = await runScenario(ctx, scenario);
      results.push(result);
      const p = (kind: ClickKind) => fixed(percentile(result.clicks.filter((c) => c.kind === kind).map((c) => oneFileSeconds(c.finishedOn - c.startedAt)), 99), 1);
      console.log(`${SCENARIOS[scenario]}: ${result.clicks.length} clicks, Refresh p99 ${p('refresh')} s, Create p99 ${p('create')} s, `
        + `${result.calls} calls in ${fixed(oneFileMinutes(result.windowMs, scale), 1)} OneFile min, ${result.rateLimited} 429s`);
    }
    clearInterval(sampler);
  } catch (error) {
    printWorkerTails(workers);
    throw error;
  } finally {
    await stopWorkersReporting(workers);
    await producer?.close();
    await sim?.close();
    await deleteKeysWithPrefix(redis, prefix).catch((e: unknown) => console.error('could not delete the Redis keys:', e));
    redis.disconnect();
    await bench?.drop().catch((e: unknown) => console.error(`could not drop ${bench?.name}:`, e));
  }
  const loadDuring = loads.length ? `${fixed(Math.min(...loads), 2)}–${fixed(Math.max(...loads), 2)} (1-minute, sampled every 5 s)` : 'not sampled';
  const text = report(results, (performance.now() - startedAt) / 1000, loadDuring);
  console.log(`\n${text}`);
  if (args.out) writeFileSync(args.out, `${resultsHeader('Interactive clicks beside batch work', 'bench:interactive', machineAtStart)}\n${text}\n`);
  exitWithVerdicts(text);
}

onInterrupt();
main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
