import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/types.js';
import { decideEnrol } from '../../src/eportfolio/onefile/enrol-input.js';
import { readOneFileSettings } from '../../src/pics/index.js';
import type { EnrolChoices } from '../../src/rules/enrol-plan.js';
import type { SimulatorHandle } from '../../src/simulator/index.js';
import { differences } from '../helpers/compare.js';
import type { DaemonProcess } from '../helpers/daemon-process.js';
import { freePort } from '../helpers/private-postgres.js';
import { preEnrolFromPics } from './scenario.js';

// Shared by the reliability suite: bounded waits, job inspection, a private Redis that can really stop,
// learners "already enrolled" without the API, and the PICS ⇄ OneFile agreement check.

/** Progress lines for a developer watching a long test (RELIABILITY_TRACE=/path/to/file); silent otherwise. */
export function trace(message: string): void {
  const file = process.env.RELIABILITY_TRACE;
  if (file) appendFileSync(file, `${new Date().toISOString()} ${message}\n`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until `accept` holds; throws (with the last value) after `timeoutMs`. Never loops forever. */
export async function eventually<T>(
  probe: () => Promise<T>, accept: (value: T) => boolean, options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const { timeoutMs = 30_000, intervalMs = 200, what = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let last: T | undefined;
    let error: unknown;
    try {
      last = await probe();
      if (accept(last)) return last;
    } catch (e) {
      error = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what} not reached within ${timeoutMs} ms; last: ${error ? String(error) : JSON.stringify(last)}`);
    }
    await sleep(intervalMs);
  }
}

export async function getJson(url: string, init?: RequestInit): Promise<{ status: number; body: Record<string, unknown>; text: string }> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(5_000) });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON (metrics, HTML): the text is returned as is
  }
  return { status: response.status, body, text };
}

const STATES = ['completed', 'failed', 'active', 'waiting', 'waiting-children', 'delayed', 'prioritized'] as const;

/** Every job the queue still holds, whatever its state. */
export async function allJobs(queue: Queue): Promise<Job[]> {
  const jobs: Job[] = [];
  for (let start = 0; ; start += 1_000) {
    const page = (await queue.getJobs([...STATES], start, start + 999, true)).filter(Boolean);
    jobs.push(...page);
    if (page.length < 1_000) break;
  }
  return jobs;
}

/** Waits until none of the queue's jobs is still to run (all completed or failed), bounded. */
export async function waitForQueueToSettle(queue: Queue, timeoutMs: number): Promise<void> {
  await eventually(
    () => queue.getJobCounts('active', 'waiting', 'waiting-children', 'delayed', 'prioritized'),
    (counts) => Object.values(counts).every((n) => n === 0),
    { timeoutMs, intervalMs: 250, what: `queue ${queue.name} settled` },
  );
}

/** Waits for each job id to be completed or failed, bounded; returns the jobs re-read after they finished. */
export async function waitForJobs(queue: Queue, ids: string[], timeoutMs: number): Promise<Job[]> {
  const deadline = Date.now() + timeoutMs;
  const done = new Map<string, Job>();
  while (done.size < ids.length) {
    for (const id of ids) {
      if (done.has(id)) continue;
      const job = await queue.getJob(id);
      const state = job ? await job.getState() : 'missing';
      if (state === 'completed' || state === 'failed') done.set(id, (await queue.getJob(id))!);
    }
    if (done.size === ids.length) break;
    if (Date.now() > deadline) {
      const pending = ids.filter((id) => !done.has(id));
      throw new Error(`${pending.length} job(s) unfinished after ${timeoutMs} ms: ${pending.slice(0, 10).join(', ')}`);
    }
    await sleep(150);
  }
  return ids.map((id) => done.get(id)!);
}

/** One Prometheus sample: the sum over every series of `name` whose labels include `labels`. */
export function metric(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{(.*)\})?\s+(\S+)$/.exec(line.trim());
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) sum += Number(match[4]);
  }
  return sum;
}

/**
 * A Redis server of the test's own (loopback, no snapshots of its own), so a test can really stop it. stop()
 * saves its data on the way down (SHUTDOWN SAVE) and start() loads it back: a Redis restart that keeps its
 * data, as a production Redis with persistence does. Never the shared Redis other test files use.
 */
export interface PrivateRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** SIGSTOP: the server keeps its connections and its data but answers nothing, as a hung Redis does. */
  freeze(): void;
  /** SIGCONT: it answers again, everything it was sent meanwhile in order, with its clock moved on. */
  thaw(): void;
  destroy(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const dir = mkdtempSync(path.join(tmpdir(), 'redistest-'));
  const port = await freePort();
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const start = async () => {
    const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
      '--dir', dir, '--dbfilename', 'dump.rdb', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' });
    child = proc;
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    await eventually(async () => {
      const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on('error', () => {});
      try {
        await probe.connect();
        return await probe.ping();
      } finally {
        probe.disconnect();
      }
    }, (pong) => pong === 'PONG', { timeoutMs: 10_000, intervalMs: 50, what: 'private redis-server up' });
  };
  const stop = async () => {
    if (!child) return;
    const admin = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null });
    admin.on('error', () => {});
    await admin.call('SHUTDOWN', 'SAVE').catch(() => {}); // the connection closes as the server exits
    admin.disconnect();
    const timer = setTimeout(() => child?.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    child = null;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    stop,
    freeze: () => { child?.kill('SIGSTOP'); },
    thaw: () => { child?.kill('SIGCONT'); },
    async destroy() {
      child?.kill('SIGCONT');
      if (child) {
        child.kill('SIGKILL');
        await exited;
        child = null;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The first `limit` learners not in OneFile whose enrol plan is complete (nothing a PICS user must fix), by id. */
export async function enrolableLearners(db: Kysely<DB>, choices: EnrolChoices, limit: number): Promise<number[]> {
  const settings = await readOneFileSettings(db);
  const ids = await db.selectFrom('pics.learner').select('id').where('onefile_id', 'is', null).orderBy('id').execute();
  const ok: number[] = [];
  for (const { id } of ids) {
    if (ok.length >= limit) break;
    if ((await decideEnrol(db, id, settings!, choices)).decision.kind === 'plan') ok.push(id);
  }
  return ok;
}

/**
 * Puts learners into OneFile as an earlier enrol would have left them, without the API and without the
 * worker's enrol code (scenario.ts preEnrolFromPics: the records are read off PICS by the SPEC's rules, so a
 * fault in the worker's plan is not copied into OneFile and then "agreed" with). Reviews are left for the
 * sync to upload. `'all'`: every learner not in OneFile that can be put there; a list: each must be.
 */
export async function preEnrol(db: Kysely<DB>, sim: SimulatorHandle, learnerIds: number[] | 'all', choices: EnrolChoices): Promise<number> {
  const ids = learnerIds === 'all'
    ? (await db.selectFrom('pics.learner').select('id').where('onefile_id', 'is', null).orderBy('id').execute()).map((l) => l.id)
    : learnerIds;
  const done = await preEnrolFromPics(db, sim, ids, choices.pathways ?? {});
  const skipped = ids.filter((id) => !done.includes(id));
  if (learnerIds !== 'all' && skipped.length) throw new Error(`learners ${skipped.join(', ')} cannot be pre-enrolled (no email, main officer or placement, or already in OneFile)`);
  return done.length;
}

/**
 * Every way PICS and the simulator disagree for enrolled learners: the learner's fields, officers and aims'
 * dates (compare.ts), plus the id sets themselves — each OneFile learning aim and review of the learner is
 * held by exactly one PICS row, and each PICS id names a record of that learner.
 */
export async function disagreements(db: Kysely<DB>, sim: SimulatorHandle): Promise<string[]> {
  const found = await differences(db, sim);
  const learners = await db.selectFrom('pics.learner').select(['id', 'ident', 'onefile_id']).where('onefile_id', 'is not', null).execute();
  const lqs = await db.selectFrom('pics.learner_qualification').select(['learner_id', 'onefile_learning_aim_id']).where('onefile_learning_aim_id', 'is not', null).execute();
  const reviews = await db.selectFrom('pics.review').select(['id', 'learner_id', 'onefile_system_id']).where('onefile_system_id', 'is not', null).execute();
  const sorted = (ids: Iterable<number>) => [...ids].sort((a, b) => a - b);
  for (const l of learners) {
    const picsAims = sorted(lqs.filter((q) => q.learner_id === l.id).map((q) => q.onefile_learning_aim_id!));
    const simAims = sorted([...sim.state.learningAims.where(l.onefile_id!)].map((a) => a.ID));
    if (JSON.stringify(picsAims) !== JSON.stringify(simAims)) found.push(`${l.ident}: learning aims ${JSON.stringify(simAims)} in OneFile, ${JSON.stringify(picsAims)} in PICS`);
    const picsReviews = sorted(reviews.filter((r) => r.learner_id === l.id).map((r) => r.onefile_system_id!));
    const simReviews = sorted([...sim.state.reviews.where(l.onefile_id!)].map((r) => r.ID));
    if (JSON.stringify(picsReviews) !== JSON.stringify(simReviews)) found.push(`${l.ident}: reviews ${JSON.stringify(simReviews)} in OneFile, ${JSON.stringify(picsReviews)} in PICS`);
  }
  // A OneFile learner under a PICS learner's MIS value that PICS does not hold: created twice, or half-enrolled.
  const holder = new Map((await db.selectFrom('pics.learner').select(['ident', 'onefile_id']).execute()).map((l) => [l.ident.toLowerCase(), l.onefile_id]));
  for (const u of sim.state.users.values()) {
    const ident = u.MISID?.trim().toLowerCase();
    if (u.Role === 1 && ident && holder.has(ident) && holder.get(ident) !== u.ID) found.push(`${u.MISID}: OneFile learner ${u.ID} is not the one PICS holds (${holder.get(ident)})`);
  }
  return found;
}

/** The simulator's duplicate check as a list (empty when none), so a failure shows what was duplicated. */
export function duplicatesIn(sim: SimulatorHandle): unknown[] {
  const { total: _total, ...groups } = sim.duplicates();
  return Object.entries(groups).flatMap(([kind, list]) => (list as unknown[]).map((entry) => ({ kind, ...(entry as object) })));
}

/**
 * The duplicates but visits. Known gap: a POST /Visit whose answer is lost (a kill, a timeout, a dropped
 * connection after the change) is made again on the retry, since OneFile has no visit search to find the
 * first; crash.test and onefile-faults.test show it as `it.failing` with `visitDuplicatesIn`.
 */
export const duplicatesButVisitsIn = (sim: SimulatorHandle): unknown[] => duplicatesIn(sim).filter((d) => (d as { kind: string }).kind !== 'visitsSameSlot');
export const visitDuplicatesIn = (sim: SimulatorHandle): unknown[] => duplicatesIn(sim).filter((d) => (d as { kind: string }).kind === 'visitsSameSlot');

/** Kills the daemon processes, then runs each closer in turn; one that fails never leaves the others running. */
export async function tearDown(procs: DaemonProcess[], ...closers: Array<() => Promise<unknown> | undefined>): Promise<void> {
  for (const p of procs) p.child.kill('SIGKILL');
  await Promise.all(procs.map((p) => p.exited));
  for (const close of closers) await Promise.resolve().then(close).catch(() => {});
}
