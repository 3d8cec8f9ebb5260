import { exitWithVerdicts } from '../support/verdict.js';
import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { configSchema } from '../../src/config/schema.js';
import { seedCatalogue } from '../../src/demo/seed-pics.js';
import { generateLearners } from '../../src/demo/pics-generator.js';
import { createProducer, type Producer } from '../../src/producer/index.js';
import { DEFAULT_JOB_OPTIONS, JOB_NAME, jobIds } from '../../src/queues/job-options.js';
import { QUEUE } from '../../src/queues/names.js';
import { ukToday } from '../../src/domain/dates.js';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { mulberry32 } from '../../src/util/prng.js';
import { readRun } from '../../src/store/runs.js';
import { seedEnrolledState } from '../daily-sync/enrolled-state.js';
import { createBenchDatabase, type BenchDatabase } from '../support/database.js';
import { assertLoopback } from '../support/env.js';
import { checkInterrupted, onInterrupt } from '../support/interrupt.js';
import { waitForJob } from '../support/jobs.js';
import { machineLine, resultsHeader } from '../support/machine.js';
import { budgetEnv, type TimeScale } from '../support/onefile-time.js';
import { fixed, table } from '../support/table.js';
import { printWorkerTails, spawnWorker, stopWorkersReporting, type WorkerProcess } from '../support/workers.js';
import { startSoakRedis, usedMemory, type SoakRedis } from './redis-server.js';
import { standaloneRedis } from '../../src/redis.js';

/*
 * The soak (issue 10): 100,000 per-learner sync jobs through real daemon processes (`node dist/src/main.js`)
 * and the simulator, in compressed time: daily runs back to back over 1,000 generated learners (all put into
 * OneFile directly, bench/daily-sync/enrolled-state.ts), the simulator's clock ×120 (its sessions, 24 OneFile
 * hours long, expire every 12 real minutes, so the worker also logs in again along the way) with its strict
 * limit of 300 calls per OneFile minute. Before each run a few learning aims progress in OneFile, so some
 * syncs write to PICS too. After every run it samples each worker's RSS and, on a Redis of its own, INFO's
 * used_memory, DBSIZE and the queue's completed jobs; the job retention of src/queues/job-options.ts
 * (removeOnComplete: 20,000 per queue) must keep Redis bounded, and RSS and used_memory must stay flat
 * (within 10%) from the point the retention is full (20,000 jobs kept) to the end.
 *
 *   npm run bench:soak                       100,000 jobs (about 12 min)
 *   npm run bench:soak -- --quick            10,000 jobs (Redis is still filling up to its retention then)
 *   options: --jobs 100000 --learners 1000 --procs 2 --concurrency 16 --speed 120 --out bench/soak/RESULTS.md
 */

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    jobs: { type: 'string' },
    learners: { type: 'string', default: '1000' },
    procs: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '16' },
    speed: { type: 'string', default: '120' },
    out: { type: 'string' },
  },
});
const targetJobs = Number(args.jobs ?? (args.quick ? 10_000 : 100_000));
const learnerCount = Number(args.learners);
const procs = Number(args.procs);
const scale: TimeScale = { speed: Number(args.speed), limit: 300, headroom: 0.95, burst: 3 };
for (const [name, v] of Object.entries({ jobs: targetJobs, learners: learnerCount, procs, speed: scale.speed, concurrency: Number(args.concurrency) })) {
  if (!(Number.isInteger(v) && v > 0)) throw new Error(`--${name} must be a whole number above 0`);
}

/** removeOnComplete.count of src/queues/job-options.ts: the most completed jobs a queue keeps. */
const RETENTION = (DEFAULT_JOB_OPTIONS[QUEUE.dailySync].removeOnComplete as { count: number }).count;
const MB = 1024 * 1024;

interface Sample {
  run: number;
  /** Taken 5 s after the last run, with nothing to do. */
  idle?: boolean;
  jobs: number;
  seconds: number;
  rssMb: number[];
  heapMb: number[];
  redisMb: number;
  keys: number;
  completed: number;
  failed: number;
}

async function sample(run: number, jobs: number, startedAt: number, workers: WorkerProcess[], redis: SoakRedis, producer: Producer): Promise<Sample> {
  const snaps = await Promise.all(workers.map((w) => w.snapshot()));
  const counts = await producer.queues[QUEUE.dailySync].getJobCounts('completed', 'failed');
  return {
    run, jobs, seconds: (performance.now() - startedAt) / 1000, rssMb: snaps.map((s) => s.rssBytes / MB), heapMb: snaps.map((s) => s.heapUsedBytes / MB),
    redisMb: (await usedMemory(redis.client)) / MB, keys: await redis.client.dbsize(), completed: counts.completed ?? 0, failed: counts.failed ?? 0,
  };
}

