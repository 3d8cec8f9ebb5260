
const oneOfUrls = (protocols: string[]) => (value: unknown) => {
  if (typeof value !== 'string') throw new Error('must be a URL string');
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    // The value may carry a password: never echo it.
    throw new Error(`must be a valid ${protocols.join(' or ')} URL`);
  }
  if (!protocols.includes(parsed.protocol.replace(/:$/, ''))) {
    throw new Error(`must use ${protocols.map((p) => `${p}://`).join(' or ')}`);
  }
};

const ratio = (min: number, max: number) => (value: unknown) => {
  if (typeof value !== 'number' || Number.isNaN(value) || value <= min || value > max) {
    throw new Error(`must be a number greater than ${min} and at most ${max}`);
  }
};

const positiveInt = (value: unknown) => {
  if (!Number.isInteger(value) || (value as number) < 1) throw new Error('must be a whole number of at least 1');
};

const cronPattern = (value: unknown) => {
  if (typeof value !== 'string' || value.trim().split(/\s+/).length < 5) {
    throw new Error('must be a cron pattern of 5 or 6 fields');
  }
};

export const REDIS_TOPOLOGIES = ['standalone', 'sentinel', 'cluster'] as const;
export type RedisTopology = (typeof REDIS_TOPOLOGIES)[number];

export interface HostPort {
  host: string;
  port: number;
}

/**
 * A comma-separated list of host:port (an IPv6 host in brackets, [::1]:26379), blanks dropped. Throws naming
 * the entry and the rule it broke.
 */
export function parseHostPorts(value: string): HostPort[] {
  return value.split(',').map((entry) => entry.trim()).filter(Boolean).map((entry, i) => {
    const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/.exec(entry);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65_535) throw new Error(`entry ${i + 1} ("${entry}") must be host:port with a port of 1–65535`);
    return { host: match[1]!.replace(/^\[(.*)\]$/, '$1'), port };
  });
}

const hostPortList = (value: unknown) => {
  if (typeof value !== 'string') throw new Error('must be a comma-separated list of host:port');
  parseHostPorts(value);
};

/**
 * Why transaction (and statement) pooling is refused, for the config error and the start-up probe: the
 * worker holds session-level state that such a pooler hands to other clients between two statements.
 */
export const POOLING_REFUSED = 'transaction and statement pooling are refused: the worker holds session-level advisory locks across statements '
  + '(one find-or-create, one links refresh, the schedule registration), and cancels a lock wait by its backend pid; a pooler that moves a client '
  + 'to another server connection between transactions would let two jobs hold one lock and cancel another client\'s query. Use pool_mode=session '
  + '(postgres.pooler=session) or connect directly';

/** Shortest API key accepted: 32 characters, e.g. `openssl rand -hex 16` (shorter ones are guessable). */
export const MIN_API_KEY_LENGTH = 32;

/** The configured API keys: comma-separated, blanks dropped (several at once, so a key can be rotated). */
export function parseApiKeys(value: string): string[] {
  return [...new Set(value.split(',').map((k) => k.trim()).filter(Boolean))];
}

const apiKeyList = (value: unknown) => {
  if (typeof value !== 'string') throw new Error('must be a comma-separated list of keys');
  // Positions only, never the key itself: the message reaches the log and the terminal.
  parseApiKeys(value).forEach((key, i) => {
    if (key.length < MIN_API_KEY_LENGTH) throw new Error(`key ${i + 1} is ${key.length} characters; every API key must be at least ${MIN_API_KEY_LENGTH}`);
    if (/\s/.test(key)) throw new Error(`key ${i + 1} contains white space; API keys are sent in an HTTP header`);
  });
};

/**
 * Infrastructure only. Integration behaviour (S1–S11) lives in pics.onefile_settings and is read at job time,
 * so users can change it without a restart.
 */
