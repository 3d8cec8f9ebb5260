import { exitWithVerdicts } from '../support/verdict.js';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { seedCatalogue } from '../../src/demo/seed-pics.js';
import { generateLearners } from '../../src/demo/pics-generator.js';
import { createProducer, type Producer } from '../../src/producer/index.js';
import { readQualificationLinks } from '../../src/producer/qualifications.js';
import { jobIds } from '../../src/queues/job-options.js';
import { QUEUE } from '../../src/queues/names.js';
import { ukToday } from '../../src/domain/dates.js';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { createBenchDatabase, type BenchDatabase } from '../support/database.js';
import { BENCH_REDIS_URL, assertLoopback } from '../support/env.js';
import { openJobs, waitForJob } from '../support/jobs.js';
import { budgetEnv, callCounts, minimumRealMs, oneFileMinutes, type CallCounts, type TimeScale } from '../support/onefile-time.js';
import { deleteKeysWithPrefix } from '../support/redis.js';
import { machineLine, resultsHeader } from '../support/machine.js';
import { fixed, table } from '../support/table.js';
import { messageCounts, spawnWorker, stopWorkers, totalsBetween, type WorkerProcess } from '../support/workers.js';
import { checkInterrupted, onInterrupt } from '../support/interrupt.js';
import { standaloneRedis } from '../../src/redis.js';

/*
 * The enrol benchmark (issue 7): N demo learners enrolled by 4 daemon processes (`node dist/src/main.js`,
 * configured by environment variables) against the OneFile simulator in compressed time with a strict
 * sliding window (300 calls in any 60 OneFile seconds). The links refresh runs first and is not counted.
 *
 * Baseline, measured in the same run: the least time the calls actually made can take at the budget
 * (calls ÷ (300 × headroom) per OneFile minute): "wall ÷ minimum" is how close the enrols come to spending
 * the budget and nothing else. A second row enrols more learners with one process, for comparison.
 *
 *   npm run bench:enrol                       500 learners × 4 processes, then 100 × 1 process (speed 20)
 *   npm run bench:enrol -- --quick            100 × 4, then 40 × 1
 *   options: --learners 500 --procs 4 --single 100 (0 = skip) --speed 20 --concurrency <ENROL_CONCURRENCY>
 *            --out bench/enrol/RESULTS.md
 */

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    learners: { type: 'string' },
    procs: { type: 'string', default: '4' },
    single: { type: 'string' },
    speed: { type: 'string', default: '20' },
    concurrency: { type: 'string' },
    out: { type: 'string' },
  },
});

const scale: TimeScale = { speed: Number(args.speed), limit: 300, headroom: 0.95, burst: 3 };
const learnersMain = Number(args.learners ?? (args.quick ? 100 : 500));
const learnersSingle = Number(args.single ?? (args.quick ? 40 : 100));
const procs = Number(args.procs);
for (const [name, v] of Object.entries({ speed: scale.speed, learners: learnersMain, procs })) {
  if (!(Number.isInteger(v) && v > 0)) throw new Error(`--${name} must be a whole number above 0`);
}
if (!(Number.isInteger(learnersSingle) && learnersSingle >= 0)) throw new Error('--single must be a whole number');

interface PhaseResult {
  procs: number;
  learners: number;
  enrolled: number;
  failed: Array<{ jobId: string; reason: string }>;
  retried: number;
  calls: CallCounts;
  wallMs: number;
  minimumMs: number;
  cpuMs: number;
  queries: number;
  warnings: number;
  errors: number;
  messages: Array<[string, number]>;
  workerStallMs: number;
  simulatorStallMs: number;
}

/** The event loop of this process, which serves the simulator. */
const simulatorLoop = monitorEventLoopDelay({ resolution: 10 });
simulatorLoop.enable();

interface Context {
  bench: BenchDatabase;
  sim: SimulatorHandle;
  producer: Producer;
  prefix: string;
  workerEnv: Record<string, string>;
  /** Standard chosen per qualification with several pathways (Q2): the first, as a user might. */
  pathways: Record<number, number>;
}

/** Starts the worker processes, makes sure the links refresh (theirs at start-up, or ours) is done. */
async function startWorkers(ctx: Context, count: number, lifetimeMs: number): Promise<WorkerProcess[]> {
  const workers: WorkerProcess[] = [];
  try {
    for (let i = 0; i < count; i++) workers.push(await spawnWorker({ name: `worker-${i + 1}`, env: ctx.workerEnv, lifetimeMs }));
  } catch (error) {
    await stopWorkers(workers);
    throw error;
  }
  return workers;
}

async function refreshLinks(ctx: Context): Promise<void> {
  await ctx.producer.enqueueRefreshLinks('cli');
  const { job } = await waitForJob(ctx.producer.queues[QUEUE.refreshLinks], jobIds.refreshLinks(), 60_000);
  if (job.failedReason) throw new Error(`links refresh failed: ${job.failedReason}`);
  const view = await readQualificationLinks(ctx.bench.db);
  ctx.pathways = Object.fromEntries(view.qualifications.filter((q) => q.standards.length > 1).map((q) => [q.qualificationId, q.standards[0]!.standardId]));
}