/** A few learning aims make progress in OneFile (D1 brings it to PICS), different ones each run. */
function progressSomeAims(sim: SimulatorHandle, run: number): number {
  const random = mulberry32(run);
  const aims = [...sim.state.learningAims.values()].filter(() => random() < 0.05);
  sim.seed({ learningAims: aims.map((a) => ({ ID: a.ID, CompletedCriteria: Math.min((a.CompletedCriteria ?? 0) + 1, a.TotalCriteria ?? 100) })) });
  return aims.length;
}

const pct = (from: number, to: number) => ((to - from) / from) * 100;
const signed = (p: number) => `${p >= 0 ? '+' : ''}${fixed(p, 1)}%`;
const each = (values: number[]) => values.map((v) => fixed(v, 0)).join(' / ');

function report(samples: Sample[], { inScope, runs, duplicates }: { inScope: number; runs: number; duplicates: number }, runsFailed: string[], minutes: number): { text: string; flat: boolean } {
  const steadyIndex = samples.findIndex((s) => s.completed >= RETENTION);
  const start = samples[steadyIndex >= 0 ? steadyIndex : 0]!;
  const end = samples.at(-1)!;
  const rows = samples.filter((s, i) => i === 0 || s === start || i === samples.length - 1 || Math.floor(s.jobs / 10_000) > Math.floor(samples[i - 1]!.jobs / 10_000));
  const series = table(
    ['after run', 'jobs', 'real s', `worker RSS MB (each of ${procs})`, 'worker heap MB', 'Redis used_memory MB', 'Redis keys', 'completed kept', 'failed kept'],
    rows.map((s) => [s.idle ? `${s.run} + 5 s idle` : String(s.run), String(s.jobs), fixed(s.seconds, 0), each(s.rssMb), each(s.heapMb), fixed(s.redisMb, 1), String(s.keys), String(s.completed), String(s.failed)]),
  );
  const rssChanges = end.rssMb.map((mb, i) => pct(start.rssMb[i]!, mb));
  const redisChange = pct(start.redisMb, end.redisMb);
  const flat = rssChanges.every((p) => Math.abs(p) <= 10) && Math.abs(redisChange) <= 10;
  // Bounded only once shown at the steady state: a run too short to fill the retention proves nothing.
  const reached = steadyIndex >= 0;
  const bounded = reached && end.completed <= RETENTION && samples.every((s) => s.completed <= RETENTION);
  const text = [
    `${learnerCount} PICS learners generated and put into OneFile directly; ${inScope} in the daily scope, synced by ${runs} daily runs back to back `
      + `(${end.jobs} per-learner jobs) by ${procs} processes \`node dist/src/main.js\`, DAILY_SYNC_CONCURRENCY=${args.concurrency}; `
      + `simulator ×${scale.speed} with its strict limit (${scale.limit} per OneFile minute; the worker's budget ${scale.limit * scale.headroom}), `
      + 'LearningAim search rows full; about 5% of learning aims progress in OneFile before each run.',
    `Steady state from run ${start.run} (${start.jobs} jobs), the first sample with the queue's completed jobs at the retention `
      + `limit (removeOnComplete.count ${RETENTION}${steadyIndex < 0 ? ' — NOT REACHED in this run: the first sample is used, and Redis is still filling up' : ''}).`,
    '',
    series,
    '',
    `| measure | start (run ${start.run}) | end (run ${end.run}${end.idle ? ', then 5 s idle' : ''}) | change | target |`,
    '|:--|--:|--:|--:|:--|',
    `| worker RSS, MB (each) | ${each(start.rssMb)} | ${each(end.rssMb)} | ${rssChanges.map(signed).join(' / ')} | within ±10% |`,
    `| Redis used_memory, MB | ${fixed(start.redisMb, 1)} | ${fixed(end.redisMb, 1)} | ${signed(redisChange)} | within ±10% |`,
    `| Redis keys (DBSIZE) | ${start.keys} | ${end.keys} | ${signed(pct(start.keys, end.keys))} | bounded |`,
    `| completed jobs kept in Redis | ${start.completed} | ${end.completed} | | ≤ ${RETENTION} (retention) |`,
    '',
    `Every run: ${runsFailed.length === 0 ? 'completed, every learner synced, none failed' : `PROBLEMS — ${runsFailed.join('; ')}`}. `
      + `Duplicates in the simulator at the end: ${duplicates}.`,
    `Verdict: memory ${flat ? 'flat within 10%' : 'NOT flat within 10%'}; Redis ${bounded ? `bounded by the retention (≤ ${RETENTION} completed jobs kept)` : reached ? 'NOT bounded' : 'NOT bounded (steady state NOT REACHED: run longer)'}.`,
    `(${fixed(minutes, 1)} min in all, set-up included)`,
  ].join('\n');
  return { text, flat: flat && bounded && runsFailed.length === 0 && duplicates === 0 };
}