export const configSchema = {
  env: {
    doc: 'Runtime mode. production refuses to start with a secret left at its development default.',
    format: ['production', 'development', 'test'],
    default: 'development',
    env: 'NODE_ENV',
  },
  redis: {
    topology: {
      doc: 'How Redis is reached: standalone (one server, redis.url), sentinel (a primary and replicas watched by Redis Sentinel, redis.sentinels + redis.sentinelMasterName) or cluster (Redis Cluster, redis.clusterNodes). docs/operations.md "Redis topologies".',
      format: [...REDIS_TOPOLOGIES],
      default: 'standalone',
      env: 'REDIS_TOPOLOGY',
    },
    url: {
      doc: 'The Redis server of the standalone topology (redis:// or rediss://; a password may sit in it). Not read for sentinel and cluster.',
      format: oneOfUrls(['redis', 'rediss']),
      default: 'redis://127.0.0.1:6379',
      env: 'REDIS_URL',
      sensitive: true,
    },
    prefix: {
      doc: 'Prefix of every Redis key this deployment writes (BullMQ queues, budget, session). On a cluster it is wrapped in braces ({prefix}) so every key of the deployment hashes to one slot.',
      format: (value: unknown) => {
        if (typeof value !== 'string' || !/^[A-Za-z0-9_-]{1,40}$/.test(value)) {
          throw new Error('must be 1–40 letters, digits, "-" or "_"');
        }
      },
      default: 'pow',
      env: 'REDIS_PREFIX',
    },
    sentinels: {
      doc: 'Sentinel topology: the Sentinel processes to ask where the primary is, comma-separated host:port (three or more, on separate hosts, so a majority survives losing one).',
      format: hostPortList, default: '', env: 'REDIS_SENTINELS',
    },
    sentinelMasterName: {
      doc: 'Sentinel topology: the name the Sentinels monitor the primary under (their `sentinel monitor <name> …` line).',
      format: (value: unknown) => {
        if (typeof value !== 'string' || !/^[A-Za-z0-9._-]{0,100}$/.test(value)) throw new Error('must be letters, digits, ".", "-" or "_"');
      },
      default: '', env: 'REDIS_SENTINEL_MASTER_NAME',
    },
    sentinelUsername: {
      doc: 'Sentinel topology: the ACL user the Sentinels themselves ask for (empty: none, or the default user with redis.sentinelPassword).',
      format: String, default: '', env: 'REDIS_SENTINEL_USERNAME',
    },
    sentinelPassword: {
      doc: 'Sentinel topology: the password of the Sentinels themselves (their requirepass); empty when they ask none.',
      format: String, default: '', env: 'REDIS_SENTINEL_PASSWORD', sensitive: true,
    },
    clusterNodes: {
      doc: 'Cluster topology: some of the cluster\'s nodes, comma-separated host:port; the client learns the rest (and which node holds which slot) from them.',
      format: hostPortList, default: '', env: 'REDIS_CLUSTER_NODES',
    },
    username: {
      doc: 'Sentinel and cluster topologies: the ACL user of the Redis servers (the primary and replicas, or the cluster nodes). Standalone takes it in redis.url.',
      format: String, default: '', env: 'REDIS_USERNAME',
    },
    password: {
      doc: 'Sentinel and cluster topologies: the password of the Redis servers (their requirepass, the same on every node). Standalone takes it in redis.url.',
      format: String, default: '', env: 'REDIS_PASSWORD', sensitive: true,
    },
  },
  postgres: {
    url: {
      doc: 'PostgreSQL holding the PICS schema and the worker schema.',
      format: oneOfUrls(['postgres', 'postgresql']),
      default: 'postgres://postgres@127.0.0.1:5432/pics_worker',
      env: 'DATABASE_URL',
      sensitive: true,
    },
    poolSize: {
      doc: 'Connections in the Postgres pool of one process: at least the concurrent jobs it runs (enrol + links + daily sync), or some wait for one (the daemon warns at start).',
      format: positiveInt,
      default: 12,
      env: 'DATABASE_POOL_SIZE',
    },
    pooler: {
      doc: 'What stands between the worker and Postgres: none (a direct connection, or a plain TCP proxy) or session (a pooler such as PgBouncer with pool_mode=session: one server connection per client connection). Checked at start; transaction and statement pooling are refused (docs/operations.md "PgBouncer").',
      format: (value: unknown) => {
        if (value === 'transaction' || value === 'statement') throw new Error(POOLING_REFUSED);
        if (value !== 'none' && value !== 'session') throw new Error('must be none or session');
      },
      default: 'none',
      env: 'DATABASE_POOLER',
    },
  },
  http: {
    host: {
      doc: 'Address the health/metrics/dashboard server binds to: loopback unless set (the container image sets 0.0.0.0 itself).',
      format: String, default: '127.0.0.1', env: 'HTTP_HOST',
    },
    port: { doc: 'Port of the health/metrics/dashboard server (0 = any free port).', format: 'port', default: 8080, env: 'HTTP_PORT' },
  },
  log: {
    level: {
      doc: 'pino log level.',
      format: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      default: 'info',
      env: 'LOG_LEVEL',
    },
    pretty: { doc: 'Human-readable logs (development only; production logs are JSON).', format: Boolean, default: false, env: 'LOG_PRETTY' },
  },
  workers: {
    enrolConcurrency: {
      doc: 'Concurrent enrol-learner jobs per process: Create in OneFile clicks only, so a click never waits for a cohort\'s enrols to free a worker.',
      format: positiveInt, default: 2, env: 'ENROL_CONCURRENCY',
    },
    enrolBatchConcurrency: {
      doc: 'Concurrent enrol-batch jobs (a cohort\'s enrols) per process.', format: positiveInt, default: 2, env: 'ENROL_BATCH_CONCURRENCY',
    },
    refreshLinksConcurrency: {
      doc: 'Concurrent refresh-qualification-links jobs per process.', format: positiveInt, default: 1, env: 'REFRESH_LINKS_CONCURRENCY',
    },
    dailySyncConcurrency: {
      doc: 'Concurrent daily-sync-per-learner jobs per process.', format: positiveInt, default: 8, env: 'DAILY_SYNC_CONCURRENCY',
    },
    clickPollMs: {
      doc: 'How often each process looks for a Refresh with OneFile waiting for a worker that daily children hold; it then starts one worker for that click alone (0 = never: the click waits for a child to finish).',
      format: 'nat', default: 100, env: 'WORKER_CLICK_POLL_MS',
    },
    lockDurationMs: {
      doc: "How long a running job's lock lasts between renewals (BullMQ lockDuration); a process that dies leaves its jobs locked this long.",
      format: positiveInt, default: 30_000, env: 'WORKER_LOCK_DURATION_MS',
    },
    stalledIntervalMs: {
      doc: 'How often each process looks for jobs whose lock expired (a crashed process) and puts them back in the queue (BullMQ stalledInterval).',
      format: positiveInt, default: 30_000, env: 'WORKER_STALLED_INTERVAL_MS',
    },
    learnerLeaseMs: {
      doc: "How long one job's hold on a learner lasts between renewals (renewed every third of it); a process that dies leaves its learners held this long.",
      format: positiveInt, default: 30_000, env: 'WORKER_LEARNER_LEASE_MS',
    },
    learnerWaitMs: {
      doc: 'How long a job waits for a learner another job is working on before it steps aside (delayed, not failed) and tries again later.',
      format: positiveInt, default: 10_000, env: 'WORKER_LEARNER_WAIT_MS',
    },
    maxStalledCount: {
      doc: 'A job whose process stops under it (killed, crashed) more than this many times fails, with that reason recorded, instead of running again.',
      format: 'nat', default: 1, env: 'WORKER_MAX_STALLED_COUNT',
    },
    retryBackoffMs: {
      doc: 'Delay before the first retry of a failed job; it doubles with each attempt (half of it random), up to 10 minutes.',
      format: positiveInt, default: 5_000, env: 'RETRY_BACKOFF_MS',
    },
  },
  onefile: {
    callsPerMinute: {
      doc: "OneFile's published API limit per customer (calls per minute).", format: positiveInt, default: 300, env: 'ONEFILE_CALLS_PER_MINUTE',
    },
    headroom: {
      doc: 'Share of the limit the shared budget spends (0–1]; the rest absorbs clock and window differences.',
      format: ratio(0, 1), default: 0.95, env: 'ONEFILE_HEADROOM',
    },
    burst: { doc: 'Calls the budget lets through back to back before pacing.', format: positiveInt, default: 3, env: 'ONEFILE_BURST' },
    maxWaitMs: {
      doc: 'Longest a job waits for a budget slot while holding a worker slot; longer waits delay the job instead.',
      format: 'nat', default: 30_000, env: 'ONEFILE_MAX_WAIT_MS',
    },
    bulkMaxWaitMs: {
      doc: 'The same bound for batch work (daily children, cohort enrols), which waits in the budget\'s batch line behind every click: long enough for that line (about 0.2 s per batch job running, in every process), or batch jobs keep stepping aside and starting again.',
      format: 'nat', default: 30_000, env: 'ONEFILE_BULK_MAX_WAIT_MS',
    },
    batchHorizonSlots: {
      doc: 'How many budget slots ahead batch work may reserve: a click\'s OneFile call finds at most this many batch calls before it (each slot is 60 s ÷ (calls per minute × headroom), 0.21 s at 300 a minute). Fewer answers clicks sooner; too few leaves slots unused while batch callers take turns (bench/interactive).',
      format: ratio(0, 100), default: 1, env: 'ONEFILE_BATCH_HORIZON_SLOTS',
    },
    penaltyMs: {
      doc: 'How far a 429 without Retry-After pushes every process back.', format: 'nat', default: 60_000, env: 'ONEFILE_PENALTY_MS',
    },
    timeoutMs: { doc: 'Timeout of one OneFile HTTP request.', format: positiveInt, default: 30_000, env: 'ONEFILE_TIMEOUT_MS' },
    maxResponseBytes: {
      doc: 'Largest OneFile response body read (bytes); a larger answer is cut off and fails the job as a bad response instead of filling memory.',
      format: positiveInt, default: 16 * 1024 * 1024, env: 'ONEFILE_MAX_RESPONSE_BYTES',
    },
    baseUrlOverride: {
      doc: 'Replaces the environment URL of S3 (e.g. the simulator: http://127.0.0.1:8099/api/v2.1). Empty = use S3.',
      format: (value: unknown) => {
        if (value !== '' && value !== null) oneOfUrls(['http', 'https'])(value);
      },
      default: '',
      env: 'ONEFILE_BASE_URL',
    },
    allowHttpBaseUrl: {
      doc: 'Lets production use an http:// onefile.baseUrlOverride (the customer token would cross the network in clear): for the simulator of the compose stack only.',
      format: Boolean, default: false, env: 'ONEFILE_ALLOW_HTTP_BASE_URL',
    },
  },
  shutdown: {
    graceMs: {
      doc: 'On SIGTERM/SIGINT, how long running jobs may finish before they are cancelled.', format: 'nat', default: 20_000, env: 'SHUTDOWN_GRACE_MS',
    },
  },
  links: {
    maxAgeHours: {
      doc: 'Oldest qualification links (Q1) an enrol may use: when the last completed Refresh Qualification Links of its organisation is older, or none has run, the enrol refreshes them first (or waits for a running refresh), so no qualification is left out for want of a link. Start-up queues a refresh past the same age.',
      format: positiveInt, default: 24, env: 'LINKS_MAX_AGE_HOURS',
    },
  },
  sync: {
    endedLearnerWindowDays: {
      doc: 'How many days after their actual end date a learner stays in the daily sync (live learners in learning always are). Certificate applied and received dates (D3, D4) arrive months after the end, so the default covers a year; Refresh with OneFile syncs any enrolled learner whatever this says.',
      format: 'nat', default: 365, env: 'SYNC_ENDED_LEARNER_WINDOW_DAYS',
    },
  },
  probe: {
    maxCalls: {
      doc: 'Most OneFile calls one contract probe (`pics-worker probe`) may make, logins included; it stops reading when the next step would pass it, and says so in its report.',
      format: positiveInt, default: 60, env: 'PROBE_MAX_CALLS',
    },
  },
  schedule: {
    dailySyncCron: {
      doc: 'When the daily sync runs (Europe/London); times inside OneFile\'s 07:00–07:30 release window are refused.',
      format: cronPattern, default: '0 2 * * *', env: 'DAILY_SYNC_CRON',
    },
    retentionCron: {
      doc: 'When the prune-retention job deletes rows past their retention.* period (Europe/London): a quiet hour, after the daily sync.',
      format: cronPattern, default: '30 4 * * *', env: 'RETENTION_CRON',
    },
  },
  retention: {
    auditDays: {
      doc: 'Days an audit line (eportfolio_sync.audit: every field a job changed, with its old and new values, which can be personal data) is kept; older lines are deleted by the daily prune-retention job.',
      format: positiveInt, default: 365, env: 'RETENTION_AUDIT_DAYS',
    },
    syncLearnerDays: {
      doc: "Days a daily sync's per-learner row (eportfolio_sync.sync_learner: status, counts, error) is kept after it finished.",
      format: positiveInt, default: 90, env: 'RETENTION_SYNC_LEARNER_DAYS',
    },
    jobOutcomeDays: {
      doc: "Days a job's recorded outcome (eportfolio_sync.job_outcome) is kept.",
      format: positiveInt, default: 90, env: 'RETENTION_JOB_OUTCOME_DAYS',
    },
    runDays: {
      doc: 'Days a finished sync run (eportfolio_sync.sync_run: counts only, no personal data) is kept after it started; deleting a run deletes its remaining per-learner rows too.',
      format: positiveInt, default: 400, env: 'RETENTION_RUN_DAYS',
    },
    staleRunningHours: {
      doc: "A sync run still 'running' this many hours after it started, whose job is no longer live in its queue, is closed as failed (left running by a crash or a stopped integration).",
      format: positiveInt, default: 48, env: 'RETENTION_STALE_RUNNING_HOURS',
    },
  },
  api: {
    keys: {
      doc: `Keys PICSWeb sends as "Authorization: Bearer <key>" to the HTTP API under /api/v1 (docs/api.md): comma-separated, each at least ${MIN_API_KEY_LENGTH} characters; several at once so a key can be rotated (add the new one, move PICSWeb over, remove the old one). Empty disables the API (health, readiness, metrics and the dashboard stay).`,
      format: apiKeyList, default: '', env: 'API_KEYS', sensitive: true,
    },
    maxFailedAuth: {
      doc: 'Requests without a valid API key one client address may make per api.failedAuthWindowMs; after that it gets 429 until the window ends (each refusal is logged, without the key).',
      format: positiveInt, default: 20, env: 'API_MAX_FAILED_AUTH',
    },
    failedAuthWindowMs: {
      doc: 'The window of api.maxFailedAuth.', format: positiveInt, default: 60_000, env: 'API_FAILED_AUTH_WINDOW_MS',
    },
    bodyLimitBytes: {
      doc: 'Largest request body the API accepts (bytes); a larger one gets 413 before it is parsed.', format: positiveInt, default: 16_384, env: 'API_BODY_LIMIT_BYTES',
    },
  },
  dashboard: {
    username: { doc: 'Dashboard user name.', format: String, default: 'ops', env: 'DASHBOARD_USERNAME' },
    password: {
      doc: 'Dashboard password. Empty disables the dashboard; production requires it.',
      format: String, default: '', env: 'DASHBOARD_PASSWORD', sensitive: true,
    },
    readOnly: { doc: 'Dashboard refuses writes (retry, remove, clean) with 405.', format: Boolean, default: true, env: 'DASHBOARD_READ_ONLY' },
    maxFailedLogins: {
      doc: 'Failed dashboard logins one client address may make per window; after that it gets 429 (each failure is logged).',
      format: positiveInt, default: 10, env: 'DASHBOARD_MAX_FAILED_LOGINS',
    },
    failedLoginWindowMs: {
      doc: 'The window of dashboard.maxFailedLogins: counted from the first failure, after which the address starts afresh.',
      format: positiveInt, default: 900_000, env: 'DASHBOARD_FAILED_LOGIN_WINDOW_MS',
    },
  },
} as const;
