import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { assertLoopback, type FromWorker, type ToWorker, type WorkerConfig } from './protocol.js';
import { noneFactory, oursFactory, pauseFactory, rlfFactory, type Caller, type CallerFactory } from './strategies.js';

/*
 * One benchmark worker process (forked by run.ts). bulk: `slots` callers make calls back to back, as a
 * worker process full of daily-sync jobs would. on-demand: one click at a time, timed from request to
 * answer. It stops on the parent's word, when the parent goes away, or at the end of its lifetime.
 */

const config = JSON.parse(process.argv[2] ?? '{}') as WorkerConfig;
const send = (message: FromWorker) => process.send?.(message);

assertLoopback('the simulator', config.baseUrl);
assertLoopback('Redis', config.redisUrl);

const stop = new AbortController();
const lifetime = setTimeout(() => process.exit(3), config.lifetimeMs);
lifetime.unref();
process.on('disconnect', () => process.exit(0));

const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });

async function factoryFor(): Promise<CallerFactory> {
  switch (config.strategy) {
    case 'ours':
    case 'ours-fifo': return oursFactory(config, redis);
    case 'rlf': return rlfFactory(config, redis);
    case 'pause': return pauseFactory(config);
    case 'none': return noneFactory(config);
  }
}

const aborted = (error: unknown) => stop.signal.aborted || (error as Error)?.name === 'AbortError';

async function runBulk(callers: Caller[], successes: Array<[number, number]>): Promise<void> {
  await Promise.all(callers.map(async (caller) => {
    while (!stop.signal.aborted) {
      try {
        const { waitMs } = await caller.call(stop.signal);
        successes.push([Date.now(), waitMs]);
      } catch (error) {
        if (!aborted(error)) throw error;
      }
    }
  }));
}

async function runOnDemand(caller: Caller, samples: number[], successes: Array<[number, number]>): Promise<void> {
  const [min, max] = config.clickGapMs;
  while (!stop.signal.aborted) {
    try {
      await sleep(min + Math.random() * (max - min), undefined, { signal: stop.signal });
      const started = performance.now();
      const { waitMs } = await caller.call(stop.signal);
      const ms = performance.now() - started;
      successes.push([Date.now(), waitMs]);
      samples.push(ms);
      send({ type: 'sample', ms });
    } catch (error) {
      if (!aborted(error)) throw error;
    }
  }
}

async function main(): Promise<void> {
  const factory = await factoryFor();
  const callers = Array.from({ length: config.role === 'bulk' ? config.slots : 1 }, () => factory());
  const go = new Promise<void>((resolve) => {
    process.on('message', (message: ToWorker) => {
      if (message.type === 'go') resolve();
      if (message.type === 'stop') stop.abort();
    });
  });
  send({ type: 'ready' });
  await go;

  const successes: Array<[number, number]> = [];
  const samples: number[] = [];
  if (config.role === 'bulk') await runBulk(callers, successes);
  else await runOnDemand(callers[0]!, samples, successes);

  const rateLimited = callers.reduce((n, c) => n + c.rateLimited(), 0);
  const errors = callers.reduce((n, c) => n + c.errors(), 0);
  send({ type: 'result', successes, rateLimited, errors, samples });
}

main()
  .catch((error: unknown) => send({ type: 'failed', message: error instanceof Error ? error.message : String(error) }))
  .finally(() => {
    redis.disconnect();
    // Let the IPC channel flush the result, then leave.
    process.disconnect?.();
  });
