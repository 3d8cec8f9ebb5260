import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import convict from 'convict';
import { projectRoot } from '../util/project-root.js';
import { configSchema, parseHostPorts, type RedisTopology } from './schema.js';

export interface Config {
  env: 'production' | 'development' | 'test';
  redis: {
    topology: RedisTopology; url: string; prefix: string;
    sentinels: string; sentinelMasterName: string; sentinelUsername: string; sentinelPassword: string;
    clusterNodes: string; username: string; password: string;
  };
  postgres: { url: string; poolSize: number; pooler: 'none' | 'session' };
  http: { host: string; port: number };
  log: { level: string; pretty: boolean };
  workers: {
    enrolConcurrency: number; enrolBatchConcurrency: number; refreshLinksConcurrency: number; clickPollMs: number; dailySyncConcurrency: number;
    lockDurationMs: number; stalledIntervalMs: number; learnerLeaseMs: number; learnerWaitMs: number; maxStalledCount: number; retryBackoffMs: number;
  };
  onefile: {
    callsPerMinute: number; headroom: number; burst: number; maxWaitMs: number; bulkMaxWaitMs: number; batchHorizonSlots: number; penaltyMs: number;
    timeoutMs: number; maxResponseBytes: number; baseUrlOverride: string; allowHttpBaseUrl: boolean;
  };
  shutdown: { graceMs: number };
  links: { maxAgeHours: number };
  sync: { endedLearnerWindowDays: number };
  probe: { maxCalls: number };
  schedule: { dailySyncCron: string; retentionCron: string };
  retention: { auditDays: number; syncLearnerDays: number; jobOutcomeDays: number; runDays: number; staleRunningHours: number };
  api: { keys: string; maxFailedAuth: number; failedAuthWindowMs: number; bodyLimitBytes: number };
  dashboard: { username: string; password: string; readOnly: boolean; maxFailedLogins: number; failedLoginWindowMs: number };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

export const configDir = path.join(projectRoot(), 'config');

export interface LoadConfigOptions {
  /** Environment to read (defaults to process.env); tests pass their own instead of mutating process.env. */
  env?: NodeJS.ProcessEnv;
  /** Extra JSON files, loaded after config/<env>.json. */
  files?: string[];
  /** Values that win over everything (tests). */
  overrides?: Record<string, unknown>;
}

function buildConfig(options: LoadConfigOptions) {
  const env = options.env ?? process.env;
  const config = convict(configSchema, { env, args: [] });
  const envFile = path.join(configDir, `${config.get('env')}.json`);
  const files = [envFile, ...(env.CONFIG_FILE ? [env.CONFIG_FILE] : []), ...(options.files ?? [])];
  for (const file of files) {
    if (file === envFile && !existsSync(file)) continue;
    if (!existsSync(file)) throw new ConfigError([`config file ${file} does not exist`]);
    config.loadFile(file);
  }
  // convict keeps env vars above anything loaded, so an operator's env var always wins over files and overrides.
  if (options.overrides) config.load(options.overrides);
  return config;
}

/** The dashboard password config/development.json ships with: public, so never a production one. */
function developmentDashboardPassword(): string | undefined {
  const file = path.join(configDir, 'development.json');
  if (!existsSync(file)) return undefined;
  const value = (JSON.parse(readFileSync(file, 'utf8')) as { dashboard?: { password?: unknown } }).dashboard?.password;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function productionProblems(c: Config): string[] {
  const problems: string[] = [];
  if (c.dashboard.password === '') problems.push('dashboard.password: required in production (DASHBOARD_PASSWORD)');
  else if (c.dashboard.password.length < 12) problems.push('dashboard.password: must be at least 12 characters in production');
  else if (c.dashboard.password === developmentDashboardPassword()) {
    problems.push('dashboard.password: is the development default (config/development.json): choose another for production');
  }
  if (/^http:/i.test(c.onefile.baseUrlOverride) && !c.onefile.allowHttpBaseUrl) {
    problems.push('onefile.baseUrlOverride: must be https:// in production, or the customer token crosses the network in clear (ONEFILE_ALLOW_HTTP_BASE_URL=true for a local simulator only)');
  }
  if (c.postgres.url === configSchema.postgres.url.default) {
    problems.push('postgres.url: must be set explicitly in production (DATABASE_URL)');
  }
  if (c.redis.topology === 'standalone' && c.redis.url === configSchema.redis.url.default) {
    problems.push('redis.url: must be set explicitly in production (REDIS_URL)');
  }
  if (c.log.pretty) problems.push('log.pretty: production logs must be JSON');
  return problems;
}

/** The Redis keys that only make sense together, in every mode: each topology names its own servers and no other's. */
function redisProblems({ redis: r }: Config): string[] {
  const problems: string[] = [];
  const sentinels = parseHostPorts(r.sentinels);
  const nodes = parseHostPorts(r.clusterNodes);
  if (r.topology === 'sentinel') {
    if (sentinels.length === 0) problems.push('redis.sentinels: required when redis.topology is sentinel (REDIS_SENTINELS=host:port,host:port,…)');
    if (r.sentinelMasterName === '') problems.push('redis.sentinelMasterName: required when redis.topology is sentinel (the name in the Sentinels\' `sentinel monitor` line)');
  } else if (sentinels.length > 0 || r.sentinelMasterName !== '' || r.sentinelPassword !== '' || r.sentinelUsername !== '') {
    problems.push(`redis.sentinels/sentinelMasterName/sentinelUsername/sentinelPassword: set, but redis.topology is ${r.topology}; set REDIS_TOPOLOGY=sentinel to use Sentinel`);
  }
  if (r.topology === 'cluster') {
    if (nodes.length === 0) problems.push('redis.clusterNodes: required when redis.topology is cluster (REDIS_CLUSTER_NODES=host:port,host:port,…)');
  } else if (nodes.length > 0) {
    problems.push(`redis.clusterNodes: set, but redis.topology is ${r.topology}; set REDIS_TOPOLOGY=cluster to use Redis Cluster`);
  }
  if (r.topology === 'standalone' && (r.username !== '' || r.password !== '')) {
    problems.push('redis.username/password: for the sentinel and cluster topologies; a standalone Redis takes its user and password in redis.url (redis://user:password@host:port)');
  }
  return problems;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** Validates strictly (unknown keys are errors) and reports every bad key at once. */
export function loadConfig(options: LoadConfigOptions = {}): Readonly<Config> {
  let config: ReturnType<typeof buildConfig>;
  try {
    config = buildConfig(options);
    config.validate({ allowed: 'strict' });
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const lines = String((error as Error).message).split('\n').map((line) => line.trim()).filter(Boolean);
    throw new ConfigError(lines);
  }
  const value = config.getProperties() as Config;
  const problems = [...redisProblems(value), ...(value.env === 'production' ? productionProblems(value) : [])];
  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(value);
}

/** The configuration as text with every secret masked, for `config print`. */
export function describeConfig(options: LoadConfigOptions = {}): string {
  return buildConfig(options).toString();
}

export function schemaDocumentation(): string {
  return convict(configSchema, { env: {}, args: [] }).getSchemaString();
}
