import { afterAll, beforeAll } from '@jest/globals';
import { startSimulator, type SimulatorHandle, type SimulatorOptions } from '../../src/simulator/index.js';
import { standIn } from './stand-in.js';

/** The OneFile the worker's end-to-end tests talk to: the demo provider, in the practice environment, no rate limit. */
export const WORKER_SIMULATOR = { seed: 'demo', environment: 'practice', rateLimit: 0 } as const satisfies SimulatorOptions;

/** A simulator as WORKER_SIMULATOR, with `options` over it (faults, a rate limit of its own). */
export const startWorkerSimulator = (options: SimulatorOptions = {}): Promise<SimulatorHandle> => startSimulator({ ...WORKER_SIMULATOR, ...options });

/**
 * A OneFile simulator for the enclosing describe block (or the whole file, at its top level): started before
 * its first test, closed after its last. What it returns stands for the running simulator.
 */
export function useSimulator(options: SimulatorOptions = {}): SimulatorHandle {
  let running: SimulatorHandle | undefined;
  beforeAll(async () => {
    running = await startSimulator(options);
  });
  afterAll(async () => {
    await running?.close();
    running = undefined;
  });
  return standIn('the simulator', () => running);
}
