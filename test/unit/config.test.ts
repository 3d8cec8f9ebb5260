import { describe, expect, it } from '@jest/globals';
import { describeConfig, loadConfig, schemaDocumentation } from '../../src/config/load.js';
import { load, problemsOf } from '../helpers/config.js';


describe('configuration', () => {
  it('loads defaults plus config/test.json into one frozen object', () => {
    const config = load({});
    expect(config.env).toBe('test');
    expect(config.onefile.callsPerMinute).toBe(300);
    expect(config.onefile.headroom).toBe(0.95);
    expect(config.http.port).toBe(0); // from config/test.json
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.onefile)).toBe(true);
    expect(() => {
      (config.onefile as { headroom: number }).headroom = 2;
    }).toThrow(TypeError);
  });

  it('reads environment variables with coercion', () => {
    const config = load({ ONEFILE_CALLS_PER_MINUTE: '120', DASHBOARD_READ_ONLY: 'false', HTTP_PORT: '9000' });
    expect(config.onefile.callsPerMinute).toBe(120);
    expect(config.dashboard.readOnly).toBe(false);
    expect(config.http.port).toBe(9000);
  });

  it.each([
    ['ONEFILE_HEADROOM', '1.5', 'onefile.headroom'],
    ['ONEFILE_HEADROOM', '0', 'onefile.headroom'],
    ['ONEFILE_CALLS_PER_MINUTE', '-3', 'onefile.callsPerMinute'],
    ['HTTP_PORT', '70000', 'http.port'],
    ['REDIS_URL', 'http://localhost:6379', 'redis.url'],
    ['DATABASE_URL', 'not a url', 'postgres.url'],
    ['LOG_LEVEL', 'loud', 'log.level'],
    ['REDIS_PREFIX', 'has:colon', 'redis.prefix'],
    ['ONEFILE_BASE_URL', 'ftp://x', 'onefile.baseUrlOverride'],
    ['DAILY_SYNC_CRON', 'tomorrow', 'schedule.dailySyncCron'],
    ['SYNC_ENDED_LEARNER_WINDOW_DAYS', '-1', 'sync.endedLearnerWindowDays'],
    ['PROBE_MAX_CALLS', '0', 'probe.maxCalls'],
    ['RETENTION_AUDIT_DAYS', '0', 'retention.auditDays'],
    ['RETENTION_SYNC_LEARNER_DAYS', '2.5', 'retention.syncLearnerDays'],
    ['RETENTION_JOB_OUTCOME_DAYS', '-7', 'retention.jobOutcomeDays'],
    ['RETENTION_RUN_DAYS', 'forever', 'retention.runDays'],
    ['RETENTION_STALE_RUNNING_HOURS', '0', 'retention.staleRunningHours'],
    ['RETENTION_CRON', 'nightly', 'schedule.retentionCron'],
  ])('rejects %s=%s naming %s', (name, value, key) => {
    const problems = problemsOf({ [name]: value });
    expect(problems.some((p) => p.startsWith(key))).toBe(true);
  });

  it('documents the retention defaults: a year of audit lines, 90 days of learner rows and job outcomes, 400 days of runs', () => {
    const config = load({});
    expect(config.retention).toEqual({ auditDays: 365, syncLearnerDays: 90, jobOutcomeDays: 90, runDays: 400, staleRunningHours: 48 });
    expect(config.schedule.retentionCron).toBe('30 4 * * *');
  });

  it('names every bad key at once', () => {
    const problems = problemsOf({ ONEFILE_HEADROOM: '7', LOG_LEVEL: 'loud', HTTP_PORT: '-1' });
    expect(problems.join('\n')).toMatch(/onefile\.headroom/);
    expect(problems.join('\n')).toMatch(/log\.level/);
    expect(problems.join('\n')).toMatch(/http\.port/);
  });

  it('never echoes a secret in an error', () => {
    const problems = problemsOf({ DATABASE_URL: 'mysql://admin:hunter2secret@db/x' });
    expect(problems.join('\n')).not.toContain('hunter2secret');
  });

  it('rejects unknown keys in a config file (strict)', () => {
    expect(() => loadConfig({ env: { NODE_ENV: 'test' }, overrides: { onefile: { callsPerMinit: 3 } } })).toThrow(
      /callsPerMinit/,
    );
  });

  it('refuses production with a secret missing or left at a development default', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems.join('\n')).toMatch(/dashboard\.password/);
    expect(problems.join('\n')).toMatch(/postgres\.url/);
    expect(problems.join('\n')).toMatch(/redis\.url/);
    const ok = loadConfig({
      env: {
        NODE_ENV: 'production',
        DASHBOARD_PASSWORD: 'a-long-enough-secret',
        DATABASE_URL: 'postgres://w:pw@db:5432/pics',
        REDIS_URL: 'redis://:pw@redis:6379',
      },
    });
    expect(ok.env).toBe('production');
  });

  describe('safe production defaults', () => {
    const production = { NODE_ENV: 'production', DASHBOARD_PASSWORD: 'a-long-enough-secret', DATABASE_URL: 'postgres://w:pw@db:5432/pics', REDIS_URL: 'redis://:pw@redis:6379' };

    it('binds loopback unless http.host is set (the image sets 0.0.0.0 itself)', () => {
      expect(loadConfig({ env: production }).http.host).toBe('127.0.0.1');
      expect(loadConfig({ env: { ...production, HTTP_HOST: '0.0.0.0' } }).http.host).toBe('0.0.0.0');
    });

    it('refuses an http:// OneFile base URL in production unless explicitly allowed (a local simulator)', () => {
      const problems = problemsOf({ ...production, ONEFILE_BASE_URL: 'http://onefile.example/api/v2.1' });
      expect(problems).toEqual([expect.stringMatching(/^onefile\.baseUrlOverride: must be https:\/\//)]);
      expect(problemsOf({ ...production, ONEFILE_BASE_URL: 'HTTP://onefile.example/api' })).toHaveLength(1);
      expect(loadConfig({ env: { ...production, ONEFILE_BASE_URL: 'https://onefile.example/api/v2.1' } }).onefile.baseUrlOverride).toBe('https://onefile.example/api/v2.1');
      expect(loadConfig({ env: { ...production, ONEFILE_BASE_URL: 'http://simulator:8099/api/v2.1', ONEFILE_ALLOW_HTTP_BASE_URL: 'true' } }).onefile.allowHttpBaseUrl).toBe(true);
      // Development keeps the simulator's http:// URL (config/development.json).
      expect(loadConfig({ env: { NODE_ENV: 'development' } }).onefile.baseUrlOverride).toMatch(/^http:\/\//);
    });

    it('refuses the development dashboard password in production', () => {
      const devPassword = loadConfig({ env: { NODE_ENV: 'development' } }).dashboard.password;
      expect(devPassword.length).toBeGreaterThanOrEqual(12); // long enough: only the explicit check catches it
      expect(problemsOf({ ...production, DASHBOARD_PASSWORD: devPassword })).toEqual([expect.stringMatching(/^dashboard\.password: is the development default/)]);
    });

    it('limits failed dashboard logins by default', () => {
      expect(loadConfig({ env: production }).dashboard).toMatchObject({ maxFailedLogins: 10, failedLoginWindowMs: 900_000 });
    });
  });

  it('masks secrets when printed and documents every key', () => {
    const text = describeConfig({ env: { NODE_ENV: 'test', DASHBOARD_PASSWORD: 'sekret-value-123', DATABASE_URL: 'postgres://u:pw123@h/db' } });
    expect(text).not.toContain('sekret-value-123');
    expect(text).not.toContain('pw123');
    expect(text).toContain('[Sensitive]');
    const doc = schemaDocumentation();
    expect(doc).toContain('callsPerMinute');
    expect(doc).toContain('headroom');
  });
});
