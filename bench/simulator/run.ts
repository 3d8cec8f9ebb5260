// Simulator throughput (issue 4: at least 2,000 requests/s on one core, so it never limits a benchmark).
// The simulator runs in a child process pinned to core 0 (taskset), with the rate limit off; this process
// drives it from another core over keep-alive connections with autocannon, using a mix of authenticated GETs,
// searches and creates. A bare node:http server measured on the same core in the same run is the baseline.
//   npm run bench:simulator [-- --duration 10 --connections 32]
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { DEMO_CUSTOMER_TOKEN } from '../../src/demo/catalogue.js';

const TARGET = 2_000;
const { values } = parseArgs({ options: { duration: { type: 'string', default: '8' }, connections: { type: 'string', default: '32' } } });
const duration = Number(values.duration);
const connections = Number(values.connections);

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const pin = hasTaskset() && availableParallelism() >= 2;
if (pin) execFileSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });

/** Starts `script` (pinned to core 0 when possible) and answers it with the first URL it prints. */
async function startChild(script: string, args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const path = fileURLToPath(new URL(script, import.meta.url));
  const child = pin
    ? spawn('taskset', ['-c', '0', process.execPath, path, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn(process.execPath, [path, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  const url = /(http:\/\/[^\s)]+)/.exec(line)?.[1];
  if (!url) throw new Error(`no URL in: ${line}`);
  return { child, url };
}

async function stop(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  await once(child, 'exit');
}

function run(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon({ connections, duration, ...opts }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

async function post(url: string, token: string, body: unknown): Promise<unknown> {
  const r = await fetch(url, { method: 'POST', headers: { 'X-TokenID': token, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`${url}: ${r.status} ${await r.text()}`);
  return r.json();
}

// Baseline.
const baseline = await startChild('./baseline-server.js', []);
const base = await run({ url: baseline.url });
await stop(baseline.child);

// Simulator.
const sim = await startChild('../../src/simulator/main.js', ['--port', '0', '--seed', 'demo', '--rate-limit', '0']);
const api = sim.url; // …/api/v2.1
const token = await (await fetch(`${api}/Authentication`, { method: 'POST', headers: { 'X-CustomerToken': DEMO_CUSTOMER_TOKEN } })).text();
// Reviews are spread over 50 learners, as a real provider's would be, so per-learner searches stay realistic.
const learners: number[] = [];
for (let i = 0; i < 50; i++) {
  learners.push((await post(`${api}/User`, token, { OrganisationID: 5740, Role: 1, FirstName: 'Bench', LastName: `Mark${i}`,
    Email: `bench${i}@example.com`, DefaultAssessorID: 122762, ClassroomID: 15379, PlacementID: 18928 }) as { ID: number }).ID);
}
const aim = await post(`${api}/Standard/55774/Assign/${learners[0]}`, token, {}) as number;
let turn = 0;
const nextLearner = () => learners[turn++ % learners.length]!;

const path = new URL(api).pathname;
const json = { 'X-TokenID': token, 'content-type': 'application/json' };
const get = (p: string) => ({ method: 'GET' as const, path: path + p, headers: { 'X-TokenID': token } });
const send = (p: string, body: unknown) => ({ method: 'POST' as const, path: path + p, headers: json, body: JSON.stringify(body) });
// 3 GETs, 3 searches, 2 creates per cycle; every connection walks the cycle in turn.
const requests = [
  get('/Customer'),
  send('/User/Search/1/50', { OrganisationID: 5740, Role: 5 }),
  get('/User/122762'),
  send('/Standard/Search/1/50', { OrganisationID: 5740 }),
  {
    ...send('/Review', {}),
    setupRequest: (req: autocannon.Request) => ({ ...req, body: JSON.stringify({ LearnerID: nextLearner(), AssessorID: 122762,
      ScheduledFor: '2027-01-05T10:00:00Z', EndTime: '2027-01-05T11:00:00Z' }) }),
  },
  get(`/LearningAim/${aim}`),
  {
    ...send('/Review/Search/1/50', {}),
    setupRequest: (req: autocannon.Request) => ({ ...req, body: JSON.stringify({ LearnerID: nextLearner() }) }),
  },
  send('/Placement', { OrganisationID: 5740, Name: 'Bench placement' }),
];
const mix = await run({ url: new URL(api).origin, requests });
const stats = await (await fetch(`${new URL(api).origin}/_admin/stats`)).json() as { total: number; byEndpoint: Record<string, Record<string, number>> };
await stop(sim.child);

const rps = mix.requests.average;
const line = (name: string, r: autocannon.Result) =>
  `${name.padEnd(38)} ${Math.round(r.requests.average).toString().padStart(7)} req/s   p50 ${r.latency.p50} ms   p99 ${r.latency.p99} ms   non-2xx ${r.non2xx}   errors ${r.errors}`;
process.stdout.write([
  `OneFile simulator benchmark: ${duration} s per run, ${connections} keep-alive connections, ${pin ? 'server pinned to core 0, driver to core 1' : 'no CPU pinning (taskset missing or one core)'}`,
  line('baseline (bare node:http, fixed JSON)', base),
  line('simulator (GETs, searches, creates)', mix),
  `ratio simulator / baseline: ${(rps / base.requests.average).toFixed(2)}`,
  `calls served by endpoint: ${Object.entries(stats.byEndpoint).map(([k, v]) => `${k} ${JSON.stringify(v)}`).join('; ')}`,
  `target ≥ ${TARGET} req/s on one core: ${rps >= TARGET ? 'met' : 'NOT MET'}`,
  '',
].join('\n'));
if (rps < TARGET || mix.non2xx > 0 || mix.errors > 0) process.exitCode = 1;
