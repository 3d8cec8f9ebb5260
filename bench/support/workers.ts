import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { WorkerSnapshot } from './worker-preload.js';

export type { WorkerSnapshot };

/** dist/src/main.js, resolved from this compiled file (dist/bench/support/workers.js). */
const MAIN = fileURLToPath(new URL('../../src/main.js', import.meta.url));
const PRELOAD = pathToFileURL(fileURLToPath(new URL('./worker-preload.js', import.meta.url))).href;

export interface WorkerProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  /** The last lines it wrote (stdout and stderr), for a failure message. */
  tail: string[];
  /** Log lines at warn level or above (pino level ≥ 40), counted. */
  warnings: number;
  errors: number;
  /** Warn and error log lines by message ("msg"). */
  messages: Map<string, number>;
  /** Resolves with the exit code or signal. */
  exited: Promise<number | string>;
  snapshot(): Promise<WorkerSnapshot>;
}

export interface SpawnOptions {
  name: string;
  env: Record<string, string>;
  /** The process stops itself after this long whatever happens here (real ms). */
  lifetimeMs: number;
  startTimeoutMs?: number;
}

const TAIL = 40;

/**
 * One daemon process — `node dist/src/main.js`, configured by environment variables as in production — with
 * the benchmark preload. Resolves once it logged "daemon started".
 */
export async function spawnWorker(options: SpawnOptions): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', PRELOAD, MAIN], {
    cwd: path.resolve(fileURLToPath(new URL('../../..', import.meta.url))),
    env: { PATH: process.env.PATH ?? '', BENCH_LIFETIME_MS: String(options.lifetimeMs), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'json',
  });
  if (child.pid === undefined) throw new Error(`${options.name}: spawn failed`);
  const tail: string[] = [];
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  let started = false;
  let onStarted!: () => void;
  const startedPromise = new Promise<void>((resolve) => (onStarted = resolve));
  const worker: WorkerProcess = {
    name: options.name, child, pid: child.pid, tail, warnings: 0, errors: 0, messages: new Map(), exited,
    async snapshot() {
      const reply = once(child, 'message') as Promise<[WorkerSnapshot]>;
      child.send({ type: 'snapshot' });
      const [message] = await withTimeout(reply, 5_000, `${options.name}: snapshot`);
      return message;
    },
  };
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      tail.push(line);
      if (tail.length > TAIL) tail.shift();
      // pino JSON: {"level":30,...}; only the level is looked at, so heavy logging costs this process little.
      const level = Number(/^\{"level":(\d+)/.exec(line)?.[1] ?? 0);
      if (level >= 50) worker.errors += 1;
      else if (level >= 40) worker.warnings += 1;
      if (level >= 40) {
        const msg = /"msg":"([^"]*)"/.exec(line)?.[1] ?? line.slice(0, 80);
        worker.messages.set(msg, (worker.messages.get(msg) ?? 0) + 1);
      }
      if (!started && line.includes('"msg":"daemon started"')) {
        started = true;
        onStarted();
      }
    });
  }
  const failedEarly = exited.then((code) => {
    throw new Error(`${options.name} exited (${code}) before starting:\n${tail.join('\n')}`);
  });
  try {
    await withTimeout(Promise.race([startedPromise, failedEarly]), options.startTimeoutMs ?? 30_000, `${options.name}: start`);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  failedEarly.catch(() => {}); // exits after start are reported by stopWorkers / the caller
  return worker;
}

/** SIGTERM (graceful: running jobs finish), then SIGKILL after `graceMs`. Answers each exit code. */
export async function stopWorkers(workers: WorkerProcess[], graceMs = 15_000): Promise<Array<number | string>> {
  return Promise.all(workers.map(async (w) => {
    if (w.child.exitCode !== null || w.child.signalCode !== null) return w.exited;
    w.child.kill('SIGTERM');
    const timer = setTimeout(() => w.child.kill('SIGKILL'), graceMs);
    try {
      return await w.exited;
    } finally {
      clearTimeout(timer);
    }
  }));
}

/** After a failure: each worker's last lines, which usually say why. */
export function printWorkerTails(workers: WorkerProcess[]): void {
  for (const w of workers) console.error(`--- ${w.name} (last lines)\n${w.tail.slice(-8).join('\n')}`);
}

/** stopWorkers, saying so when a worker did not exit cleanly. */
export async function stopWorkersReporting(workers: WorkerProcess[]): Promise<void> {
  const codes = await stopWorkers(workers);
  if (codes.some((c) => c !== 0)) console.log(`worker exit codes: ${codes.join(', ')}`);
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface ProcessTotals {
  queries: number;
  cpuMs: number;
  rssMb: number[];
  /** The longest event-loop stall of any process between the snapshots, and the worst 99.9th percentile (ms). */
  loopDelayMaxMs: number;
  loopDelayP999Ms: number;
}

/** Sums two sets of snapshots of the same processes (after − before): statements and CPU; RSS as read after. */
export function totalsBetween(before: WorkerSnapshot[], after: WorkerSnapshot[]): ProcessTotals {
  let queries = 0;
  let cpuUs = 0;
  for (const a of after) {
    const b = before.find((s) => s.pid === a.pid);
    if (!b) throw new Error(`no earlier snapshot of pid ${a.pid}`);
    queries += a.queries - b.queries;
    cpuUs += a.cpuUserUs + a.cpuSystemUs - b.cpuUserUs - b.cpuSystemUs;
  }
  return {
    queries, cpuMs: cpuUs / 1000, rssMb: after.map((s) => s.rssBytes / 1024 / 1024),
    loopDelayMaxMs: Math.max(...after.map((s) => s.loopDelayMaxMs)), loopDelayP999Ms: Math.max(...after.map((s) => s.loopDelayP999Ms)),
  };
}

/** Warn and error messages of all the workers since `before` (a copy of the counts taken earlier). */
export function messageCounts(workers: WorkerProcess[]): Map<string, number> {
  const all = new Map<string, number>();
  for (const w of workers) for (const [msg, n] of w.messages) all.set(msg, (all.get(msg) ?? 0) + n);
  return all;
}

export function messagesSince(now: Map<string, number>, before: Map<string, number>): Array<[string, number]> {
  return [...now].map(([msg, n]): [string, number] => [msg, n - (before.get(msg) ?? 0)]).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
}
