import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';

export interface DaemonProcess {
  child: ChildProcess;
  url: string;
  lines: string[];
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
}

/**
 * Starts the compiled daemon (dist/, as the container runs it) and waits for its "daemon started" line.
 * `nodeArgs` go before the script (e.g. `--import` of a test-only preload).
 */
export async function spawnDaemon(env: Record<string, string>, timeoutMs = 20_000, nodeArgs: string[] = []): Promise<DaemonProcess> {
  const child = spawn(process.execPath, [...nodeArgs, path.resolve('dist/src/main.js')], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'info', HTTP_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`daemon did not start:\n${lines.join('\n')}`)), timeoutMs);
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        lines.push(line);
        try {
          const entry = JSON.parse(line) as { msg?: string; http?: string };
          if (entry.msg === 'daemon started' && entry.http) {
            clearTimeout(timer);
            resolve(entry.http);
          }
        } catch {
          // not JSON: kept in lines for the failure message
        }
      });
    }
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`daemon exited (${code}) before starting:\n${lines.join('\n')}`));
    });
  });
  return { child, url, lines, exited };
}
