import { AsyncLocalStorage } from 'node:async_hooks';

/*
 * Priority inheritance for the OneFile budget's lanes (issue 21). Batch work that holds a lock a user's click
 * may be waiting for — a shared assessor, placement or classroom being found or created, the links refresh —
 * makes its calls in the interactive lane while it holds it: otherwise the click, queued on that lock, would wait
 * behind the whole batch line by proxy (bench/interactive saw a Create in OneFile take 24 s so). Carried by
 * AsyncLocalStorage so that the code between the lock and the call (find-or-create, the links refresh) need
 * not pass anything along.
 */

const urgent = new AsyncLocalStorage<true>();

/** Runs `fn` with every OneFile call it makes in the interactive lane, whatever its job's lane. */
export function runUrgent<T>(fn: () => Promise<T>): Promise<T> {
  return urgent.run(true, fn);
}

export function isUrgent(): boolean {
  return urgent.getStore() === true;
}
