import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/load.js';
import { createDb } from '../../src/db/connect.js';
import { DEMO_CUSTOMER_TOKEN } from '../../src/demo/catalogue.js';
import { parseCliArgs } from '../../src/simulator/cli-args.js';
import { spawnDaemon } from '../helpers/daemon-process.js';
import { createTestDatabase } from '../helpers/database.js';
import { TEST_PG_ADMIN_URL, TEST_REDIS_URL, databaseUrl } from '../helpers/env.js';

/*
 * No Docker engine runs here, so the container files are checked the way CI can: the compose file parsed,
 * every service, image, command and health check as intended, and every path they run present in the
 * dist/ that `npm run build` produces (the image copies exactly that). The Dockerfile is read the same way.
 */

const root = path.resolve('.');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test?: string[]; disable?: boolean };
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  restart?: string;
}
const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const { services } = compose;

/** The shell words of a command (exec form, or `sh -c "…"`): every dist/… path and every `node dist/src/cli.js …` call. */
function commandLines(words: string[]): string[][] {
  if (words[0] === 'sh' && words[1] === '-c') return words[2]!.split('&&').map((part) => part.trim().split(/\s+/));
  if (words[0] === 'CMD-SHELL') return words[1]!.split('&&').map((part) => part.trim().split(/\s+/));
  if (words[0] === 'CMD') return [words.slice(1)];
  return [words];
}

/** `${NAME:?msg}` and `${NAME:-default}` as compose would resolve them, with `given` standing for the operator's env. */
function interpolate(value: string, given: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([?-])([^}]*))?\}/g, (_m, name: string, kind?: string, rest?: string) => {
    if (given[name] !== undefined) return given[name];
    if (kind === '-') return rest ?? '';
    throw new Error(`${name} must be set: ${rest ?? ''}`);
  });
}

const run = promisify(execFile);