async function runPhase(ctx: Context, count: number, learnerIds: number[]): Promise<PhaseResult> {
  const expectedMs = minimumRealMs(learnerIds.length * 20, scale);
  const workers = await startWorkers(ctx, count, expectedMs * 4 + 300_000);
  const queue = ctx.producer.queues[QUEUE.enrol];
  try {
    await refreshLinks(ctx);
    const before = await Promise.all(workers.map((w) => w.snapshot()));
    ctx.sim.resetStats();
    simulatorLoop.reset();
    const started = Date.now();
    // What PICSWeb does on "Create in OneFile", once per learner.
    for (const learnerId of learnerIds) {
      checkInterrupted();
      await ctx.producer.enqueueEnrol(learnerId, { pathways: ctx.pathways });
    }
    const deadline = started + expectedMs * 4 + 120_000;
    let lastReport = Date.now();
    while ((await openJobs(queue)) > 0) {
      checkInterrupted();
      if (Date.now() > deadline) throw new Error(`enrols still running after ${Math.round((Date.now() - started) / 1000)} s`);
      if (Date.now() - lastReport > 15_000) {
        lastReport = Date.now();
        const counts = await queue.getJobCounts('completed', 'failed');
        console.log(`  … ${counts.completed ?? 0} completed, ${counts.failed ?? 0} failed, ${ctx.sim.stats().total} calls`);
      }
      await sleep(100);
    }
    const stats = ctx.sim.stats();
    const simulatorStallMs = simulatorLoop.max / 1e6;
    const after = await Promise.all(workers.map((w) => w.snapshot()));
    const jobs = (await Promise.all(learnerIds.map((id) => queue.getJob(jobIds.enrol(id))))).filter((j): j is Job => j !== undefined);
    if (jobs.length !== learnerIds.length) throw new Error(`${learnerIds.length - jobs.length} enrol jobs are missing`);
    const finished = Math.max(...jobs.map((j) => j.finishedOn ?? 0));
    // Failed by its final state: a job that completed on a retry keeps the earlier attempt's failedReason.
    const states = await Promise.all(jobs.map((j) => j.getState()));
    const failed = jobs.flatMap((j, i) => (states[i] === 'completed' ? [] : [{ jobId: j.id!, reason: `${states[i]}: ${j.failedReason ?? 'no reason recorded'}` }]));
    const calls = callCounts(stats);
    const totals = totalsBetween(before, after);
    return {
      procs: count, learners: learnerIds.length, enrolled: jobs.length - failed.length, failed,
      retried: jobs.filter((j) => j.attemptsMade > 1 || (j.attemptsStarted ?? 0) > 1).length,
      calls, wallMs: finished - started, minimumMs: minimumRealMs(calls.total, scale), cpuMs: totals.cpuMs, queries: totals.queries,
      warnings: workers.reduce((n, w) => n + w.warnings, 0), errors: workers.reduce((n, w) => n + w.errors, 0),
      messages: [...messageCounts(workers)].sort((a, b) => b[1] - a[1]), workerStallMs: totals.loopDelayMaxMs, simulatorStallMs,
    };
  } catch (error) {
    for (const w of workers) console.error(`--- ${w.name} (last lines)\n${w.tail.slice(-10).join('\n')}`);
    throw error;
  } finally {
    await stopWorkers(workers);
  }
}

