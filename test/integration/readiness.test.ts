import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startHarness, type Harness } from '../helpers/harness.js';

// /readyz reports whether Postgres answers, not whether the jobs have left a pooled connection free: jobs hold
// theirs across OneFile calls (per-learner locks), which wait out a Redis outage.
describe('readiness while jobs hold every pooled Postgres connection', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { DATABASE_POOL_SIZE: '2' } });
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });

  it('/readyz still says postgres ok', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const holders = [0, 1].map(() => h.daemon.deps.db.connection().execute(() => held));
    try {
      // The pool is exhausted: a query on it waits.
      const pooled = await Promise.race([h.daemon.deps.db.selectNoFrom((eb) => eb.lit(1).as('one')).execute().then(() => 'answered'), new Promise((r) => setTimeout(() => r('waiting'), 300))]);
      expect(pooled).toBe('waiting');
      const response = await fetch(`${h.daemon.http.url}/readyz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ checks: { postgres: 'ok', redis: 'ok' } });
    } finally {
      release();
      await Promise.all(holders);
    }
  });

  it('a pool smaller than the concurrent jobs is named at start', () => {
    const warning = h.logs.map((l) => JSON.parse(l)).find((l) => /fewer Postgres connections than concurrent jobs/.test(l.msg));
    expect(warning).toMatchObject({ level: 40, poolSize: 2, concurrentJobs: 11 });
  });
});
