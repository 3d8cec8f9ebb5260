/** Where the benchmarks find PostgreSQL and Redis: loopback only, like every benchmark here. */

export const BENCH_PG_ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const BENCH_REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Benchmark traffic goes to 127.0.0.1 only: refuses any other host. */
export function assertLoopback(what: string, url: string): void {
  const host = new URL(url).hostname;
  if (!LOOPBACK.has(host)) throw new Error(`${what} must be on loopback for a benchmark, not ${host}`);
}

export function databaseUrl(name: string): string {
  const url = new URL(BENCH_PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}