async function main(): Promise<void> {
  const startedAt = performance.now();
  const machineAtStart = machineLine();
  const prefix = `soak-${process.pid}`;
  let redis: SoakRedis | undefined;
  let bench: BenchDatabase | undefined;
  let sim: SimulatorHandle | undefined;
  let producer: Producer | undefined;
  const workers: WorkerProcess[] = [];
  const samples: Sample[] = [];
  const runsFailed: string[] = [];
  const totals = { inScope: 0, runs: 0, duplicates: 0 };
  try {
    redis = await startSoakRedis();
    assertLoopback('Redis', redis.url);
    bench = await createBenchDatabase(`bench_soak_${process.pid}`);
    const today = ukToday();
    const catalogue = await seedCatalogue(bench.db, { environment: 'practice' });
    await generateLearners(bench.db, catalogue, { count: learnerCount, today, includeProblemLearners: false });
    sim = await startSimulator({
      speed: scale.speed, rateLimit: scale.limit, windowMs: 60_000, window: 'sliding', seed: 'demo', environment: 'practice', host: '127.0.0.1',
      learningAimRows: 'full',
    });
    assertLoopback('the simulator', sim.baseUrl);
    const enrolled = await seedEnrolledState(bench.db, sim, { today });
    const inScope = Number((await sql<{ n: string }>`select count(*) as n from pics.learner where onefile_id is not null and status = 'Live'
      and (actual_end_date is null or actual_end_date >= ${today}::date - ${configSchema.sync.endedLearnerWindowDays.default}::int)`.execute(bench.db)).rows[0]!.n);
    const runs = Math.ceil(targetJobs / inScope);
    Object.assign(totals, { inScope, runs });
    console.log(`${enrolled.learners} learners in OneFile, ${inScope} in scope: ${runs} daily runs for ${targetJobs} jobs`);

    producer = createProducer({ redis: standaloneRedis(redis.url, prefix), db: bench.db });
    const env = {
      NODE_ENV: 'test', LOG_LEVEL: 'info', HTTP_PORT: '0', DATABASE_URL: bench.url, REDIS_URL: redis.url, REDIS_PREFIX: prefix,
      ONEFILE_BASE_URL: sim.baseUrl, SHUTDOWN_GRACE_MS: '5000', DAILY_SYNC_CONCURRENCY: args.concurrency!, DAILY_SYNC_CRON: '0 3 29 2 *',
      ...budgetEnv(scale),
    };
    for (let i = 0; i < procs; i++) workers.push(await spawnWorker({ name: `worker-${i + 1}`, env, lifetimeMs: 40 * 60_000 }));
    await producer.enqueueRefreshLinks('cli');
    const links = await waitForJob(producer.queues[QUEUE.refreshLinks], jobIds.refreshLinks(), 60_000);
    if (links.job.failedReason) throw new Error(`links refresh failed: ${links.job.failedReason}`);

    const queue = producer.queues[QUEUE.dailySync];
    const loopStarted = performance.now();
    let jobs = 0;
    for (let run = 1; run <= runs; run++) {
      checkInterrupted();
      progressSomeAims(sim, run);
      // Own ids: a run per producer minute (enqueueDailyRun) would replace, and so delete, the last run's jobs.
      const jobId = `daily-sync-soak-${run}`;
      await queue.add(JOB_NAME.dailyRun, {}, { ...DEFAULT_JOB_OPTIONS[QUEUE.dailySync], jobId });
      const { job } = await waitForJob(queue, jobId, 10 * 60_000, 200);
      const summary = await readRun(bench.db);
      if (job.failedReason || summary?.status !== 'completed' || summary.learnersTotal !== inScope || summary.learnersFailed > 0 || summary.learnersSynced !== inScope) {
        runsFailed.push(`run ${run}: ${job.failedReason ?? ''} ${JSON.stringify(summary)}`);
      }
      jobs += summary?.learnersTotal ?? 0;
      const s = await sample(run, jobs, loopStarted, workers, redis, producer);
      samples.push(s);
      console.log(`run ${run}/${runs}: ${jobs} jobs, ${fixed(s.seconds, 0)} s; RSS ${each(s.rssMb)} MB; Redis ${fixed(s.redisMb, 1)} MB, `
        + `${s.keys} keys, ${s.completed} completed kept; ${summary?.learnersChanged ?? 0} changed`);
    }
    // Idle for a few seconds, then a last sample: nothing keeps growing once the work stops.
    await sleep(5_000);
    samples.push({ ...(await sample(runs, jobs, loopStarted, workers, redis, producer)), idle: true });
    totals.duplicates = sim.duplicates().total;
  } catch (error) {
    printWorkerTails(workers);
    throw error;
  } finally {
    await stopWorkersReporting(workers);
    await producer?.close();
    await sim?.close();
    await redis?.stop();
    await bench?.drop().catch((e: unknown) => console.error(`could not drop ${bench?.name}:`, e));
  }
  const { text, flat } = report(samples, totals, runsFailed, (performance.now() - startedAt) / 60_000);
  console.log(`\n${text}`);
  if (args.out) writeFileSync(args.out, `${resultsHeader('Soak', 'bench:soak', machineAtStart)}\n${text}\n`);
  if (!flat) process.exitCode = 1;
  exitWithVerdicts(text);
}

onInterrupt();
main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
