import { writeSync } from 'node:fs';

/**
 * Fail points: TEST-ONLY. `failpoint(name)` kills the current process with SIGKILL — no clean-up, no flushed
 * logs, exactly what a crash or the OOM killer does — when the env var WORKER_FAILPOINTS (a comma-separated
 * list) names it; otherwise it does nothing. Tests put a real `kill -9` between two writes this way, at the
 * one moment a random kill would almost never hit. Ignored when NODE_ENV=production, so a stray variable
 * can never take a production worker down.
 */

const armed = new Set(
  process.env.NODE_ENV === 'production'
    ? []
    : (process.env.WORKER_FAILPOINTS ?? '').split(',').map((name) => name.trim()).filter(Boolean),
);

export function failpoint(name: string): void {
  if (!armed.has(name)) return;
  // Straight to stderr, synchronously: the logger's buffer dies with the process.
  writeSync(2, `${JSON.stringify({ msg: 'fail point reached: SIGKILL', failpoint: name, pid: process.pid })}\n`);
  process.kill(process.pid, 'SIGKILL');
}
