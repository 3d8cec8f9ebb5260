#!/usr/bin/env node
// The simulator on its own: `npm run simulator -- --port 8400 --speed 60`. Flags: see USAGE (--help).
// It prints one line on start, so plain stdout/stderr rather than the worker's structured logger.
import { USAGE, parseCliArgs } from './cli-args.js';
import { startSimulator } from './index.js';

let parsed: ReturnType<typeof parseCliArgs>;
try {
  parsed = parseCliArgs(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n\n${USAGE}\n`);
  process.exit(2);
}
if (parsed.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

const o = parsed.options;
const sim = await startSimulator(o);
const limit = o.rateLimit === 0 ? 'no rate limit'
  : `limit ${o.rateLimit ?? 300}/${o.windowMs ?? 60_000}ms ${o.window ?? 'sliding'}`;
process.stdout.write(`OneFile simulator listening on ${sim.baseUrl} (admin ${sim.origin}/_admin; seed ${typeof o.seed === 'object' ? 'file' : o.seed ?? 'demo'}, speed ${o.speed ?? 1}, ${limit})\n`);

let closing = false;
const stop = () => {
  if (closing) return;
  closing = true;
  sim.close().then(() => process.exit(0), (e: unknown) => {
    process.stderr.write(`${String(e)}\n`);
    process.exit(1);
  });
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