function report(results: PhaseResult[], duplicates: number, seconds: number): string {
  const rows = results.map((r) => {
    const wallMin = oneFileMinutes(r.wallMs, scale);
    return [
      String(r.procs), String(r.learners), String(r.enrolled), String(r.failed.length), String(r.calls.total),
      fixed(r.calls.total / r.enrolled, 2), String(r.calls.rateLimited), fixed(wallMin, 2), fixed(oneFileMinutes(r.minimumMs, scale), 2),
      fixed(r.wallMs / r.minimumMs, 3), fixed(r.enrolled / wallMin, 1), fixed(r.calls.total / wallMin, 1),
      fixed(r.cpuMs / r.enrolled, 1), fixed(r.queries / r.enrolled, 1), `${fixed(r.workerStallMs, 0)} / ${fixed(r.simulatorStallMs, 0)}`,
    ];
  });
  const header = ['processes', 'learners', 'enrolled', 'failed', 'OneFile calls', 'calls per enrol', '429s', 'wall (OneFile min)',
    'minimum (OneFile min)', 'wall ÷ minimum', 'enrols per OneFile min', 'calls per OneFile min', 'worker CPU ms per enrol',
    'PG statements per enrol', 'longest stall ms, workers / simulator'];
  const main = results[0]!;
  const endpoints = main.calls.byEndpoint.map(([e, n]) => [e, String(n), fixed(n / main.enrolled, 2)]);
  const notes = results.flatMap((r) => [
    ...r.failed.slice(0, 5).map((f) => `- FAILED ${f.jobId} (${r.procs} process${r.procs > 1 ? 'es' : ''}): ${f.reason}`),
    ...(r.calls.errors ? [`- ${r.calls.errors} OneFile answers were errors other than 429 (${r.procs} processes)`] : []),
    ...(r.retried ? [`- ${r.retried} enrol jobs ran more than once (retried, or delayed for the budget) (${r.procs} processes)`] : []),
    `- ${r.procs} process${r.procs > 1 ? 'es' : ''}: ${r.warnings} warning and ${r.errors} error log lines from the workers`
      + (r.messages.length ? ` (${r.messages.map(([m, k]) => `"${m}" × ${k}`).join(', ')})` : ''),
  ]);
  return [
    `OneFile limit ${scale.limit} calls in any 60 OneFile s (strict sliding window), budget ${scale.limit} × ${scale.headroom} = `
      + `${scale.limit * scale.headroom}/min, burst ${scale.burst}; speed ×${scale.speed} (a OneFile minute lasts ${fixed(60 / scale.speed, 1)} real s). `
      + `Each process is \`node dist/src/main.js\` with ENROL_CONCURRENCY=${args.concurrency ?? '2 (default)'}; the links refresh ran first and is not counted.`,
    '"minimum" = the calls made ÷ the budget (the baseline, measured in this run); wall = first enqueue to last enrol finished. '
      + 'Calls include any login in the phase (logins count against the limit). CPU = user + system of the worker processes.',
    '',
    table(header, rows),
    '',
    `Duplicates in the simulator after every enrol (users by MISID, aims by standard, reviews by slot, placements, classrooms): ${duplicates}` + (duplicates === 0 ? ' (must be 0: met)' : ' (must be 0: MISSED)'),
    '',
    `Calls by endpoint, ${main.procs} processes:`,
    '',
    table(['endpoint', 'calls', 'per enrol'], endpoints),
    '',
    ...notes,
    `(run took ${fixed(seconds / 60, 1)} min wall time; load average at the end ${loadavg().map((l) => fixed(l, 2)).join(' ')} on ${cpus().length} cores)`,
  ].join('\n');
}

async function main(): Promise<void> {
  const startedAt = performance.now();
  const machineAtStart = machineLine();
  const prefix = `bench-enrol-${process.pid}`;
  assertLoopback('Redis', BENCH_REDIS_URL);
  const redis = new Redis(BENCH_REDIS_URL, { maxRetriesPerRequest: 1 });
  let bench: BenchDatabase | undefined;
  let sim: SimulatorHandle | undefined;
  let producer: Producer | undefined;
  const results: PhaseResult[] = [];
  let duplicates: number;
  try {
    bench = await createBenchDatabase(`bench_enrol_${process.pid}`);
    const today = ukToday();
    const catalogue = await seedCatalogue(bench.db, { environment: 'practice' });
    const { learnerIds } = await generateLearners(bench.db, catalogue, { count: learnersMain + learnersSingle, today, includeProblemLearners: false });
    sim = await startSimulator({ speed: scale.speed, rateLimit: scale.limit, windowMs: 60_000, window: 'sliding', seed: 'demo', environment: 'practice', host: '127.0.0.1' });
    assertLoopback('the simulator', sim.baseUrl);
    producer = createProducer({ redis: standaloneRedis(BENCH_REDIS_URL, prefix), db: bench.db });
    const ctx: Context = {
      bench, sim, producer, prefix, pathways: {},
      workerEnv: {
        NODE_ENV: 'test', LOG_LEVEL: 'info', LOG_PRETTY: 'false', HTTP_PORT: '0', DATABASE_URL: bench.url, REDIS_URL: BENCH_REDIS_URL,
        REDIS_PREFIX: prefix, ONEFILE_BASE_URL: sim.baseUrl, SHUTDOWN_GRACE_MS: '5000',
        // A schedule that does not fire during a benchmark (the daily sync is not what is measured here).
        DAILY_SYNC_CRON: '0 3 29 2 *',
        ...(args.concurrency ? { ENROL_CONCURRENCY: args.concurrency } : {}),
        ...budgetEnv(scale),
      },
    };
    console.log(`enrolling ${learnersMain} learners with ${procs} processes (speed ×${scale.speed}) …`);
    results.push(await runPhase(ctx, procs, learnerIds.slice(0, learnersMain)));
    if (learnersSingle > 0) {
      console.log(`enrolling ${learnersSingle} more learners with 1 process …`);
      results.push(await runPhase(ctx, 1, learnerIds.slice(learnersMain)));
    }
    duplicates = sim.duplicates().total;
  } finally {
    await producer?.close();
    await sim?.close();
    await deleteKeysWithPrefix(redis, prefix).catch((e: unknown) => console.error('could not delete the Redis keys:', e));
    redis.disconnect();
    await bench?.drop().catch((e: unknown) => console.error(`could not drop ${bench?.name}:`, e));
  }
  const text = report(results, duplicates, (performance.now() - startedAt) / 1000);
  console.log(`\n${text}`);
  if (args.out) {
    writeFileSync(args.out, `${resultsHeader('Enrol benchmark', 'bench:enrol', machineAtStart)}\n${text}\n`);
  }
  if (duplicates !== 0 || results.some((r) => r.failed.length > 0)) process.exitCode = 1;
  exitWithVerdicts(text);
}

onInterrupt();
main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

