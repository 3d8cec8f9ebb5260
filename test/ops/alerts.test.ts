import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parse } from 'yaml';
import { createLogger } from '../../src/logging/logger.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { projectRoot } from '../../src/util/project-root.js';

// deploy/: the Prometheus rules pass promtool's check and unit tests, and every metric a rule or a Grafana
// panel reads is one the daemon exports (taken from the registry the daemon builds, not from a list here).

const root = projectRoot();
const PROMETHEUS = join(root, 'deploy', 'prometheus');
const RULES = join(PROMETHEUS, 'alerts.yml');
const RULE_TESTS = join(PROMETHEUS, 'alerts.test.yml');
const DASHBOARD = join(root, 'deploy', 'grafana', 'pics-onefile-worker.json');

function promtool(...args: string[]) {
  const run = spawnSync('promtool', args, { cwd: PROMETHEUS, encoding: 'utf8' });
  if (run.error) throw new Error(`promtool did not run (${run.error.message}): scripts/test.sh installs it (ensure_promtool in scripts/lib.sh)`);
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);

/** The metric names a PromQL expression reads (functions, keywords, labels, strings and durations left out). */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ') // strings
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // ranges and subqueries ($__rate_interval too)
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ') // label lists
    .replace(/\boffset\s+\S+/g, ' ')
    .replace(/\$\w+/g, ' ') // Grafana variables
    .replace(/(?<![\w:])\d+(\.\d+)?(e[+-]?\d+)?/gi, ' '); // numbers
  const names = new Set<string>();
  for (const match of bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const after = bare.slice(match.index + match[0].length).trimStart();
    if (after.startsWith('(') || KEYWORDS.has(match[0].toLowerCase())) continue; // a function or an operator
    names.add(match[0]);
  }
  return [...names];
}

/** Every series name the daemon's registry exports: built as the daemon builds it, defaults included. */
async function exportedNames(): Promise<Set<string>> {
  const logger = createLogger({ level: 'silent', pretty: false }, new Writable({ write: (_c, _e, done) => done() }));
  const metrics = createMetrics({ queues: [], logger });
  const names = new Set<string>();
  for (const { name, type } of await metrics.registry.getMetricsAsJSON()) {
    // Typed as prom-client's MetricType; its value at run time is the Prometheus type word.
    const kind = String(type);
    names.add(name);
    if (kind === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
    if (kind === 'summary') for (const suffix of ['_sum', '_count']) names.add(`${name}${suffix}`);
  }
  return names;
}

interface RuleFile { groups: { name: string; rules: { alert?: string; record?: string; expr: string }[] }[] }
const rules = () => (parse(readFileSync(RULES, 'utf8')) as RuleFile).groups.flatMap((g) => g.rules);

/** Every PromQL expression of the dashboard: panel targets, and the metric of a label_values() variable. */
function dashboardExprs(): string[] {
  const exprs: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'expr' && typeof value === 'string') exprs.push(value);
        else if (key === 'definition' && typeof value === 'string') {
          const metric = /^label_values\(\s*([^,)]+)/.exec(value)?.[1];
          if (metric) exprs.push(metric);
        } else walk(value);
      }
    }
  };
  walk(JSON.parse(readFileSync(DASHBOARD, 'utf8')));
  return exprs;
}

describe('metricNames (the checker below relies on it)', () => {
  it('finds the metrics and nothing else', () => {
    expect(metricNames('sum by (queue) (rate(worker_jobs_total{outcome="failed", queue=~"a|b"}[30m])) / 2e3 > bool 0.1').sort()).toEqual(['worker_jobs_total']);
    expect(metricNames('histogram_quantile(0.95, sum by (le) (rate(x_bucket{job=~"$job"}[$__rate_interval]))) and on() hour() >= 7 or absent(y)').sort()).toEqual(['x_bucket', 'y']);
    expect(metricNames('queue:backlog:max > 100 unless z offset 5m').sort()).toEqual(['queue:backlog:max', 'z']);
  });
});

describe('deploy/prometheus/alerts.yml', () => {
  it('passes promtool check rules', () => {
    const { status, output } = promtool('check', 'rules', RULES);
    expect({ status, output }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('passes its unit tests (promtool test rules alerts.test.yml)', () => {
    const { status, output } = promtool('test', 'rules', RULE_TESTS);
    expect({ status, output }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('has an alert for each thing ops asked for, and a unit test of each', () => {
    const alerts = rules().flatMap((r) => (r.alert ? [r.alert] : []));
    expect(alerts.sort()).toEqual([
      'PicsWorkerBacklogGrowing', 'PicsWorkerConnectionTestFailing', 'PicsWorkerDailySyncNotFinished',
      'PicsWorkerDependencyDown', 'PicsWorkerJobFailureRatioHigh', 'PicsWorkerOneFileRateLimited',
    ]);
    const tests = parse(readFileSync(RULE_TESTS, 'utf8')) as { tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[] };
    const firing = new Set(tests.tests.flatMap((t) => (t.alert_rule_test ?? []).filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname)));
    for (const alert of alerts) expect({ alert, testedFiring: firing.has(alert) }).toEqual({ alert, testedFiring: true });
  });

  it('reads only metrics the daemon exports (or series the file records itself)', async () => {
    const exported = await exportedNames();
    const recorded = new Set(rules().flatMap((r) => (r.record ? [r.record] : [])));
    const unknown = rules().flatMap((r) => metricNames(r.expr).filter((n) => !exported.has(n) && !recorded.has(n)).map((n) => `${r.alert ?? r.record}: ${n}`));
    expect(unknown).toEqual([]);
    expect(rules().every((r) => metricNames(r.expr).length > 0)).toBe(true);
  });
});

describe('deploy/grafana/pics-onefile-worker.json', () => {
  it('queries only metrics the daemon exports', async () => {
    const exported = await exportedNames();
    const exprs = dashboardExprs();
    expect(exprs.length).toBeGreaterThan(10);
    const unknown = exprs.flatMap((e) => metricNames(e).filter((n) => !exported.has(n)).map((n) => `${n} in ${e}`));
    expect(unknown).toEqual([]);
  });
});