describe('docker-compose.yml', () => {
  it('has the worker, Redis, PostgreSQL, the simulator and the one-shot demo seed', () => {
    expect(Object.keys(services).sort()).toEqual(['demo-seed', 'postgres', 'redis', 'simulator', 'worker']);
    expect(services.postgres!.image).toBe('postgres:15');
    expect(services.redis!.image).toMatch(/^redis:\d/);
    for (const name of ['worker', 'simulator', 'demo-seed']) {
      expect(services[name]).toMatchObject({ build: '.', image: 'pics-onefile-worker:local' });
    }
    expect(Object.keys(compose.volumes).sort()).toEqual(['postgres-data', 'redis-data']);
  });

  it('runs Redis with noeviction and AOF every second', () => {
    const command = services.redis!.command!.join(' ');
    expect(command).toMatch(/^redis-server /);
    expect(command).toContain('--maxmemory-policy noeviction');
    expect(command).toContain('--appendonly yes');
    expect(command).toContain('--appendfsync everysec');
  });

  it('checks the health of every long-running service; the worker starts after its dependencies are healthy and the seed is done', () => {
    expect(services.postgres!.healthcheck!.test).toEqual(['CMD-SHELL', 'pg_isready -U pics -d pics_worker']);
    expect(services.redis!.healthcheck!.test).toEqual(['CMD', 'redis-cli', 'ping']);
    expect(services.simulator!.healthcheck!.test!.join(' ')).toContain('http://127.0.0.1:8099/_admin/stats');
    expect(services.worker!.healthcheck!.test).toEqual(['CMD', 'node', 'dist/src/http/healthcheck.js']);
    expect(services['demo-seed']!.healthcheck).toEqual({ disable: true });
    expect(services['demo-seed']!.restart).toBe('no');
    expect(services.worker!.depends_on).toEqual({
      postgres: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
      simulator: { condition: 'service_healthy' },
      'demo-seed': { condition: 'service_completed_successfully' },
    });
    expect(services['demo-seed']!.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
  });

  it('runs the simulator and the seed with the commands the brief names', () => {
    expect(services.simulator!.command!.slice(0, 6)).toEqual(['node', 'dist/src/simulator/main.js', '--host', '0.0.0.0', '--port', '8099']);
    // The simulator's own parser accepts every flag (and the seed's token authenticates in "practice").
    expect(parseCliArgs(services.simulator!.command!.slice(2)).options).toMatchObject({ host: '0.0.0.0', port: 8099, seed: 'demo', environment: 'practice' });
    expect(services['demo-seed']!.command).toEqual(['sh', '-c', 'node dist/src/cli.js migrate --with-pics-dev --create-database && node dist/src/cli.js seed-demo']);
  });

  it('refers only to files `npm run build` produces (dist/ exists after the build)', () => {
    const referenced = new Set<string>();
    for (const service of Object.values(services)) {
      for (const words of [service.command, service.healthcheck?.test].filter((w): w is string[] => Array.isArray(w))) {
        for (const line of commandLines(words)) for (const word of line) if (word.startsWith('dist/')) referenced.add(word);
      }
    }
    expect([...referenced].sort()).toEqual(['dist/src/cli.js', 'dist/src/http/healthcheck.js', 'dist/src/simulator/main.js']);
    for (const file of referenced) expect({ file, exists: existsSync(path.join(root, file)) }).toEqual({ file, exists: true });
  });

  it("the seed's command runs as written: creates the database, migrates both schemas and seeds the demo provider", async () => {
    const command = services['demo-seed']!.command!;
    const name = `pics_worker_t${process.pid}_compose`;
    const env = {
      PATH: process.env.PATH ?? '', NODE_ENV: 'development', LOG_PRETTY: 'false', DATABASE_URL: databaseUrl(name),
      REDIS_URL: TEST_REDIS_URL, ONEFILE_BASE_URL: 'http://127.0.0.1:9/api/v2.1',
    };
    try {
      // `node` in the compose command is the image's Node: here, the one running the tests.
      const { stdout } = await run(command[0]!, [command[1]!, command[2]!.replace(/\bnode /g, `"${process.execPath}" `)], { cwd: root, env, timeout: 60_000 });
      expect(stdout).toMatch(/created the database\napplied: .*\nseeded \d+ learners/);
      const db = createDb({ url: databaseUrl(name), poolSize: 1 });
      try {
        const settings = await db.selectFrom('pics.onefile_settings').select('customer_token').executeTakeFirstOrThrow();
        expect(settings.customer_token).toBe(DEMO_CUSTOMER_TOKEN); // the simulator's demo seed accepts it
      } finally {
        await db.destroy();
      }
    } finally {
      const admin = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
      await admin.connect();
      await admin.query(`drop database if exists "${name}" with (force)`);
      await admin.end();
    }
  }, 90_000);

  it("gives the worker a configuration the production checks accept, with secrets only from the operator's environment", () => {
    const env = Object.fromEntries(Object.entries(services.worker!.environment!).map(([k, v]) => [k, interpolate(String(v), { DASHBOARD_PASSWORD: 'a-long-enough-password' })]));
    expect(() => interpolate(String(services.worker!.environment!.DASHBOARD_PASSWORD), {})).toThrow(/DASHBOARD_PASSWORD must be set/);
    const config = loadConfig({ env });
    expect(config).toMatchObject({
      env: 'production', http: { host: '0.0.0.0', port: 8080 }, dashboard: { username: 'ops', readOnly: true },
      onefile: { baseUrlOverride: 'http://simulator:8099/api/v2.1' }, redis: { url: 'redis://redis:6379' },
    });
    // The seed runs in development mode (seeding demo data is refused in production) against the same database.
    const seedEnv = Object.fromEntries(Object.entries(services['demo-seed']!.environment!).map(([k, v]) => [k, interpolate(String(v), {})]));
    expect(loadConfig({ env: seedEnv })).toMatchObject({ env: 'development', postgres: { url: config.postgres.url } });
    expect(services.worker!.ports).toEqual(['127.0.0.1:8080:8080']);
    // The simulator's plain http:// is allowed by name, and only that: without it production refuses the URL.
    const { ONEFILE_ALLOW_HTTP_BASE_URL: _allowed, ...strict } = env;
    expect(() => loadConfig({ env: strict })).toThrow(/onefile\.baseUrlOverride: must be https/);
  });
});

describe('Dockerfile', () => {
  const text = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
  // Instructions with their continuation lines joined; comments dropped.
  const instructions = text.replace(/\\\n\s*/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const stages = instructions.reduce<string[][]>((acc, line) => {
    if (/^FROM /i.test(line)) acc.push([line]);
    else acc.at(-1)?.push(line);
    return acc;
  }, []);
  const execForm = (line: string) => JSON.parse(line.slice(line.indexOf('['))) as string[];

  it('builds in one stage on node:24-slim and runs production dependencies only in another, as a non-root user', () => {
    expect(instructions).toContain('ARG NODE_IMAGE=node:24-slim');
    expect(stages.map((s) => s[0])).toEqual(['FROM ${NODE_IMAGE} AS build', 'FROM ${NODE_IMAGE} AS runtime']);
    const [build, runtime] = stages as [string[], string[]];
    expect(build).toEqual(expect.arrayContaining([expect.stringMatching(/^RUN npm ci\b(?!.*--omit)/), 'RUN npm run build']));
    expect(runtime).toEqual(expect.arrayContaining([expect.stringMatching(/^RUN npm ci --omit=dev\b/), 'USER node']));
    expect(runtime.findIndex((l) => l === 'USER node')).toBeLessThan(runtime.findIndex((l) => l.startsWith('CMD ')));
  });

  it('the image binds 0.0.0.0 itself (the daemon binds loopback unless told) and runs in production', () => {
    const runtime = stages[1]!;
    const env = runtime.filter((l) => l.startsWith('ENV ')).flatMap((l) => l.slice(4).trim().split(/\s+/));
    expect(env).toEqual(expect.arrayContaining(['NODE_ENV=production', 'HTTP_HOST=0.0.0.0']));
    expect(existsSync(path.join(root, 'config/production.json'))).toBe(false);
  });

  it('its CMD and HEALTHCHECK run files that exist in dist/ after the build, which the runtime stage copies', () => {
    const runtime = stages[1]!;
    const cmd = execForm(runtime.find((l) => l.startsWith('CMD '))!);
    expect(cmd).toEqual(['node', 'dist/src/main.js']);
    const healthcheck = runtime.find((l) => l.startsWith('HEALTHCHECK '))!;
    expect(healthcheck).toMatch(/--interval=\d+s --timeout=\d+s --start-period=\d+s --retries=\d+ CMD \[/);
    const probe = execForm(healthcheck);
    expect(probe).toEqual(['node', 'dist/src/http/healthcheck.js']);
    const copied = runtime.filter((l) => l.startsWith('COPY --from=build')).map((l) => l.split(/\s+/)[2]!.replace('/app/', ''));
    expect(copied.sort()).toEqual(['dist/migrations', 'dist/src']);
    for (const file of [cmd[1]!, probe[1]!]) {
      expect(existsSync(path.join(root, file))).toBe(true);
      expect(copied.some((dir) => file.startsWith(`${dir}/`))).toBe(true);
    }
    // The build stage copies what tsconfig.build.json compiles into those folders.
    for (const dir of ['src', 'migrations']) expect(stages[0]).toContain(`COPY ${dir} ./${dir}`);
  });

  it('the compiled code needs nothing but production dependencies and Node built-ins (npm ci --omit=dev suffices)', () => {
    const allowed = new Set([...Object.keys(pkg.dependencies), ...builtinModules]);
    const missing = new Set<string>();
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith('.js')) {
          for (const [, spec] of readFileSync(full, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'([^'.][^']*)'/g)) {
            const name = spec!.startsWith('node:') ? spec!.slice(5) : spec!.startsWith('@') ? spec!.split('/').slice(0, 2).join('/') : spec!.split('/')[0]!;
            if (!allowed.has(name)) missing.add(`${path.relative(root, full)} → ${spec}`);
          }
        }
      }
    };
    for (const dir of ['dist/src', 'dist/migrations']) walk(path.join(root, dir));
    expect([...missing]).toEqual([]);
  });

  it('every production dependency is imported by the compiled code, or the README says why it is not', () => {
    const imported = new Set<string>();
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith('.js')) {
          for (const [, spec] of readFileSync(full, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'([^'.][^']*)'/g)) {
            imported.add(spec!.startsWith('@') ? spec!.split('/').slice(0, 2).join('/') : spec!.split('/')[0]!);
          }
        }
      }
    };
    for (const dir of ['dist/src', 'dist/migrations']) walk(path.join(root, dir));
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const explained = [...(/Declared but not imported: ([^\n]*)\./.exec(readme)?.[1] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    expect(Object.keys(pkg.dependencies).filter((name) => !imported.has(name)).sort()).toEqual(explained.sort());
    // ... and the lock file's root agrees with package.json (edited together).
    const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dependencies?: Record<string, string> }> };
    expect(lock.packages['']!.dependencies).toEqual(pkg.dependencies);
    for (const name of Object.keys(pkg.dependencies)) expect({ name, locked: Boolean(lock.packages[`node_modules/${name}`]) }).toEqual({ name, locked: true });
  });

  it('.dockerignore keeps local builds, dependencies, tests and git out of the context', () => {
    const ignored = readFileSync(path.join(root, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    for (const entry of ['node_modules', 'dist', '.git', 'test', '.env']) expect(ignored).toContain(entry);
    for (const needed of ['src', 'migrations', 'config', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']) {
      expect(ignored).not.toContain(needed);
      expect(existsSync(path.join(root, needed))).toBe(true);
    }
  });
});

describe('dist/src/http/healthcheck.js (the HEALTHCHECK)', () => {
  it('exits 0 against a running daemon and 1 when nothing answers', async () => {
    const t = await createTestDatabase();
    const daemon = await spawnDaemon({ DATABASE_URL: t.url, REDIS_URL: TEST_REDIS_URL, SHUTDOWN_GRACE_MS: '2000' });
    try {
      const port = new URL(daemon.url).port;
      const probe = (httpPort: string) => run(process.execPath, [path.join(root, 'dist/src/http/healthcheck.js')], { env: { HTTP_PORT: httpPort } });
      await expect(probe(port)).resolves.toMatchObject({ stderr: '' });
      await expect(probe('1')).rejects.toMatchObject({ code: 1 });
    } finally {
      daemon.child.kill('SIGTERM');
      await daemon.exited;
      await t.drop();
    }
  }, 60_000);
});
