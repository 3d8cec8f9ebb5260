/*
 * Failed dashboard logins per client address, in a fixed window from the first failure: past `max` the
 * address is refused (429) until its window ends, so a password cannot be guessed at request speed. In
 * memory, per process: each worker process guards its own port. The map is bounded (oldest entry dropped),
 * so a flood of addresses cannot grow it without end.
 */

export interface LoginThrottleOptions {
  max: number;
  windowMs: number;
  now?: () => number;
  maxTracked?: number;
}

export interface LoginThrottle {
  /** Milliseconds until `address` may try again; 0 when it may now. */
  blockedForMs(address: string): number;
  /** Counts one failure; `blocked` once the address has used up its window. */
  recordFailure(address: string): { failures: number; blocked: boolean };
}

export function createLoginThrottle({ max, windowMs, now = Date.now, maxTracked = 10_000 }: LoginThrottleOptions): LoginThrottle {
  const windows = new Map<string, { failures: number; endsAt: number }>();
  const current = (address: string) => {
    const entry = windows.get(address);
    if (entry && entry.endsAt <= now()) {
      windows.delete(address);
      return undefined;
    }
    return entry;
  };
  return {
    blockedForMs(address) {
      const entry = current(address);
      return entry && entry.failures >= max ? entry.endsAt - now() : 0;
    },
    recordFailure(address) {
      let entry = current(address);
      if (!entry) {
        if (windows.size >= maxTracked) windows.delete(windows.keys().next().value!);
        entry = { failures: 0, endsAt: now() + windowMs };
        windows.set(address, entry);
      }
      entry.failures += 1;
      return { failures: entry.failures, blocked: entry.failures >= max };
    },
  };
}
