import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseCliArgs, parseLatency } from '../../src/simulator/cli-args.js';
import { DEMO_CUSTOMER_TOKEN, call } from './support.js';

describe('CLI flags', () => {
  it('map onto simulator options, leaving unset ones to the defaults', () => {
    expect(parseCliArgs([]).options).toEqual({});
    expect(parseCliArgs(['--port', '8400', '--host', '0.0.0.0', '--seed', 'empty', '--speed', '60', '--rate-limit', '0',
      '--window-ms', '1000', '--window', 'fixed', '--retry-after', 'off', '--session-ttl-ms', '5000', '--environment', 'beta',
      '--create-answer', 'object', '--learning-aim-rows', 'full', '--single-session', '--require-staff-email']).options).toEqual({
      port: 8400, host: '0.0.0.0', seed: 'empty', speed: 60, rateLimit: 0, windowMs: 1000, window: 'fixed', retryAfter: false,
      sessionTtlMs: 5000, environment: 'beta', createAnswer: 'object', learningAimRows: 'full', singleSession: true,
      requireStaffEmail: true,
    });
  });

  it('build the fault settings', () => {
    expect(parseCliArgs(['--fault-seed', '9', '--error-rate', '0.1', '--error-when', 'after', '--drop-rate', '0.05',
      '--slow-rate', '0.2', '--slow-ms', '3000', '--latency', 'normal:50,10']).options.faults).toEqual({
      seed: 9, errors: { rate: 0.1, when: 'after' }, drops: { rate: 0.05, when: 'before' }, slow: { rate: 0.2, ms: 3000 },
      latency: { kind: 'normal', meanMs: 50, sdMs: 10 },
    });
    expect(parseLatency('uniform:10-30')).toEqual({ kind: 'uniform', minMs: 10, maxMs: 30 });
    expect(parseLatency('fixed:5')).toEqual({ kind: 'fixed', ms: 5 });
  });

  it('refuse bad values and unknown flags', () => {
    expect(() => parseCliArgs(['--window', 'rolling'])).toThrow(/--window/);
    expect(() => parseCliArgs(['--speed', 'fast'])).toThrow(/--speed/);
    expect(() => parseCliArgs(['--latency', 'normal:5'])).toThrow(/--latency/);
    expect(() => parseCliArgs(['--bogus'])).toThrow();
  });
});

describe('the simulator command', () => {
  const main = fileURLToPath(new URL('../../dist/src/simulator/main.js', import.meta.url));

  it('starts, logs its URL on one line, serves the API with its limit, and stops on SIGTERM', async () => {
    if (!existsSync(main)) throw new Error('dist/ is missing: run `npm run build` first (npm test does it)');
    const child = spawn(process.execPath, [main, '--port', '0', '--rate-limit', '3', '--window-ms', '60000'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
      const baseUrl = /(http:\/\/127\.0\.0\.1:\d+\/api\/v2\.1)/.exec(line)?.[1];
      expect(baseUrl).toBeDefined();
      const auth = await call(`${baseUrl}/Authentication`, 'POST', undefined, { 'X-CustomerToken': DEMO_CUSTOMER_TOKEN });
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await call(`${baseUrl}/Customer`, 'GET', undefined, { 'X-TokenID': auth.text })).status);
      expect(statuses).toEqual([200, 200, 429]);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });
});
