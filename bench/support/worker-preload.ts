/*
 * Loaded into each daemon process a benchmark spawns (`node --import <this> dist/src/main.js`); the daemon
 * itself is unchanged. It
 *  - counts the statements the process sends to PostgreSQL (every pg Client#query call, kysely's included);
 *  - answers the benchmark's {type:'snapshot'} over the IPC channel with that count, process.cpuUsage(), the
 *    resident set size and the event-loop delay since the last snapshot (a stalled process sends calls its
 *    budget slots were reserved for late, bunched together);
 *  - stops the daemon (SIGTERM, its normal graceful shutdown) when the benchmark goes away (IPC channel
 *    closed) or after BENCH_LIFETIME_MS, so no worker outlives its benchmark.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pg from 'pg';

export interface WorkerSnapshot {
  type: 'snapshot';
  pid: number;
  queries: number;
  /** process.cpuUsage(): user and system CPU time of the whole process, µs. */
  cpuUserUs: number;
  cpuSystemUs: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** Event-loop delay since the previous snapshot (ms): the longest, and the 99.9th percentile. */
  loopDelayMaxMs: number;
  loopDelayP999Ms: number;
}

let queries = 0;
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
const original = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(this: pg.Client, ...args: unknown[]) {
  queries += 1;
  return (original as (...a: unknown[]) => unknown).apply(this, args);
} as typeof original;

const stop = () => process.kill(process.pid, 'SIGTERM');

if (process.send) {
  process.on('message', (message: { type?: string }) => {
    if (message?.type !== 'snapshot') return;
    const cpu = process.cpuUsage();
    const memory = process.memoryUsage();
    const snapshot: WorkerSnapshot = {
      type: 'snapshot', pid: process.pid, queries, cpuUserUs: cpu.user, cpuSystemUs: cpu.system,
      rssBytes: memory.rss, heapUsedBytes: memory.heapUsed,
      loopDelayMaxMs: loopDelay.max / 1e6, loopDelayP999Ms: loopDelay.percentile(99.9) / 1e6,
    };
    loopDelay.reset();
    process.send?.(snapshot);
  });
  process.on('disconnect', stop);
  process.channel?.unref();
}

const lifetime = Number(process.env.BENCH_LIFETIME_MS ?? 0);
if (lifetime > 0) setTimeout(stop, lifetime).unref();
